/** Jest runs the TypeScript sources as native ES modules (Nest 12 is ESM-only). */
import { POSTGRES_BINARIES_PACKAGE, reachablePostgresBinaries } from './libs/database/src/embedded-postgres.ts';

const swc = JSON.parse((await import('node:fs')).readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // As root in a private checkout, the embedded PostgreSQL binaries are used from a reachable copy.
    ...binariesCopy(),
  },
  testMatch: [
    '<rootDir>/apps/**/*.spec.ts',
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/**/*.int-spec.ts',
    '<rootDir>/libs/**/*.int-spec.ts',
    '<rootDir>/apps/*/test/**/*.e2e-spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/scripts/**/*.spec.ts',
  ],
  // A PostgreSQL server for integration specs: DATABASE_URL, or an embedded one started here.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
};

function binariesCopy() {
  const entry = reachablePostgresBinaries();
  return entry ? { [`^${POSTGRES_BINARIES_PACKAGE}$`]: entry } : {};
}
