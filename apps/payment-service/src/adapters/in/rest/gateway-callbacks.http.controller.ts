import { Body, Controller, Headers, HttpCode, Logger, Post, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { HttpAdapterHost } from '@nestjs/core';
import { Public } from '#libs/auth';
import { SkipRateLimit } from '#libs/edge';
import { ApiError } from '#libs/errors';
import { isValidCorrelationId, RequestContext } from '#libs/observability';
import { ApplyGatewayCallbackCommand } from '../../../application/commands/apply-gateway-callback/apply-gateway-callback.command.js';
import { PAYMENT_OPERATIONS, type PaymentOperation } from '../../../domain/payment-status.js';
import {
  GATEWAY_CALLBACK_CONTENT_TYPE,
  GATEWAY_CALLBACK_PATH,
  GATEWAY_SIGNATURE_HEADER,
  type GatewayCallbackBody,
} from '../../gateway-webhook.contract.js';
import { GatewayCallbackVerifier } from './gateway-callback.verifier.js';

/** What Nest's Fastify adapter offers to register a parser for one content type. */
interface BodyParserHost {
  useBodyParser(type: string, rawBody: boolean, options?: { bodyLimit?: number }): void;
}

const CALLBACK_BODY_LIMIT = 64 * 1024;

/**
 * `POST /internal/gateway/callbacks`: the card gateway's outcomes. Public to the JWT guard, but
 * authenticated by the gateway's HMAC signature over the exact bytes received; an unsigned,
 * tampered or stale callback is refused (401) before anything is read from it. A replayed one is
 * answered 200 (so the sender stops) and changes nothing. Not rate limited per client address.
 */
@Controller()
export class GatewayCallbacksHttpController implements OnModuleInit {
  private readonly logger = new Logger(GatewayCallbacksHttpController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly verifier: GatewayCallbackVerifier,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The body must reach the handler as bytes: a re-serialized JSON object could not be verified. */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as unknown as Partial<BodyParserHost> | undefined;
    adapter?.useBodyParser?.(GATEWAY_CALLBACK_CONTENT_TYPE, false, { bodyLimit: CALLBACK_BODY_LIMIT });
  }

  @Public()
  // Machine traffic from the gateway, one address, as fast as payments happen; the signature is the guard.
  @SkipRateLimit()
  @Post(GATEWAY_CALLBACK_PATH)
  @HttpCode(200)
  async receive(@Body() body: unknown, @Headers(GATEWAY_SIGNATURE_HEADER) signature?: string): Promise<Record<string, unknown>> {
    if (!Buffer.isBuffer(body)) {
      throw new ApiError('UNAUTHENTICATED', `gateway callbacks must be sent as ${GATEWAY_CALLBACK_CONTENT_TYPE} with a ${GATEWAY_SIGNATURE_HEADER} header`);
    }
    const problem = this.verifier.problemWith(body, signature);
    if (problem !== null) {
      this.logger.warn(`refused a gateway callback: ${problem} signature`);
      throw new ApiError('UNAUTHENTICATED', `invalid gateway callback signature (${problem})`, 'INVALID_SIGNATURE');
    }
    const callback = parse(body);
    // The outcome belongs to the request that asked for it: its logs and reply carry that request's id.
    RequestContext.patch({
      orderId: callback.orderId || undefined,
      ...(isValidCorrelationId(callback.correlationId) ? { correlationId: callback.correlationId } : {}),
    });
    const result = await this.commands.execute(
      new ApplyGatewayCallbackCommand(callback.id, callback.paymentId, {
        operation: callback.operation,
        succeeded: callback.succeeded,
        failureReason: callback.failureReason,
        transactionId: callback.transactionId,
      }),
    );
    return { callbackId: callback.id, replayed: result.replayed, applied: result.applied, status: result.payment.status };
  }
}

/** The signed body, checked for the fields the command needs. @throws ApiError INVALID_ARGUMENT */
function parse(raw: Buffer): GatewayCallbackBody {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw ApiError.invalidArgument([{ field: '', description: 'the callback body is not JSON' }]);
  }
  const body = (value ?? {}) as Partial<Record<keyof GatewayCallbackBody, unknown>>;
  const violations: { field: string; description: string }[] = [];
  for (const field of ['id', 'paymentId'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') violations.push({ field, description: 'must be a non-empty string' });
  }
  for (const field of ['failureReason', 'transactionId'] as const) {
    if (typeof body[field] !== 'string') violations.push({ field, description: 'must be a string' });
  }
  if (!(PAYMENT_OPERATIONS as readonly unknown[]).includes(body.operation)) {
    violations.push({ field: 'operation', description: `must be one of ${PAYMENT_OPERATIONS.join(', ')}` });
  }
  if (typeof body.succeeded !== 'boolean') violations.push({ field: 'succeeded', description: 'must be true or false' });
  if (violations.length > 0) throw ApiError.invalidArgument(violations);
  return { ...(body as GatewayCallbackBody), operation: body.operation as PaymentOperation };
}
