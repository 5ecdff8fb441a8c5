// Runs before `npm start` and `npm test` (pre-scripts, on whatever Node npm runs with) so a fresh
// clone needs no separate install step: installs the locked dependencies when they are missing or
// older than package-lock.json.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  // `npm install` installs the locked versions; `npm ci` trips over the platform binaries npm 11
  // leaves out of the lockfile (see .ci/run).
  process.stderr.write('installing dependencies (npm install, locked versions) ...\n');
  execSync('npm install --no-audit --no-fund --loglevel=error', { stdio: 'inherit' });
}
