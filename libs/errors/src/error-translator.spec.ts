import {
  BadRequestException,
  ForbiddenException,
  InternalServerErrorException,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  HttpException,
} from '@nestjs/common';
import { DomainError } from '#libs/ddd';
import { ApiError } from './api-error.js';
import { ErrorTranslator } from './error-translator.js';

class OrderNotFound extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
}

class InvalidRequest extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(readonly violations: readonly { field: string; description: string }[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}

class NotPayable extends DomainError {
  readonly code = 'ORDER_NOT_PAYABLE';
}

class Unmapped extends DomainError {
  readonly code = 'SOMETHING_NOBODY_MAPPED';
}

class AuthError extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED',
    message: string,
  ) {
    super(message);
  }
}

const translator = new ErrorTranslator({
  ORDER_NOT_FOUND: 'NOT_FOUND',
  INVALID_REQUEST: 'INVALID_ARGUMENT',
  ORDER_NOT_PAYABLE: 'FAILED_PRECONDITION',
  IDEMPOTENCY_KEY_REUSED: 'ALREADY_EXISTS',
});

function expectGenericInternal(error: ApiError): void {
  expect(error).toBeInstanceOf(ApiError);
  expect(error.status).toBe('INTERNAL');
  expect(error.message).toBe('internal error');
  expect(error.reason).toBeUndefined();
  expect(error.metadata).toEqual({});
  expect(error.fieldViolations).toEqual([]);
}

