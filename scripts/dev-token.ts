/**
 * Prints a development JWT (HS256) for calling the OMS locally:
 *
 *   npx node dist/scripts/dev-token.js --sub alice [--roles admin,service] [--email a@b.c] [--ttl 3600]
 *
 * The key is `OMS_JWT_SECRET`, else the secret file the zero-install mode writes
 * (`${OMS_DATA_DIR:-./.oms-data}/jwt-secret`). `OMS_JWT_ISSUER` / `OMS_JWT_AUDIENCE`, when set,
 * become `iss` / `aud` so the token passes a server configured the same way.
 */
import { parseArgs } from 'node:util';
import { devSecretPath, readDevSecret, signDevToken } from '#libs/auth';

const USAGE = 'usage: dev-token --sub <subject> [--roles admin,service] [--email <email>] [--ttl <seconds>]\n';

function fail(message: string): never {
  process.stderr.write(`dev-token: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { sub?: string; roles?: string; email?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        roles: { type: 'string' },
        email: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.sub) fail(`--sub is required\n${USAGE}`);
  const ttlSec = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttlSec) || ttlSec <= 0) fail('--ttl must be a positive whole number of seconds');

  const dataDir = process.env.OMS_DATA_DIR || './.oms-data';
  const secret = process.env.OMS_JWT_SECRET || readDevSecret(dataDir);
  if (!secret) {
    fail(
      `no signing key: set OMS_JWT_SECRET, or start the server once in zero-install mode so that it writes ${devSecretPath(dataDir)}`,
    );
  }

  const token = await signDevToken({
    sub: values.sub,
    roles: values.roles?.split(',').map((r) => r.trim()).filter(Boolean),
    email: values.email,
    ttlSec,
    secret,
    issuer: process.env.OMS_JWT_ISSUER || undefined,
    audience: process.env.OMS_JWT_AUDIENCE || undefined,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => fail((err as Error).message));
