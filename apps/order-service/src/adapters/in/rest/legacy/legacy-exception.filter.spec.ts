import { AuthenticationError, PermissionDeniedError } from '#libs/auth';
import { ApiError } from '#libs/errors';
import { ReplayedError } from '#libs/idempotency';
import { InvalidRequestError, OrderNotFoundError, PaymentFailedError } from '../../../../application/application.errors.js';
import { AmountMismatchError } from '../../../../application/stated-amount.js';
import { Money } from '../../../../domain/money.js';
import { OrderNotPayableError } from '../../../../domain/order.errors.js';
import { toLegacyFailure } from './legacy-exception.filter.js';

const CREATE = { amountField: 'orderAmount' };
const PAY = { amountField: 'paymentAmount', failure: { paymentStatus: 'failed' } };

describe('toLegacyFailure', () => {
  it('words an amount mismatch for the route’s field, replayed or not', () => {
    const error = new AmountMismatchError('99.99', Money.of(10050n, 'USD'));
    const create = { status: 400, message: 'orderAmount 99.99 does not equal the order total (catalog price × quantity) 100.50 USD' };
    expect(toLegacyFailure(error, CREATE)).toEqual(create);
    expect(toLegacyFailure(new ReplayedError(error.code, error.message, { ...error.details }), CREATE)).toEqual(create);
    expect(toLegacyFailure(error, PAY)).toEqual({ status: 400, message: 'paymentAmount 99.99 does not equal the order amount 100.50 USD' });
  });

  it('names command violations with the legacy field names', () => {
    const error = new InvalidRequestError([
      { field: 'items[1].sku', description: 'unknown sku P999' },
      { field: 'items[2].qty', description: 'must be at least 1' },
    ]);
    expect(toLegacyFailure(error, CREATE)).toEqual({
      status: 400,
      message: 'items[1].productId P999 is not a valid product (not in the catalog); items[2].quantity: must be at least 1',
    });
  });

  it('answers payment failures with the seed’s messages', () => {
    expect(toLegacyFailure(new PaymentFailedError('o1', 'p1', 'INSUFFICIENT_FUNDS'), PAY)).toEqual({
      status: 400,
      message: 'Payment failed due to insufficient funds',
    });
    expect(toLegacyFailure(new PaymentFailedError('o1', 'p1', 'GATEWAY_SAID_NO'), PAY)).toEqual({
      status: 400,
      message: 'Payment failed (GATEWAY_SAID_NO)',
    });
  });

  it('keeps the /v1 statuses: 401, 403, 404, 409 for an order that cannot be paid', () => {
    expect(toLegacyFailure(new AuthenticationError('token expired'), PAY)).toEqual({ status: 401, message: 'token expired' });
    expect(toLegacyFailure(new PermissionDeniedError('requires role service or admin'), PAY).status).toBe(403);
    expect(toLegacyFailure(new OrderNotFoundError('o1'), PAY)).toEqual({ status: 404, message: 'order o1 not found' });
    expect(toLegacyFailure(new OrderNotPayableError('o1', 'CANCELED'), PAY)).toEqual({
      status: 409,
      message: 'Order o1 is CANCELED; only a RESERVED order can be paid',
    });
    expect(toLegacyFailure(new ApiError('UNAVAILABLE', 'not enabled'), CREATE)).toEqual({ status: 503, message: 'not enabled' });
  });

  it('answers anything unknown 500 without detail', () => {
    expect(toLegacyFailure(new Error('relation "x" does not exist at SELECT ...'), CREATE)).toEqual({ status: 500, message: 'internal error' });
  });
});