describe('ErrorTranslator', () => {
  describe('coded errors', () => {
    it('maps a code through the table; the code becomes the reason and the details the metadata', () => {
      const error = translator.translate(new OrderNotFound('order o1 not found', { orderId: 'o1' }));

      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({
        status: 'NOT_FOUND',
        message: 'order o1 not found',
        reason: 'ORDER_NOT_FOUND',
        metadata: { orderId: 'o1' },
        fieldViolations: [],
      });
    });

    it('keeps the violations of a validation error', () => {
      const violations = [{ field: 'items[0].qty', description: 'must be between 1 and 10000' }];
      const error = translator.translate(new InvalidRequest(violations));

      expect(error.status).toBe('INVALID_ARGUMENT');
      expect(error.reason).toBe('INVALID_REQUEST');
      expect(error.fieldViolations).toEqual(violations);
      expect(error.message).toBe('items[0].qty: must be between 1 and 10000');
    });

    it('defaults to empty metadata when a coded error has no details', () => {
      const coded = Object.assign(new Error('not payable now'), { code: 'ORDER_NOT_PAYABLE' });
      expect(translator.translate(coded)).toMatchObject({ status: 'FAILED_PRECONDITION', metadata: {}, fieldViolations: [] });
      expect(translator.translate(new NotPayable('x')).status).toBe('FAILED_PRECONDITION');
    });

    it('answers the auth codes without the app listing them', () => {
      const plain = new ErrorTranslator({});
      expect(plain.translate(new AuthError('UNAUTHENTICATED', 'missing bearer token'))).toMatchObject({
        status: 'UNAUTHENTICATED',
        reason: 'UNAUTHENTICATED',
        message: 'missing bearer token',
      });
      expect(plain.translate(new AuthError('PERMISSION_DENIED', 'not your order'))).toMatchObject({
        status: 'PERMISSION_DENIED',
        reason: 'PERMISSION_DENIED',
      });
    });

    it('lets an app table override an auth code mapping', () => {
      const custom = new ErrorTranslator({ PERMISSION_DENIED: 'NOT_FOUND' });
      expect(custom.translate(new AuthError('PERMISSION_DENIED', 'hidden')).status).toBe('NOT_FOUND');
    });

    it('treats an unmapped code as an unknown error: INTERNAL, nothing leaked', () => {
      expectGenericInternal(translator.translate(new Unmapped('secret detail', { password: 'hunter2' })));
    });

    it('treats a driver error (string code not in the table) as INTERNAL without its SQL', () => {
      const pgError = Object.assign(
        new Error('duplicate key value violates unique constraint "orders_pkey": INSERT INTO order_service.orders (id) VALUES ($1)'),
        { code: '23505', query: 'INSERT INTO order_service.orders (id) VALUES ($1)', parameters: ['o1'] },
      );
      expectGenericInternal(translator.translate(pgError));
    });

    it('requires the coded thing to be an Error: a bare object with a known code is not trusted', () => {
      expectGenericInternal(translator.translate({ code: 'ORDER_NOT_FOUND', message: 'order o1 not found' }));
    });
  });

  it('passes an ApiError through untouched', () => {
    const original = new ApiError('RESOURCE_EXHAUSTED', 'slow down', 'RATE_LIMITED', { retryAfter: '3' });
    expect(translator.translate(original)).toBe(original);
  });

  describe('errors of the HTTP stack (HttpException-like)', () => {
    it.each([
      [new BadRequestException('Unexpected token in JSON'), 'INVALID_ARGUMENT', 'Unexpected token in JSON'],
      [new UnauthorizedException('no token'), 'UNAUTHENTICATED', 'no token'],
      [new ForbiddenException('nope'), 'PERMISSION_DENIED', 'nope'],
      [new NotFoundException('Cannot GET /v1/nothing'), 'NOT_FOUND', 'Cannot GET /v1/nothing'],
      [new MethodNotAllowedException(), 'NOT_FOUND', 'Method Not Allowed'],
      [new HttpException('conflict', 409), 'ABORTED', 'conflict'],
      [new HttpException('too many', 429), 'RESOURCE_EXHAUSTED', 'too many'],
      [new UnsupportedMediaTypeException('text/plain'), 'INVALID_ARGUMENT', 'text/plain'],
    ] as const)('%s becomes %s', (exception, status, message) => {
      const error = translator.translate(exception);
      expect(error.status).toBe(status);
      expect(error.message).toBe(message);
      expect(error.reason).toBeUndefined();
    });

    it('reads `statusCode` of framework errors (e.g. Fastify’s body parser)', () => {
      const fastify = Object.assign(new Error("Unsupported Media Type: text/csv"), {
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        statusCode: 415,
      });
      expect(translator.translate(fastify)).toMatchObject({ status: 'INVALID_ARGUMENT', message: 'Unsupported Media Type: text/csv' });

      const bodyLimit = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
      expect(translator.translate(bodyLimit)).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
    });

    it('answers text PostgreSQL cannot store (NUL, bad encoding: SQLSTATE 22021, 22P05) INVALID_ARGUMENT, without the SQL', () => {
      for (const code of ['22021', '22P05']) {
        const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
        const queryFailed = Object.assign(new Error(driverError.message), { code, driverError, query: 'SELECT * FROM order_service.orders WHERE id = $1' });
        const error = translator.translate(queryFailed);
        expect(error.status).toBe('INVALID_ARGUMENT');
        expect(error.message).toBe('a text value is not valid UTF-8 or contains the NUL character');
        expect(error.message).not.toMatch(/SELECT|0x00|UTF8/);
      }
    });

    it('answers a body over the limit RESOURCE_EXHAUSTED PAYLOAD_TOO_LARGE with HTTP 413, never 500', () => {
      const error = translator.translate(new PayloadTooLargeException('body too large'));
      expect(error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
      expect(error.message).toBe('the request body exceeds the size limit');
    });

    it('uses a generic message for a non-Error object with a 4xx statusCode', () => {
      expect(translator.translate({ statusCode: 400, message: 'whatever' })).toMatchObject({ status: 'INVALID_ARGUMENT', message: 'bad request' });
    });

    it('answers a 5xx HttpException INTERNAL without its message', () => {
      expectGenericInternal(translator.translate(new InternalServerErrorException('connect ECONNREFUSED 10.0.0.5:5432 password=s3cret')));
      expectGenericInternal(translator.translate(Object.assign(new Error('upstream said: SELECT * FROM secrets'), { statusCode: 502 })));
    });
  });

  describe('unknown errors', () => {
    it.each([
      ['an Error with SQL in its message', new Error('syntax error at or near "FROM" in SELECT card_number FROM payments WHERE id = 1')],
      ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['a string', 'SELECT * FROM order_service.orders'],
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
      ['an object', { stack: 'at Foo (/app/dist/x.js:1:1)', sql: 'DROP TABLE x' }],
    ])('%s becomes INTERNAL with a generic message that leaks nothing', (_label, thrown) => {
      const error = translator.translate(thrown);
      expectGenericInternal(error);
      expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/SELECT|FROM|DROP|card_number|undefined \(reading/);
    });
  });
});

describe('ErrorTranslator, infrastructure failures', () => {
  function expectRetryable(error: ApiError, status: 'UNAVAILABLE' | 'ABORTED', leaked: string): void {
    expect(error.status).toBe(status);
    expect(error.message).not.toContain(leaked);
    expect(error.metadata).toEqual({});
    expect(error.fieldViolations).toEqual([]);
  }

  it('answers a refused or reset connection UNAVAILABLE, without the address', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expectRetryable(translator.translate(refused), 'UNAVAILABLE', '10.0.0.5');
  });

  it('looks through a QueryFailedError to the driver’s SQLSTATE', () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), {
      query: 'SELECT * FROM order_service.orders',
      driverError: { code: '57P01' },
    });
    expectRetryable(translator.translate(lost), 'UNAVAILABLE', 'SELECT');
  });

  it.each([
    ['QueryRunnerProviderAlreadyReleasedError', 'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'],
    ['QueryRunnerAlreadyReleasedError', 'Query runner already released. Cannot run queries anymore.'],
  ])('answers UNAVAILABLE when the transaction’s connection was reset under it (TypeORM’s %s)', (name, text) => {
    expectRetryable(translator.translate(Object.assign(new Error(text), { name })), 'UNAVAILABLE', 'released');
  });

  it('answers a serialization failure or deadlock ABORTED (retry)', () => {
    expectRetryable(translator.translate(Object.assign(new Error('could not serialize access'), { code: '40001' })), 'ABORTED', 'serialize');
    expectRetryable(translator.translate(Object.assign(new Error('deadlock detected on orders'), { code: '40P01' })), 'ABORTED', 'orders');
  });

  it('still answers a constraint violation (a bug, not an outage) INTERNAL', () => {
    expectGenericInternal(translator.translate(Object.assign(new Error('null value in column "id"'), { code: '23502' })));
  });
});

describe('ErrorTranslator, edge cases', () => {
  it('answers a 503 HttpException UNAVAILABLE', () => {
    expect(translator.translate(new HttpException('Service Unavailable', 503)).status).toBe('UNAVAILABLE');
  });

  it('answers a 504 HttpException DEADLINE_EXCEEDED', () => {
    expect(translator.translate(new HttpException('Gateway Timeout', 504)).status).toBe('DEADLINE_EXCEEDED');
  });

  it('does not take an Object.prototype member for a mapped code', () => {
    expectGenericInternal(translator.translate(Object.assign(new Error('x'), { code: 'constructor' })));
  });
});
