import { DomainError } from '#libs/ddd';
import { ErrorTranslator, toHttpErrorBody, HTTP_STATUS } from '#libs/errors';
import {
  IDEMPOTENCY_ERROR_CODES,
  IdempotencyKeyReusedError,
  IdempotentRequestInProgressError,
  ReplayedError,
} from './idempotency.errors.js';

class InvalidRequest extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(readonly violations: readonly { field: string; description: string }[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}

class NotPayable extends DomainError {
  readonly code = 'ORDER_NOT_PAYABLE';
}

const translator = new ErrorTranslator({
  ...IDEMPOTENCY_ERROR_CODES,
  INVALID_REQUEST: 'INVALID_ARGUMENT',
  ORDER_NOT_PAYABLE: 'FAILED_PRECONDITION',
});

describe('idempotency errors', () => {
  it('a reused key is ALREADY_EXISTS with reason IDEMPOTENCY_KEY_REUSED (CONTRACT section 1)', () => {
    const error = translator.translate(new IdempotencyKeyReusedError('k-1'));
    expect(error).toMatchObject({ status: 'ALREADY_EXISTS', reason: 'IDEMPOTENCY_KEY_REUSED', metadata: { idempotencyKey: 'k-1' } });
  });

  it('a request still in flight is ABORTED, never a duplicate', () => {
    const error = translator.translate(new IdempotentRequestInProgressError('k-1'));
    expect(error).toMatchObject({ status: 'ABORTED', reason: 'IDEMPOTENT_REQUEST_IN_PROGRESS' });
  });

  it('both are DomainErrors with stable codes', () => {
    expect(new IdempotencyKeyReusedError('k')).toBeInstanceOf(DomainError);
    expect(new IdempotentRequestInProgressError('k')).toBeInstanceOf(DomainError);
    expect(Object.keys(IDEMPOTENCY_ERROR_CODES).sort()).toEqual([new IdempotencyKeyReusedError('k').code, new IdempotentRequestInProgressError('k').code].sort());
  });

  describe('ReplayedError', () => {
    it('is answered exactly like the error it replays (ErrorInfo case)', () => {
      const original = new NotPayable('order o1 is CANCELED', { orderId: 'o1' });
      const replayed = new ReplayedError(original.code, original.message, { ...original.details });

      expect(replayed).toBeInstanceOf(DomainError);
      expect(translator.translate(replayed)).toEqual(translator.translate(original));
      expect(toHttpErrorBody(translator.translate(replayed), 400)).toStrictEqual(toHttpErrorBody(translator.translate(original), 400));
    });

    it('is answered exactly like the error it replays (BadRequest case)', () => {
      const original = new InvalidRequest([{ field: 'items[0].sku', description: 'unknown sku' }]);
      const replayed = new ReplayedError(original.code, original.message, {}, original.violations.map((v) => ({ ...v })));

      const answer = translator.translate(replayed);
      expect(answer).toEqual(translator.translate(original));
      expect(toHttpErrorBody(answer, HTTP_STATUS[answer.status])).toStrictEqual(
        toHttpErrorBody(translator.translate(original), HTTP_STATUS[answer.status]),
      );
    });
  });
});
