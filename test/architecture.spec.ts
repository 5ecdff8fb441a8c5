import { ESLint } from 'eslint';

/**
 * The layer rules of eslint.config.js, proven to fire: each case is a line that breaks one rule,
 * linted as if it stood in a file of the named layer.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const ORDER = 'apps/order-service/src';

describe('architecture rules', () => {
  it.each([
    ['domain importing Nest', `${ORDER}/domain/x.ts`, "import { Injectable } from '@nestjs/common';"],
    ['domain importing TypeORM', `${ORDER}/domain/x.ts`, "import { DataSource } from 'typeorm';"],
    ['domain importing amqplib', `${ORDER}/domain/x.ts`, "import amqp from 'amqplib';"],
    ['domain importing a lib other than ddd', `${ORDER}/domain/x.ts`, "import { TransactionRunner } from '#libs/database';"],
    ['domain importing the application', `${ORDER}/domain/x.ts`, "import { Clock } from '../application/ports/clock.port.js';"],
    ['domain importing an adapter', `${ORDER}/domain/x.ts`, "import { SystemClock } from '../adapters/out/system/system.clock.js';"],
    ['application importing TypeORM', `${ORDER}/application/x.ts`, "import { DataSource } from 'typeorm';"],
    ['application importing the database lib', `${ORDER}/application/x.ts`, "import { TransactionRunner } from '#libs/database';"],
    ['application importing the legacy API lib', `${ORDER}/application/x.ts`, "import { LegacyRoute } from '#libs/legacy-api';"],
    ['application importing an adapter', `${ORDER}/application/x.ts`, "import { SystemClock } from '../adapters/out/system/system.clock.js';"],
    ['inbound adapter importing an outbound one', `${ORDER}/adapters/in/x.ts`, "import { SystemClock } from '../out/system/system.clock.js';"],
    ['outbound adapter importing an inbound one', `${ORDER}/adapters/out/x.ts`, "import { OrderApi } from '../in/order.api.js';"],
    ['a lib importing an app', 'libs/edge/src/x.ts', "import { OrderModule } from '../../../apps/order-service/src/order.module.js';"],
    ['a deep import into a lib', `${ORDER}/adapters/out/x.ts`, "import { TransactionRunner } from '#libs/database/src/transaction-context.js';"],
  ])('refuses %s', async (_name, file, line) => {
    expect(await restrictedImports(file, line)).toHaveLength(1);
  });

  it('lets each layer import what it may', async () => {
    expect(await restrictedImports(`${ORDER}/domain/x.ts`, "import { DomainError } from '#libs/ddd';")).toEqual([]);
    expect(await restrictedImports(`${ORDER}/application/x.ts`, "import { CommandHandler } from '@nestjs/cqrs';")).toEqual([]);
    expect(await restrictedImports(`${ORDER}/adapters/out/x.ts`, "import { Clock } from '../../application/ports/clock.port.js';")).toEqual([]);
    expect(await restrictedImports(`${ORDER}/adapters/in/x.ts`, "import { LegacyRoute } from '#libs/legacy-api';")).toEqual([]);
  });
});
