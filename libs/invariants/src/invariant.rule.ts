/**
 * The machinery every invariant family shares: what a violation is, the options, and a rule as
 * data (one set-based SQL statement returning `subject, detail` for each violating row), run
 * against whatever part of the schemas exists.
 */

/** One broken rule, about one thing. */
export interface Violation {
  /** Stable code of the rule, e.g. `STOCK_NOT_CONSERVED`. */
  readonly invariant: string;
  /** What it is about: an order id, a sku, a message id, a schema. */
  readonly subject: string;
  /** What was found, for a human. */
  readonly detail: string;
}

/** Anything that runs a parameterised statement: a `pg` Client, PoolClient or Pool. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface InvariantOptions {
  /**
   * Seconds a reply or compensation may still be in flight before a half-finished step counts as
   * a violation (a capture whose reply has not reached the order yet, a release on its way...),
   * and how long past its deadline a saga may wait for the timeout poller. Default 60.
   */
  readonly graceSeconds?: number;
  /**
   * Minutes after which a transient saga phase, a PENDING order, an unpublished outbox row or an
   * overdue retry counts as stuck. Default 5.
   */
  readonly stuckMinutes?: number;
  /**
   * Schemas that must exist: `true` for all four service schemas, or a list. A missing required
   * schema is a `SCHEMA_MISSING` violation; a missing schema that is not required only skips the
   * rules that need it. Default: none required.
   */
  readonly requireSchemas?: boolean | readonly string[];
  /** At most this many violations per rule are listed (the rule is then reported truncated). Default 1000. */
  readonly limit?: number;
  /**
   * Accept an order's event sequence that starts after 1 (and orders with no event rows left),
   * for databases whose published outbox rows are purged (`OutboxRelay.purgePublished`, which
   * nothing calls today). Default false: every sequence must start at 1.
   */
  readonly allowPurgedOutbox?: boolean;
}

export interface ResolvedOptions {
  readonly graceSeconds: number;
  readonly stuckMinutes: number;
  readonly requireSchemas: readonly string[];
  readonly limit: number;
  readonly allowPurgedOutbox: boolean;
}

/** SQL for a timestamptz column as ISO 8601 UTC text, to millisecond precision (for details). */
export const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The schemas the checker knows, one per service. */
export const SERVICE_SCHEMAS = ['order_service', 'inventory_service', 'payment_service', 'notification_service'] as const;

export const DEFAULT_OPTIONS = Object.freeze({ graceSeconds: 60, stuckMinutes: 5, limit: 1000 });

export function resolveOptions(options: InvariantOptions = {}): ResolvedOptions {
  const graceSeconds = options.graceSeconds ?? DEFAULT_OPTIONS.graceSeconds;
  const stuckMinutes = options.stuckMinutes ?? DEFAULT_OPTIONS.stuckMinutes;
  const limit = options.limit ?? DEFAULT_OPTIONS.limit;
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new RangeError(`graceSeconds must be a number >= 0, not ${graceSeconds}`);
  if (!Number.isFinite(stuckMinutes) || stuckMinutes < 0) throw new RangeError(`stuckMinutes must be a number >= 0, not ${stuckMinutes}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number >= 1, not ${limit}`);
  const required = options.requireSchemas === true ? [...SERVICE_SCHEMAS] : options.requireSchemas || [];
  return { graceSeconds, stuckMinutes, requireSchemas: required, limit, allowPurgedOutbox: options.allowPurgedOutbox ?? false };
}

/**
 * One invariant as data. `sql` returns the violating rows as `subject, detail`, ordered, and may
 * use these placeholders (each becomes a typed bind parameter):
 * `{limit}` (int), `{grace}` and `{stuck}` (intervals), `{allowPurged}` (boolean).
 */
export interface InvariantRule {
  readonly code: string;
  /** Every `schema.table` the statement reads; the rule is skipped when one is missing. */
  readonly tables: readonly string[];
  readonly sql: string;
}

/** What a run of some rules found. */
export interface RuleRun {
  readonly violations: Violation[];
  /** Rules that ran. */
  readonly checked: string[];
  /** Rules that could not run, with the tables that are missing. */
  readonly skipped: { readonly invariant: string; readonly missing: string[] }[];
  /** Rules with more violations than `limit`: only the first `limit` are listed. */
  readonly truncated: string[];
}

/** The tables (`schema.table`) of the service schemas this connection can see. */
export async function presentTables(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query(
    `SELECT n.nspname || '.' || c.relname AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
    [[...SERVICE_SCHEMAS]],
  );
  return new Set(rows.map((r) => String(r.name)));
}

/** The given schemas that do not exist. */
export async function missingSchemas(db: Queryable, schemas: readonly string[]): Promise<string[]> {
  if (schemas.length === 0) return [];
  const { rows } = await db.query(`SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY($1::text[])`, [[...schemas]]);
  const present = new Set(rows.map((r) => String(r.nspname)));
  return schemas.filter((s) => !present.has(s));
}

/**
 * Runs `rules` one statement each (set-based: no per-row round trip), in the caller's
 * transaction if there is one. Rules whose tables are missing are skipped.
 */
export async function runRules(
  db: Queryable,
  rules: readonly InvariantRule[],
  options: InvariantOptions | ResolvedOptions = {},
  tables?: ReadonlySet<string>,
): Promise<RuleRun> {
  const o = isResolved(options) ? options : resolveOptions(options);
  const present = tables ?? (await presentTables(db));
  const run: RuleRun = { violations: [], checked: [], skipped: [], truncated: [] };
  for (const rule of rules) {
    const missing = rule.tables.filter((t) => !present.has(t));
    if (missing.length > 0) {
      run.skipped.push({ invariant: rule.code, missing });
      continue;
    }
    const { text, values } = bind(rule.sql, o);
    const { rows } = await db.query(text, values);
    run.checked.push(rule.code);
    if (rows.length > o.limit) run.truncated.push(rule.code);
    for (const row of rows.slice(0, o.limit)) {
      run.violations.push({ invariant: rule.code, subject: String(row.subject), detail: String(row.detail) });
    }
  }
  return run;
}

function isResolved(options: InvariantOptions | ResolvedOptions): options is ResolvedOptions {
  return Array.isArray(options.requireSchemas) && typeof options.limit === 'number' && typeof options.allowPurgedOutbox === 'boolean'
    && typeof options.graceSeconds === 'number' && typeof options.stuckMinutes === 'number';
}

/** Replaces the placeholders by typed bind parameters. The statement asks for `limit + 1` rows, to notice truncation. */
function bind(sql: string, o: ResolvedOptions): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const slots = new Map<string, string>();
  const param = (name: string, value: unknown, cast: (n: string) => string): string => {
    let slot = slots.get(name);
    if (!slot) {
      values.push(value);
      slot = cast(`$${values.length}`);
      slots.set(name, slot);
    }
    return slot;
  };
  const text = sql.replace(/\{(limit|grace|stuck|allowPurged)\}/g, (_, name: string) => {
    switch (name) {
      case 'limit':
        return param(name, o.limit + 1, (p) => `${p}::int`);
      case 'grace':
        return param(name, o.graceSeconds, (p) => `make_interval(secs => ${p}::double precision)`);
      case 'stuck':
        return param(name, o.stuckMinutes * 60, (p) => `make_interval(secs => ${p}::double precision)`);
      default:
        return param(name, o.allowPurgedOutbox, (p) => `${p}::boolean`);
    }
  });
  return { text, values };
}
