import type { ClientBase, Pool } from 'pg';
import { DUPLICATE_EFFECT_RULES } from './duplicate-effects.invariants.js';
import { EVENT_SEQUENCE_RULES } from './event-sequence.invariants.js';
import {
  missingSchemas,
  presentTables,
  resolveOptions,
  runRules,
  SERVICE_SCHEMAS,
  type InvariantOptions,
  type InvariantRule,
  type Queryable,
  type Violation,
} from './invariant.rule.js';
import { MESSAGING_RULES } from './messaging.invariants.js';
import { PAYMENT_RULES } from './payment.invariants.js';
import { STOCK_RULES } from './stock.invariants.js';
import { STUCK_ORDER_RULES } from './stuck-orders.invariants.js';

/** Every family, in report order. */
export const INVARIANT_FAMILIES: Readonly<Record<string, readonly InvariantRule[]>> = Object.freeze({
  stock: STOCK_RULES,
  payments: PAYMENT_RULES,
  'stuck orders': STUCK_ORDER_RULES,
  'event sequences': EVENT_SEQUENCE_RULES,
  'duplicate effects': DUPLICATE_EFFECT_RULES,
  messaging: MESSAGING_RULES,
});

export const ALL_RULES: readonly InvariantRule[] = Object.values(INVARIANT_FAMILIES).flat();

/** Every invariant code the checker can report, `SCHEMA_MISSING` included. */
export const INVARIANT_CODES: readonly string[] = ['SCHEMA_MISSING', ...new Set(ALL_RULES.map((r) => r.code))];

/** The outcome of one consistent run over every schema. */
export interface InvariantReport {
  /** True when no violation was found. */
  readonly ok: boolean;
  readonly violations: Violation[];
  /** The database's time of the snapshot every rule read. */
  readonly snapshotAt: Date;
  /** Rules that ran. */
  readonly checked: string[];
  /** Rules skipped because a table they read does not exist (per schema for the messaging rules). */
  readonly skipped: { readonly invariant: string; readonly missing: string[] }[];
  /** Rules that found more than `limit` violations: only the first `limit` are listed. */
  readonly truncated: string[];
  /** Service schemas that do not exist in this database. */
  readonly missingSchemas: string[];
}

/**
 * Runs every invariant in one REPEATABLE READ, READ ONLY transaction, so all schemas are read
 * from the same snapshot and nothing can be written. With a Pool, one client is borrowed for it;
 * a Client must not be inside a transaction already (use {@link collectViolations} there).
 */
export async function checkInvariants(db: Pool | ClientBase, options: InvariantOptions = {}): Promise<InvariantReport> {
  const resolved = resolveOptions(options);
  if (!isPool(db)) return inReadOnlySnapshot(db, resolved);
  const client = await db.connect();
  try {
    return await inReadOnlySnapshot(client, resolved);
  } finally {
    client.release();
  }
}

async function inReadOnlySnapshot(client: ClientBase, options: InvariantOptions): Promise<InvariantReport> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const report = await collectViolations(client, options);
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs every invariant through `db` as it is: in the caller's transaction if there is one (for a
 * consistent result, a REPEATABLE READ one; {@link checkInvariants} opens it for you).
 */
export async function collectViolations(db: Queryable, options: InvariantOptions = {}): Promise<InvariantReport> {
  const resolved = resolveOptions(options);
  const { rows } = await db.query('SELECT now() AS now');
  const snapshotAt = rows[0]!.now as Date;
  const tables = await presentTables(db);
  const missing = await missingSchemas(db, [...new Set([...SERVICE_SCHEMAS, ...resolved.requireSchemas])]);
  const required = new Set(resolved.requireSchemas);
  const schemaViolations: Violation[] = missing
    .filter((s) => required.has(s))
    .map((s) => ({ invariant: 'SCHEMA_MISSING', subject: s, detail: `schema ${s} does not exist in this database` }));
  const run = await runRules(db, ALL_RULES, resolved, tables);
  const violations = [...schemaViolations, ...run.violations];
  return {
    ok: violations.length === 0,
    violations,
    snapshotAt,
    checked: [...new Set(run.checked)],
    skipped: run.skipped,
    truncated: [...new Set(run.truncated)],
    missingSchemas: missing,
  };
}

function isPool(db: Pool | ClientBase): db is Pool {
  return typeof (db as Pool).totalCount === 'number' && typeof (db as Pool).idleCount === 'number';
}

/** Violations per invariant code, in report order, with counts. */
export function groupByInvariant(violations: readonly Violation[]): { invariant: string; count: number; violations: Violation[] }[] {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const list = groups.get(v.invariant);
    if (list) list.push(v);
    else groups.set(v.invariant, [v]);
  }
  const order = (code: string): number => {
    const i = INVARIANT_CODES.indexOf(code);
    return i < 0 ? INVARIANT_CODES.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([invariant, list]) => ({ invariant, count: list.length, violations: list }));
}
