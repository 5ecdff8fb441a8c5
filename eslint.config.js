// Flat config: ESLint 10 no longer reads .eslintrc.js (see docs/decisions/0003-eslint-flat-config.md).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'amqplib', '@grpc/*', 'class-validator', 'class-transformer', 'nestjs-pino', 'pino', 'rxjs'];
const apps = readdirSync(new URL('./apps', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.filter((p) => p.regex || p.group.length > 0) }],
});
// `#` starts a comment in gitignore-style `group` patterns, so #libs specifiers are matched by regex.
const noDeepLibImports = { regex: '^#libs/[^/]+/|/libs/', message: 'Import a lib through its index: #libs/<name>.' };

/** The architecture, checked: each entry names what a layer must not import. */
const boundaries = [
  {
    name: 'domain is pure TypeScript',
    files: ['apps/*/src/domain/**/*.ts'],
    rules: restrict(
      { group: FRAMEWORKS, message: 'domain/ imports no framework, ORM or driver.' },
      { regex: '^#libs/(?!ddd$)', message: 'domain/ may use only #libs/ddd.' },
      { group: ['**/application/**', '**/adapters/**'], message: 'domain/ depends on nothing outside itself.' },
      noDeepLibImports,
    ),
  },
  {
    name: 'application talks to ports, never to adapters or the ORM',
    files: ['apps/*/src/application/**/*.ts'],
    rules: restrict(
      { group: ['typeorm', 'typeorm/*', 'pg', 'amqplib', '@grpc/*'], message: 'application/ reaches infrastructure only through ports.' },
      { regex: '^#libs/(database|edge|health)$', message: 'application/ reaches infrastructure only through ports.' },
      { regex: '^#libs/legacy-api$', message: 'application/ speaks no wire dialect: #libs/legacy-api is for inbound adapters.' },
      { group: ['**/adapters/**'], message: 'application/ never imports an adapter.' },
      noDeepLibImports,
    ),
  },
  {
    name: 'inbound adapters meet outbound ones only through ports',
    files: ['apps/*/src/adapters/in/**/*.ts'],
    rules: restrict({ group: ['**/adapters/out/**', '**/out/**'], message: 'adapters/in uses ports, not adapters/out.' }, noDeepLibImports),
  },
  {
    name: 'outbound adapters never call inbound ones',
    files: ['apps/*/src/adapters/out/**/*.ts'],
    rules: restrict({ group: ['**/adapters/in/**', '**/in/**'], message: 'adapters/out never imports adapters/in.' }, noDeepLibImports),
  },
  {
    name: 'libs import no app',
    files: ['libs/**/*.ts'],
    rules: restrict({ group: ['**/apps/**', ...apps.map((a) => `**/${a}/**`)], message: 'libs/ never import an app.' }),
  },
  ...apps.map((app) => ({
    name: `${app} imports no other app`,
    files: [`apps/${app}/**/*.ts`],
    ignores: ['apps/*/src/domain/**', 'apps/*/src/application/**', 'apps/*/src/adapters/**'],
    rules: restrict(
      { group: apps.filter((a) => a !== app && app !== 'all-in-one').map((a) => `**/${a}/**`), message: 'an app never imports another app.' },
      noDeepLibImports,
    ),
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'libs/contracts/src/generated/**', '.oms-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'apps/*/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  ...boundaries,
);
