/**
 * Signs a body for the legacy `POST /api/orders/create` (seed 000):
 *
 *   npm run --silent sign -- '{"userId":"alice","token":"<JWT>","orderAmount":33.5,"items":[...]}'
 *   echo '<body>' | npm run --silent sign
 *   npm run --silent sign -- --fill '<body>'     # prints the body with its "signature" set
 *
 * The signature is the lowercase hex HMAC-SHA256 of the RFC 8785 (JCS) canonical body without its
 * `signature` field. The key is `OMS_SIGNING_SECRET`, else the development key the zero-install
 * mode writes (`${OMS_DATA_DIR:-./.oms-data}/signing-secret`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signLegacyBody } from '../apps/order-service/src/adapters/in/rest/legacy/legacy-signature.js';
import { devSigningSecretPath, readDevSigningSecret } from '../apps/order-service/src/order-service.config.js';

const USAGE = "usage: sign [--fill] '<JSON body>'   (or the body on stdin)\n";

function fail(message: string): never {
  process.stderr.write(`sign: ${message}\n`);
  process.exit(1);
}

function main(): void {
  let parsed: { values: { fill?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ options: { fill: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const text = parsed.positionals[0] ?? readFileSync(0, 'utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail(`the body is not valid JSON\n${USAGE}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('the body must be a JSON object');

  const dataDir = process.env.OMS_DATA_DIR || './.oms-data';
  const secret = process.env.OMS_SIGNING_SECRET || readDevSigningSecret(dataDir);
  if (!secret) {
    fail(`no signing key: set OMS_SIGNING_SECRET, or start the server once in zero-install mode so that it writes ${devSigningSecretPath(dataDir)}`);
  }
  const signature = signLegacyBody(body as Record<string, unknown>, secret);
  process.stdout.write(parsed.values.fill ? `${JSON.stringify({ ...body, signature })}\n` : `${signature}\n`);
}

main();
