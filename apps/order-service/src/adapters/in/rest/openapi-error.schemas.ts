import { ERROR_DOMAIN, HTTP_STATUS, type StatusCode } from '#libs/errors';
import type { JsonObject } from './openapi.schemas.js';

const TYPE_URL = 'type.googleapis.com/';

/** The canonical codes answered with `httpStatus`, from the same table the exception filter uses. */
export function statusCodesFor(httpStatus: number): StatusCode[] {
  return (Object.keys(HTTP_STATUS) as StatusCode[]).filter((code) => HTTP_STATUS[code] === httpStatus);
}

/**
 * `components.schemas` of the AIP-193 error body the exception filter writes (`toHttpErrorBody`):
 * `{"error": {code, status, message, details}}` with google.rpc.BadRequest field violations for
 * INVALID_ARGUMENT and google.rpc.ErrorInfo otherwise, each detail tagged by its `@type`.
 */
export const ERROR_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  Error: {
    type: 'object',
    description: 'AIP-193 error response body.',
    required: ['error'],
    properties: { error: { $ref: '#/components/schemas/Status' } },
  },
  Status: {
    type: 'object',
    description: 'google.rpc.Status as the REST gateway renders it.',
    required: ['code', 'status', 'message'],
    properties: {
      code: {
        type: 'integer',
        enum: [...new Set(Object.values(HTTP_STATUS))].sort((a, b) => a - b),
        description: 'The HTTP status code of the response.',
      },
      status: {
        type: 'string',
        enum: Object.keys(HTTP_STATUS),
        description: 'The google.rpc.Code name; the same code a gRPC client gets for the same call.',
      },
      message: { type: 'string', description: 'For developers; not localized, not meant for end users.' },
      details: {
        type: 'array',
        description: 'BadRequest for INVALID_ARGUMENT; ErrorInfo for the other codes when a reason is known.',
        items: {
          oneOf: [{ $ref: '#/components/schemas/BadRequest' }, { $ref: '#/components/schemas/ErrorInfo' }],
          discriminator: {
            propertyName: '@type',
            mapping: {
              [`${TYPE_URL}google.rpc.BadRequest`]: '#/components/schemas/BadRequest',
              [`${TYPE_URL}google.rpc.ErrorInfo`]: '#/components/schemas/ErrorInfo',
            },
          },
        },
      },
    },
  },
  BadRequest: {
    type: 'object',
    description: 'google.rpc.BadRequest: every rule the request broke.',
    required: ['@type', 'fieldViolations'],
    properties: {
      '@type': { type: 'string', const: `${TYPE_URL}google.rpc.BadRequest` },
      fieldViolations: { type: 'array', items: { $ref: '#/components/schemas/FieldViolation' } },
    },
  },
  FieldViolation: {
    type: 'object',
    required: ['field', 'description'],
    properties: {
      field: {
        type: 'string',
        description:
          'Path of the offending field in JSON names, e.g. `items[0].qty`; `idempotency-key` for the header; empty for the body as a whole.',
        examples: ['items[0].qty'],
      },
      description: { type: 'string' },
    },
  },
  ErrorInfo: {
    type: 'object',
    description: 'google.rpc.ErrorInfo: a machine-readable reason.',
    required: ['@type', 'reason', 'domain'],
    properties: {
      '@type': { type: 'string', const: `${TYPE_URL}google.rpc.ErrorInfo` },
      reason: {
        type: 'string',
        pattern: '^[A-Z][A-Z0-9_]*$',
        description: 'Stable UPPER_SNAKE_CASE reason, e.g. ORDER_NOT_FOUND, VERSION_MISMATCH, OPERATION_IN_PROGRESS.',
      },
      domain: { type: 'string', const: ERROR_DOMAIN },
      metadata: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Context of the reason, e.g. the order id.',
      },
    },
  },
};

/**
 * The schema of an error response with HTTP status `httpStatus`: the {@link ERROR_SCHEMAS} body
 * narrowed to that status and the canonical codes it stands for.
 */
export function errorBodySchema(httpStatus: number): JsonObject {
  return {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      {
        properties: {
          error: { properties: { code: { const: httpStatus }, status: { enum: statusCodesFor(httpStatus) } } },
        },
      },
    ],
  };
}
