import { Body, Controller, HttpCode, Post, Res, UseGuards, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { Public } from '#libs/auth';
import { ApiError } from '#libs/errors';
import { Idempotent, IdempotentCommandBus } from '#libs/idempotency';
import { installLegacyBodyFraming, LegacyRoute } from '#libs/legacy-api';
import { RequestContext } from '#libs/observability';
import type { Actor } from '../../../../application/actor.js';
import { CreateOrderCommand } from '../../../../application/commands/create-order/create-order.command.js';
import { PayOrderCommand } from '../../../../application/commands/pay-order/pay-order.command.js';
import { AwaitOutcomeQuery } from '../../../../application/queries/await-payment/await-payment.query.js';
import { currentActor } from '../../actor.js';
import { OrderApiOptions } from '../../order.api.js';
import { LegacyOrderExceptionFilter } from './legacy-exception.filter.js';
import { parseLegacyCreateOrder, parseLegacyPayment } from './legacy-order.requests.js';
import { legacyOrderCreated, legacyPaymentOutcome, type LegacyAnswer } from './legacy-order.responses.js';
import { LegacySigningKey, verifyLegacySignature } from './legacy-signature.js';
import { LegacyBodyTokenGuard } from './legacy-token.guard.js';

interface StatusReply {
  status(code: number): unknown;
}

/** A customer names themselves in `userId`; only an admin may name someone else. */
function assertSelf(actor: Actor, userId: string): void {
  if (!actor.isAdmin && actor.subject !== userId) {
    throw new ApiError('PERMISSION_DENIED', `userId ${userId} is not the authenticated user (the token's sub)`, 'FORBIDDEN');
  }
}

/**
 * Seed 000's order and payment endpoints (`/api`), a thin adapter over the very commands and
 * queries `/v1` and gRPC use: an order created here is a `/v1` order, and the other way round.
 * Failures are answered in the seed's shape by the legacy filter (docs/decisions/0009-legacy-api.md).
 */
@Controller('api')
export class LegacyOrdersHttpController implements OnModuleInit {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
    private readonly signingKey: LegacySigningKey,
    private readonly options: OrderApiOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    installLegacyBodyFraming(this.adapterHost.httpAdapter?.getInstance());
  }

  /**
   * Token (body or bearer), then signature, then the seed's rules; the order is CreateOrder's with
   * the stated total checked. The signature is the request's idempotency key, so a replay within
   * 24 h gets the first answer and creates nothing.
   */
  @Post('orders/create')
  @Public()
  @UseGuards(LegacyBodyTokenGuard)
  @HttpCode(200)
  @LegacyRoute(LegacyOrderExceptionFilter, { amountField: 'orderAmount' })
  async create(@Body() body: unknown): Promise<LegacyAnswer> {
    const signed = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const signature = verifyLegacySignature(signed, this.signingKey);
    const request = parseLegacyCreateOrder(body);
    const actor = currentActor();
    assertSelf(actor, request.userId);
    RequestContext.patch({ idempotencyKey: `legacy-signature:${signature}` });
    const order = await this.commands.execute(new CreateOrderCommand(actor, request.userId, request.items, undefined, request.orderAmount));
    return legacyOrderCreated(order);
  }

  /** PayOrder with the stated amount checked, then the same wait as `/v1` (OMS_PAYMENT_WAIT_MS). */
  @Post('payment/process')
  @HttpCode(200)
  @Idempotent()
  @LegacyRoute(LegacyOrderExceptionFilter, { amountField: 'paymentAmount', failure: { paymentStatus: 'failed' } })
  async pay(@Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply): Promise<LegacyAnswer> {
    const request = parseLegacyPayment(body);
    const actor = currentActor();
    assertSelf(actor, request.userId);
    const command = new PayOrderCommand(actor, request.orderId, request.paymentMethod, request.card, undefined, request.paymentAmount);
    const started = await this.commands.execute(command);
    const order = await this.queries.execute(
      new AwaitOutcomeQuery(actor, request.orderId, this.options.outcomeWaitMs, started.payment.id),
    );
    const answer = legacyPaymentOutcome(order, started.payment.id);
    reply.status(answer.code);
    return answer;
  }
}
