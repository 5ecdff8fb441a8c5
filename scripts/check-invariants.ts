import { runCheckInvariantsCli } from '#libs/invariants';

/**
 * `npm run check:invariants`: checks every service schema of DATABASE_URL against the system's
 * invariants (libs/invariants/README.md) in one read-only snapshot. Exit 0 when clean, 1 with
 * violations, 2 on a usage or connection error.
 */
const code = await runCheckInvariantsCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
