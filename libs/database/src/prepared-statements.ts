import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Distinct statements one connection keeps prepared. Our SQL is a fixed set of texts; the cap
 * only guards against texts built per call (multi-row VALUES of varying length), which then run
 * unprepared rather than fill the server's memory.
 */
const MAX_PREPARED_PER_CONNECTION = 500;
const names = new Map<string, string>();

/** A stable name per statement text, the same on every connection. */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `oms_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/**
 * A `pg` client that runs every statement with parameters as a named prepared statement: parsed
 * and analysed by PostgreSQL once per connection instead of on every execution (TypeORM sends
 * unnamed statements only). On this project's 2-core benchmark machine, where PostgreSQL's CPU
 * is the largest share of an order's cost, that is a third more statements per second
 * (docs/performance.md). Statements without parameters (BEGIN, SAVEPOINT, SET) go as they are.
 *
 * Turn it off (`OMS_PG_PREPARED_STATEMENTS=off`) behind a pooler that cannot carry prepared
 * statements across server connections (PgBouncer in transaction mode before 1.21).
 */
export class PreparedStatementsClient extends pg.Client {
  private readonly preparedNames = new Set<string>();

  // pg's query() has a dozen overloads; this passes everything through but the (text, values) form.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the overloads return Promise or void
  override query(config: unknown, values?: unknown, callback?: unknown): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (this.preparedNames.has(name) || this.preparedNames.size < MAX_PREPARED_PER_CONNECTION) {
        this.preparedNames.add(name);
        return (super.query as (...args: unknown[]) => unknown)({ name, text: config, values }, callback);
      }
    }
    return (super.query as (...args: unknown[]) => unknown)(config, values, callback);
  }
}

/** Reads `OMS_PG_PREPARED_STATEMENTS` (`on`, the default, or `off`). */
export function preparedStatementsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const problem = preparedStatementsProblem(env);
  if (problem) throw new Error(problem);
  return (env.OMS_PG_PREPARED_STATEMENTS ?? 'on').trim().toLowerCase() === 'on';
}

/**
 * What is wrong with `OMS_PG_PREPARED_STATEMENTS`, if anything: for the services' config loaders,
 * which report every bad setting at once before anything starts (the zero-install mode would
 * otherwise have started its embedded database before the DataSource read the typo).
 */
export function preparedStatementsProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = (env.OMS_PG_PREPARED_STATEMENTS ?? 'on').trim().toLowerCase();
  if (value === 'on' || value === 'off') return undefined;
  return `OMS_PG_PREPARED_STATEMENTS must be on or off, got ${JSON.stringify(env.OMS_PG_PREPARED_STATEMENTS)}`;
}
