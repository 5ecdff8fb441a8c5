/**
 * The `idempotency_keys` table the {@link IdempotencyStore} works on, for a service's migration:
 * the store owns the table's shape, so it is written once, here.
 */
export function idempotencyKeysDdl(schema: string): string[] {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return [
    `CREATE TABLE ${schema}.idempotency_keys (
        scope        text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        status       text NOT NULL CONSTRAINT idempotency_keys_status_check CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
        response     jsonb NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`,
    // The janitor's scan for expired keys.
    `CREATE INDEX idempotency_keys_expires_at_idx ON ${schema}.idempotency_keys (expires_at)`,
  ];
}

export function dropIdempotencyKeysDdl(schema: string): string[] {
  return [`DROP TABLE ${schema}.idempotency_keys`];
}
