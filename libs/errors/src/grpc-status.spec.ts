import { Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { googleRpc } from '#libs/contracts';
import { ApiError, HTTP_STATUS } from './api-error.js';
import { errorDetails, protoFieldPath, toGrpcError, toHttpErrorBody } from './grpc-status.js';

const BAD_REQUEST_URL = 'type.googleapis.com/google.rpc.BadRequest';
const ERROR_INFO_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

function decodeStatus(metadata: Metadata): googleRpc.Status {
  const values = metadata.get('grpc-status-details-bin');
  expect(values).toHaveLength(1);
  expect(Buffer.isBuffer(values[0])).toBe(true);
  return googleRpc.Status.decode(values[0] as Buffer);
}

const invalid = ApiError.invalidArgument([
  { field: 'items[0].qty', description: 'must be between 1 and 10000' },
  { field: 'paymentDetails.cardNumber', description: 'is not a card number' },
  { field: 'items[1].price.amountMinor', description: 'must equal the catalog price' },
]);

const notPayable = new ApiError('FAILED_PRECONDITION', 'order o1 is CANCELED', 'ORDER_NOT_PAYABLE', {
  orderId: 'o1',
  status: 'CANCELED',
});

describe('protoFieldPath', () => {
  it.each([
    ['items[0].qty', 'items[0].qty'],
    ['customerId', 'customer_id'],
    ['items[12].price.amountMinor', 'items[12].price.amount_minor'],
    ['paymentDetails.cardNumber', 'payment_details.card_number'],
    ['payment.cardLast4', 'payment.card_last4'],
    ['expectedVersion', 'expected_version'],
    ['idempotency-key', 'idempotency-key'],
    ['', ''],
  ])('%s -> %s', (json, proto) => {
    expect(protoFieldPath(json)).toBe(proto);
  });
});

describe('errorDetails', () => {
  it('gives BadRequest when there are violations, even with a reason', () => {
    const withReason = new ApiError('INVALID_ARGUMENT', 'bad', 'INVALID_REQUEST', {}, [{ field: 'id', description: 'required' }]);
    expect(errorDetails(withReason)).toEqual({ badRequest: { fieldViolations: [{ field: 'id', description: 'required' }] } });
  });

  it('gives ErrorInfo with the oms.v1 domain when there is a reason', () => {
    expect(errorDetails(notPayable)).toEqual({
      errorInfo: { reason: 'ORDER_NOT_PAYABLE', domain: 'oms.v1', metadata: { orderId: 'o1', status: 'CANCELED' } },
    });
  });

  it('gives nothing for a bare status', () => {
    expect(errorDetails(new ApiError('INTERNAL', 'internal error'))).toEqual({});
  });
});

describe('toGrpcError', () => {
  it('INVALID_ARGUMENT: code 3, the message, and BadRequest with proto (snake_case) field paths', () => {
    const error = toGrpcError(invalid);

    expect(error.code).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(error.details).toBe(invalid.message);

    const status = decodeStatus(error.metadata);
    expect(status.code).toBe(3);
    expect(status.message).toBe(invalid.message);
    expect(status.details.map((d) => d.typeUrl)).toEqual([BAD_REQUEST_URL]);
    expect(googleRpc.BadRequest.decode(status.details[0]!.value).fieldViolations).toEqual([
      { field: 'items[0].qty', description: 'must be between 1 and 10000' },
      { field: 'payment_details.card_number', description: 'is not a card number' },
      { field: 'items[1].price.amount_minor', description: 'must equal the catalog price' },
    ]);
  });

  it('does not rewrite the field paths of the ApiError it renders', () => {
    toGrpcError(invalid);
    expect(invalid.fieldViolations[1]!.field).toBe('paymentDetails.cardNumber');
  });

  it('otherwise: ErrorInfo with reason, domain oms.v1 and metadata', () => {
    const error = toGrpcError(notPayable);

    expect(error.code).toBe(grpcStatus.FAILED_PRECONDITION);
    const status = decodeStatus(error.metadata);
    expect(status).toMatchObject({ code: 9, message: 'order o1 is CANCELED' });
    expect(status.details.map((d) => d.typeUrl)).toEqual([ERROR_INFO_URL]);
    expect(googleRpc.ErrorInfo.decode(status.details[0]!.value)).toEqual({
      reason: 'ORDER_NOT_PAYABLE',
      domain: 'oms.v1',
      metadata: { orderId: 'o1', status: 'CANCELED' },
    });
  });

  it.each([
    ['ALREADY_EXISTS', grpcStatus.ALREADY_EXISTS],
    ['NOT_FOUND', grpcStatus.NOT_FOUND],
    ['ABORTED', grpcStatus.ABORTED],
    ['UNAUTHENTICATED', grpcStatus.UNAUTHENTICATED],
    ['PERMISSION_DENIED', grpcStatus.PERMISSION_DENIED],
    ['RESOURCE_EXHAUSTED', grpcStatus.RESOURCE_EXHAUSTED],
    ['DEADLINE_EXCEEDED', grpcStatus.DEADLINE_EXCEEDED],
    ['UNAVAILABLE', grpcStatus.UNAVAILABLE],
  ] as const)('%s has the numeric code %i in the error and in the encoded Status', (code, numeric) => {
    const error = toGrpcError(new ApiError(code, 'm', 'R'));
    expect(error.code).toBe(numeric);
    expect(decodeStatus(error.metadata).code).toBe(numeric);
  });

  it('carries no details for an error with neither violations nor reason', () => {
    const error = toGrpcError(new ApiError('INTERNAL', 'internal error'));
    expect(error.code).toBe(grpcStatus.INTERNAL);
    expect(decodeStatus(error.metadata)).toEqual({ code: 13, message: 'internal error', details: [] });
  });

  it('adds the details to trailers it is given, keeping what they already hold', () => {
    const trailers = new Metadata();
    trailers.set('x-correlation-id', 'c-1');
    const error = toGrpcError(notPayable, trailers);

    expect(error.metadata).toBe(trailers);
    expect(trailers.get('x-correlation-id')).toEqual(['c-1']);
    expect(decodeStatus(trailers).code).toBe(9);
  });
});

describe('toHttpErrorBody (AIP-193)', () => {
  it('INVALID_ARGUMENT: exactly the shape of CONTRACT section 2, with JSON field paths', () => {
    const single = ApiError.invalidArgument([{ field: 'items[0].qty', description: 'must be between 1 and 10000' }]);

    expect(toHttpErrorBody(single, HTTP_STATUS[single.status])).toStrictEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'items[0].qty: must be between 1 and 10000',
        details: [
          {
            '@type': BAD_REQUEST_URL,
            fieldViolations: [{ field: 'items[0].qty', description: 'must be between 1 and 10000' }],
          },
        ],
      },
    });
  });

  it('keeps lowerCamelCase paths for REST clients', () => {
    const body = toHttpErrorBody(invalid, 400) as { error: { details: { fieldViolations: { field: string }[] }[] } };
    expect(body.error.details[0]!.fieldViolations.map((v) => v.field)).toEqual([
      'items[0].qty',
      'paymentDetails.cardNumber',
      'items[1].price.amountMinor',
    ]);
  });

  it('otherwise: an ErrorInfo detail', () => {
    const reused = new ApiError('ALREADY_EXISTS', 'this idempotency key was already used', 'IDEMPOTENCY_KEY_REUSED', {
      idempotencyKey: 'k-1',
    });

    expect(toHttpErrorBody(reused, HTTP_STATUS[reused.status])).toStrictEqual({
      error: {
        code: 409,
        status: 'ALREADY_EXISTS',
        message: 'this idempotency key was already used',
        details: [
          { '@type': ERROR_INFO_URL, reason: 'IDEMPOTENCY_KEY_REUSED', domain: 'oms.v1', metadata: { idempotencyKey: 'k-1' } },
        ],
      },
    });
  });

  it('has an empty details list for a bare status', () => {
    expect(toHttpErrorBody(new ApiError('INTERNAL', 'internal error'), 500)).toStrictEqual({
      error: { code: 500, status: 'INTERNAL', message: 'internal error', details: [] },
    });
  });

  it('is plain JSON: survives a JSON round trip unchanged', () => {
    const body = toHttpErrorBody(notPayable, 400);
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual(body);
  });
});
