import { parseArgs } from 'node:util';
import pg from 'pg';
import { checkInvariants, groupByInvariant, type InvariantReport } from './check-invariants.js';
import { DEFAULT_OPTIONS, type InvariantOptions } from './invariant.rule.js';

/** Exit codes of `npm run check:invariants`. */
export const EXIT = Object.freeze({ clean: 0, violations: 1, error: 2 });

export const USAGE = `usage: DATABASE_URL=postgres://... npm run check:invariants -- [options]

Reads every service schema in one read-only snapshot and lists each broken invariant
(libs/invariants/README.md). Exit 0 when clean, 1 with violations, 2 on a usage or connection error.

  --grace-seconds N      in-flight replies tolerated for N seconds (default ${DEFAULT_OPTIONS.graceSeconds})
  --stuck-minutes N      transient states, PENDING orders, unpublished outbox rows and retries
                         count as stuck after N minutes (default ${DEFAULT_OPTIONS.stuckMinutes})
  --json                 print the report as JSON
  --require-schemas      a missing service schema is a violation (SCHEMA_MISSING)
  --limit N              list at most N violations per rule (default ${DEFAULT_OPTIONS.limit})
  --allow-purged-outbox  accept event sequences whose first published rows were purged
  --help                 this text
`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

class UsageError extends Error {}

/** `npm run check:invariants`: parses `argv`, checks the database of `env.DATABASE_URL`, prints, returns the exit code. */
export async function runCheckInvariantsCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  let options: InvariantOptions;
  let json: boolean;
  try {
    const parsed = parseCli(argv);
    if (parsed === 'help') {
      io.out(USAGE);
      return EXIT.clean;
    }
    ({ options, json } = parsed);
  } catch (error) {
    io.err(`check:invariants: ${message(error)}\n\n${USAGE}`);
    return EXIT.error;
  }
  const url = env.DATABASE_URL;
  if (!url) {
    io.err('check:invariants: DATABASE_URL is not set: point it at the database holding the service schemas, e.g.\n'
      + '  DATABASE_URL=postgres://oms:secret@localhost:5432/oms npm run check:invariants\n');
    return EXIT.error;
  }
  const client = new pg.Client({ connectionString: url, application_name: 'oms:check-invariants', connectionTimeoutMillis: 10_000 });
  // A connection that dies mid-check must not crash the process with an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    io.err(`check:invariants: cannot connect to the database: ${message(error)}\n`);
    return EXIT.error;
  }
  try {
    const report = await checkInvariants(client, options);
    io.out(json ? `${JSON.stringify(toJson(report, options), null, 2)}\n` : formatReport(report, options));
    return report.ok ? EXIT.clean : EXIT.violations;
  } catch (error) {
    io.err(`check:invariants: the check failed: ${message(error)}\n`);
    return EXIT.error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function parseCli(argv: readonly string[]): { options: InvariantOptions; json: boolean } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'grace-seconds': { type: 'string' },
        'stuck-minutes': { type: 'string' },
        json: { type: 'boolean', default: false },
        'require-schemas': { type: 'boolean', default: false },
        limit: { type: 'string' },
        'allow-purged-outbox': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(message(error));
  }
  if (values.help) return 'help';
  const number = (flag: string, raw: string | undefined, integer = false): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && (!Number.isSafeInteger(n) || n < 1))) {
      throw new UsageError(`--${flag} must be ${integer ? 'a whole number >= 1' : 'a number >= 0'}, not ${JSON.stringify(raw)}`);
    }
    return n;
  };
  return {
    json: values.json,
    options: {
      graceSeconds: number('grace-seconds', values['grace-seconds']),
      stuckMinutes: number('stuck-minutes', values['stuck-minutes']),
      limit: number('limit', values.limit, true),
      requireSchemas: values['require-schemas'],
      allowPurgedOutbox: values['allow-purged-outbox'],
    },
  };
}

function toJson(report: InvariantReport, options: InvariantOptions): Record<string, unknown> {
  return {
    ok: report.ok,
    snapshotAt: report.snapshotAt.toISOString(),
    options: {
      graceSeconds: options.graceSeconds ?? DEFAULT_OPTIONS.graceSeconds,
      stuckMinutes: options.stuckMinutes ?? DEFAULT_OPTIONS.stuckMinutes,
      limit: options.limit ?? DEFAULT_OPTIONS.limit,
      requireSchemas: options.requireSchemas ?? false,
      allowPurgedOutbox: options.allowPurgedOutbox ?? false,
    },
    counts: Object.fromEntries(groupByInvariant(report.violations).map((g) => [g.invariant, g.count])),
    violations: report.violations,
    checked: report.checked,
    skipped: report.skipped,
    truncated: report.truncated,
    missingSchemas: report.missingSchemas,
  };
}

/** The human report: a header, then each invariant with its count and one line per violation. */
export function formatReport(report: InvariantReport, options: InvariantOptions = {}): string {
  const lines: string[] = [];
  const grace = options.graceSeconds ?? DEFAULT_OPTIONS.graceSeconds;
  const stuck = options.stuckMinutes ?? DEFAULT_OPTIONS.stuckMinutes;
  lines.push(`invariants at ${report.snapshotAt.toISOString()} (grace ${grace} s, stuck after ${stuck} min): ${report.checked.length} rules checked`);
  if (report.missingSchemas.length > 0) lines.push(`schemas not found: ${report.missingSchemas.join(', ')}`);
  if (report.skipped.length > 0) {
    const rules = [...new Set(report.skipped.map((s) => s.invariant))];
    const tables = [...new Set(report.skipped.flatMap((s) => s.missing))];
    lines.push(`skipped ${rules.length} rule(s) whose tables are missing (${tables.join(', ')}): ${rules.join(', ')}`);
  }
  if (report.ok) {
    lines.push('no violations');
    return `${lines.join('\n')}\n`;
  }
  const groups = groupByInvariant(report.violations);
  const codeWidth = Math.max('INVARIANT'.length, ...groups.map((g) => g.invariant.length));
  lines.push('', `${'INVARIANT'.padEnd(codeWidth)}  COUNT`);
  for (const g of groups) lines.push(`${g.invariant.padEnd(codeWidth)}  ${String(g.count).padStart(5)}${report.truncated.includes(g.invariant) ? '+' : ''}`);
  for (const g of groups) {
    lines.push('', `${g.invariant} (${g.count}${report.truncated.includes(g.invariant) ? `, more not listed` : ''})`);
    const width = Math.min(40, Math.max(...g.violations.map((v) => v.subject.length)));
    for (const v of g.violations) lines.push(`  ${v.subject.padEnd(width)}  ${v.detail}`);
  }
  const total = report.violations.length;
  lines.push('', `${total} violation${total === 1 ? '' : 's'} of ${groups.length} invariant${groups.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
