import { Body, Controller, HttpCode, Post, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { ADMIN_ROLE, Roles, SERVICE_ROLE } from '#libs/auth';
import { ApiError } from '#libs/errors';
import { Idempotent, IdempotentCommandBus } from '#libs/idempotency';
import { installLegacyBodyFraming, LegacyRoute } from '#libs/legacy-api';
import { ReserveStockCommand } from '../../../../application/commands/reserve-stock/reserve-stock.command.js';
import { BatchGetProductsQuery } from '../../../../application/queries/batch-get-products/batch-get-products.query.js';
import type { ReservationView } from '../../../../application/views/reservation.view.js';
import { LegacyInventoryExceptionFilter } from './legacy-exception.filter.js';
import { parseLegacyLock, type LegacyLock } from './legacy-inventory.requests.js';

interface StatusReply {
  status(code: number): unknown;
}

/** The lock's answer: the HTTP status is always `code`. */
export interface LegacyLockAnswer {
  readonly code: number;
  readonly message: string;
  readonly locked: boolean;
}

/**
 * The reservation of the order as the seed reports it: held or already sold for this order
 * (RESERVED, COMMITTED) is locked; REJECTED is the seed's insufficient inventory; a reservation
 * released since (RELEASED, RESTOCKED) holds nothing any more, and locking that order id again
 * would not be the same request, so it is a conflict.
 */
export function legacyLockOutcome(view: ReservationView): LegacyLockAnswer {
  switch (view.status) {
    case 'RESERVED':
    case 'COMMITTED':
      return { code: 200, message: 'Inventory locked successfully', locked: true };
    case 'REJECTED':
      return { code: 400, message: 'Insufficient inventory', locked: false };
    default:
      return {
        code: 409,
        message: `the inventory locked for orderId ${view.orderId} has been released since; lock under a new orderId`,
        locked: false,
      };
  }
}

/**
 * Seed 000's `POST /api/inventory/lock`: internal (role `service` or `admin`), a thin adapter over
 * the ReserveStock command the saga uses, so locking is all or nothing and idempotent per orderId,
 * and locking an order the saga reserved with the same items answers that reservation.
 */
@Controller('api/inventory')
@Roles(SERVICE_ROLE, ADMIN_ROLE)
export class LegacyInventoryHttpController implements OnModuleInit {
  constructor(
    private readonly commands: IdempotentCommandBus,
    private readonly queries: QueryBus,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    installLegacyBodyFraming(this.adapterHost.httpAdapter?.getInstance());
  }

  @Post('lock')
  @HttpCode(200)
  @Idempotent()
  @LegacyRoute(LegacyInventoryExceptionFilter, { failure: { locked: false } })
  async lock(@Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply): Promise<LegacyLockAnswer> {
    const request = parseLegacyLock(body);
    await this.assertKnownProducts(request);
    const view = await this.commands.execute(new ReserveStockCommand(request.orderId, request.items, false));
    const answer = legacyLockOutcome(view);
    reply.status(answer.code);
    return answer;
  }

  /** An unknown productId is a bad request, refused before anything is reserved for the order. */
  private async assertKnownProducts(request: LegacyLock): Promise<void> {
    const known = new Set((await this.queries.execute(new BatchGetProductsQuery(request.items.map((i) => i.sku)))).map((p) => p.sku));
    const violations = request.items.flatMap((item, i) =>
      known.has(item.sku) ? [] : [{ field: `items[${i}].productId`, description: `${item.sku} is not a known product` }],
    );
    if (violations.length > 0) {
      throw ApiError.invalidArgument(violations, violations.map((v) => `${v.field} ${v.description}`).join('; '));
    }
  }
}
