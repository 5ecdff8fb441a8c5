import { Catch } from '@nestjs/common';
import { ErrorTranslator, HTTP_STATUS, type FieldViolation } from '#libs/errors';
import { IDEMPOTENCY_ERROR_CODES } from '#libs/idempotency';
import { LegacyExceptionFilter, type LegacyFailure, type LegacyRouteOptions } from '#libs/legacy-api';
import { PaymentFailedError } from '../../../../application/application.errors.js';
import { ORDER_ERROR_CODES } from '../../order-error-codes.js';
import { LEGACY_PAYMENT_FAILURES, legacyPaymentFailure } from './legacy-order.responses.js';

/** How an order-service legacy route answers failures. */
export interface LegacyOrderRouteOptions extends LegacyRouteOptions {
  /** The request field an AMOUNT_MISMATCH is about (`orderAmount`, `paymentAmount`). */
  readonly amountField?: string;
}

const translator = new ErrorTranslator({ ...IDEMPOTENCY_ERROR_CODES, ...ORDER_ERROR_CODES });

/** The seed speaks of a conflict where the order's state forbids the request. */
const STATUS_BY_REASON: Readonly<Record<string, number>> = { ORDER_NOT_PAYABLE: 409 };

/** Field paths of the `/v1` commands in the legacy request's words. */
function legacyField(field: string): string {
  return field.replace(/\.sku$/, '.productId').replace(/\.qty$/, '.quantity').replace(/^id$/, 'orderId');
}

function violationMessage({ field, description }: FieldViolation): string {
  const unknown = /^unknown sku (.+)$/.exec(description);
  if (unknown) return `${legacyField(field)} ${unknown[1]} is not a valid product (not in the catalog)`;
  return `${legacyField(field)}: ${description}`;
}

/**
 * Any failure of a legacy route as `{status, message}`: the payment reasons of seed 000, amount
 * mismatches and command violations worded for the legacy fields, everything else by the same
 * code table as `/v1` (so 401, 403, 404, 409, 429 and 503 mean what they mean there).
 */
export function toLegacyFailure(exception: unknown, route: LegacyOrderRouteOptions): LegacyFailure {
  if (exception instanceof PaymentFailedError) {
    const { code, message } = legacyPaymentFailure(exception.code);
    return { status: code, message };
  }
  const error = translator.translate(exception);
  const reason = error.reason ?? '';
  const payment = LEGACY_PAYMENT_FAILURES[reason];
  if (payment) return payment;
  const status = STATUS_BY_REASON[reason] ?? HTTP_STATUS[error.status];
  if (reason === 'AMOUNT_MISMATCH') {
    const field = route.amountField ?? 'amount';
    const { stated, amount, currency } = error.metadata;
    const what = field === 'orderAmount' ? 'the order total (catalog price × quantity)' : 'the order amount';
    return { status, message: `${field} ${stated} does not equal ${what} ${amount} ${currency}` };
  }
  if (error.fieldViolations.length > 0 && reason !== '') {
    return { status, message: error.fieldViolations.map(violationMessage).join('; ') };
  }
  return { status, message: error.message };
}

/** The legacy filter of order-service's routes: failures worded by {@link toLegacyFailure}. */
@Catch()
export class LegacyOrderExceptionFilter extends LegacyExceptionFilter<LegacyOrderRouteOptions> {
  protected override toLegacyFailure(exception: unknown, route: LegacyOrderRouteOptions): LegacyFailure {
    return toLegacyFailure(exception, route);
  }
}
