import { Controller, Inject, Module, type DynamicModule } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { TransactionRunner } from '#libs/database';
import { RequestContext } from '#libs/observability';
import { MessageContext } from '../src/message.context.js';
import { MessageScope } from '../src/message-scope.js';
import { PermanentMessageError } from '../src/messaging.errors.js';
import type { OutboxWriter } from '../src/outbox.writer.js';

/** What the test handler is told to do, per message `key`. */
export type HandlerMode = 'ok' | 'fail-twice' | 'always-fail' | 'permanent' | 'kill-db-connection' | 'slow' | 'stall-then-fail-unless-redelivered';

export interface TestCommand {
  readonly key: string;
  readonly mode?: HandlerMode;
}

/** What the handler saw, per call. */
export interface HandlerCall {
  readonly key: string;
  readonly routingKey: string;
  readonly attempt: number;
  readonly messageId: string;
  readonly correlationId: string;
  readonly requestCorrelationId?: string;
  readonly scopeMessageId?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly redelivered: boolean;
  finished: boolean;
}

export interface TestHandlerDeps {
  readonly tx: TransactionRunner;
  readonly writer: OutboxWriter;
  readonly schema: string;
  readonly repliesExchange: string;
  readonly calls: HandlerCall[];
  /** Per key: what a `stall-...` handler waits for. */
  readonly gates?: Map<string, Promise<void>>;
}

const DEPS = Symbol('TestHandlerDeps');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service's message handler as the apps write them: a plain controller with `@EventPattern`s. */
@Controller()
export class InventoryTestController {
  constructor(@Inject(DEPS) private readonly deps: TestHandlerDeps) {}

  // `<string>` picks Nest 12's untyped overload, whose handlers may type their context argument.
  @EventPattern<string>('inventory.reserve')
  async reserve(@Payload() command: TestCommand, @Ctx() ctx: MessageContext): Promise<void> {
    await this.handle(command, ctx);
  }

  @EventPattern<string>('inventory.wild.*')
  async wildcard(@Payload() command: TestCommand, @Ctx() ctx: MessageContext): Promise<void> {
    await this.handle(command, ctx);
  }

  private async handle(command: TestCommand, ctx: MessageContext): Promise<void> {
    const call: HandlerCall = {
      key: command.key,
      routingKey: ctx.routingKey,
      attempt: ctx.attempt,
      messageId: ctx.messageId,
      correlationId: ctx.correlationId,
      requestCorrelationId: RequestContext.correlationId(),
      scopeMessageId: MessageScope.current()?.messageId,
      headers: ctx.headers,
      redelivered: ctx.redelivered,
      finished: false,
    };
    this.deps.calls.push(call);
    const { tx, writer, schema } = this.deps;
    // The effect and the reply are written first, so a later failure must roll them back.
    await tx.manager().query(`INSERT INTO ${schema}.effects (key, note) VALUES ($1, $2)`, [command.key, `attempt ${ctx.attempt}`]);
    await writer.append([
      { exchange: this.deps.repliesExchange, routingKey: 'inventory.reserve.result', aggregateId: command.key, payload: { key: command.key } },
    ]);
    switch (command.mode) {
      case 'fail-twice':
        if (ctx.attempt <= 2) throw new Error(`transient failure ${ctx.attempt}`);
        break;
      case 'always-fail':
        throw new Error('always failing');
      case 'permanent':
        throw new PermanentMessageError('this reservation can never succeed');
      case 'kill-db-connection':
        // The database connection dies mid-handler: nothing may be acked, the retry does the work.
        if (ctx.attempt === 1) await tx.manager().query('SELECT pg_terminate_backend(pg_backend_pid())');
        break;
      case 'slow':
        await sleep(400);
        break;
      case 'stall-then-fail-unless-redelivered':
        // Stands for a consumer that hangs and dies: it fails after the test cut its connection.
        if (!ctx.redelivered) {
          await this.deps.gates?.get(command.key);
          throw new Error('died mid-handler');
        }
        break;
    }
    call.finished = true;
  }
}

/** The Nest module under test: the controller and its dependencies. */
@Module({})
export class TestHandlersModule {
  static with(deps: TestHandlerDeps): DynamicModule {
    return { module: TestHandlersModule, controllers: [InventoryTestController], providers: [{ provide: DEPS, useValue: deps }] };
  }
}
