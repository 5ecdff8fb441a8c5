// Runs before `npm start` and `npm test` (pre-scripts, on whatever Node npm runs with) so a fresh
// clone needs no separate install step: installs the locked dependencies when they are missing or
// older than package-lock.json.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  process.stderr.write('installing dependencies (npm ci) ...\n');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { stdio: 'inherit' });
}
