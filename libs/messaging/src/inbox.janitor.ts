import type { DataSource } from 'typeorm';
import { assertSchemaName } from './messaging.ddl.js';

/**
 * Deletes inbox entries received before `olderThan`, in chunks, and resolves with how many.
 * Keep entries longer than any redelivery can take (retries, a consumer down for a while, a
 * dead letter replayed by an operator): days, not minutes. A message redelivered after its
 * entry is gone would be handled again.
 */
export async function purgeInbox(dataSource: DataSource, schema: string, olderThan: Date, chunk = 1000): Promise<number> {
  const s = assertSchemaName(schema);
  let total = 0;
  for (;;) {
    const [, deleted] = (await dataSource.query(
      `DELETE FROM ${s}.inbox WHERE (consumer, message_id) IN (
         SELECT consumer, message_id FROM ${s}.inbox WHERE received_at < $1 LIMIT $2)`,
      [olderThan, chunk],
    )) as [unknown, number];
    total += deleted;
    if (deleted < chunk) return total;
  }
}
