import { ORDER_STATUS_FILTERS } from '../requests/order.requests.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../application/queries/list-orders/list-orders.query.js';
import { ERROR_SCHEMAS, errorBodySchema, statusCodesFor } from './openapi-error.schemas.js';
import { CATALOG_FORMATS, CATALOG_SCHEMAS, CONTACT_FORMATS, CONTACT_SCHEMAS, MESSAGE_SCHEMAS, REQUEST_FORMATS, type JsonObject } from './openapi.schemas.js';

/** Where the gateway serves {@link ORDER_GATEWAY_OPENAPI}. */
export const OPENAPI_DOCUMENT_PATH = '/v1/openapi.json';

/** As `isValidCorrelationId` (#libs/observability) accepts; the unit spec checks they agree. */
const CORRELATION_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
const JSON_MEDIA = 'application/json';
const schemaRef = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` });
const correlationHeader = { 'X-Correlation-Id': { $ref: '#/components/headers/CorrelationId' } };

/** An error response component: the AIP-193 body narrowed to one HTTP status. */
function errorResponse(httpStatus: number, description: string): JsonObject {
  const codes = statusCodesFor(httpStatus).join(' or ');
  return {
    description: `${codes}. ${description}`,
    headers: correlationHeader,
    content: { [JSON_MEDIA]: { schema: errorBodySchema(httpStatus) } },
  };
}

/**
 * The error responses of an operation: the route-specific ones, each `$ref` with a description of
 * why that route gives it (OpenAPI 3.1 lets a reference override it), plus those any call can meet.
 */
type ErrorName = 'BadRequest' | 'PermissionDenied' | 'NotFound' | 'Conflict';
const ERROR_STATUS: Readonly<Record<ErrorName, string>> = { BadRequest: '400', PermissionDenied: '403', NotFound: '404', Conflict: '409' };
function errors(specific: Partial<Record<ErrorName, string>>): JsonObject {
  const responses: Record<string, JsonObject> = {};
  for (const [name, description] of Object.entries(specific) as [ErrorName, string][]) {
    responses[ERROR_STATUS[name]] = { $ref: `#/components/responses/${name}`, description };
  }
  // Any call can meet these: a missing or bad token, load shedding, an unavailable dependency.
  responses['401'] = { $ref: '#/components/responses/Unauthenticated' };
  responses['429'] = { $ref: '#/components/responses/TooManyRequests' };
  responses['503'] = { $ref: '#/components/responses/Unavailable' };
  responses['504'] = { $ref: '#/components/responses/DeadlineExceeded' };
  responses.default = { $ref: '#/components/responses/Internal' };
  return responses;
}

function ok(description: string, schema: string): JsonObject {
  return { description, headers: correlationHeader, content: { [JSON_MEDIA]: { schema: schemaRef(schema) } } };
}

function body(schema: string, required: boolean): JsonObject {
  return { required, content: { [JSON_MEDIA]: { schema: schemaRef(schema) } } };
}

const mutationHeaders = [param('IdempotencyKey'), param('CorrelationId')];

const VERSION_CONFLICT =
  'ABORTED: `expectedVersion` does not match (VERSION_MISMATCH), another Pay/Cancel/Refund is in flight on the order (OPERATION_IN_PROGRESS) or a concurrent change won (CONCURRENT_MODIFICATION). Also ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED) or ABORTED (IDEMPOTENT_REQUEST_IN_PROGRESS) for an Idempotency-Key conflict, as for CreateOrder.';

/** A custom method `POST /v1/orders/{id}:<verb>` (AIP-136). */
function customMethod(operation: {
  operationId: string;
  summary: string;
  description: string;
  request: string;
  requestRequired: boolean;
  response: string;
  badRequest: string;
}): JsonObject {
  return {
    parameters: [param('OrderId')],
    post: {
      operationId: operation.operationId,
      tags: ['Orders'],
      summary: operation.summary,
      description: operation.description,
      parameters: mutationHeaders,
      requestBody: body(operation.request, operation.requestRequired),
      responses: {
        '200': ok('The changed order.', operation.response),
        ...errors({
          BadRequest: operation.badRequest,
          NotFound: "NOT_FOUND (ORDER_NOT_FOUND): no such order, or another customer's (reported alike, so ids cannot be probed).",
          Conflict: VERSION_CONFLICT,
        }),
      },
    },
  };
}

const ADMIN_ONLY = 'PERMISSION_DENIED: the caller does not have the admin role.';
const SERVICE_OR_ADMIN = 'PERMISSION_DENIED: the caller has neither the service nor the admin role.';

/**
 * The OpenAPI 3.1 description of the `/v1` REST gateway (gRPC transcoding of
 * `oms.v1.OrderService`, plus catalog administration of `oms.v1.InventoryService` and contact
 * details of `oms.v1.NotificationService`, see CONTRACT section 2), served at {@link OPENAPI_DOCUMENT_PATH}.
 * Written by hand from the proto comments, with every limit taken from the code that enforces it.
 */
export const ORDER_GATEWAY_OPENAPI: JsonObject = {
  openapi: '3.1.0',
  info: {
    title: 'OMS order API',
    version: '1.0.0',
    summary: 'Orders of the Order Management System (create, read, list, pay, cancel, refund) and catalog administration.',
    description: [
      'REST transcoding of the gRPC service `oms.v1.OrderService`: bodies are the proto messages in proto3 JSON',
      '(lowerCamelCase field names, enums by name, int64 as a string on output and a string or number on input;',
      'requests may also use the proto field names, e.g. `customer_id`). Every method answers HTTP 200 on success.',
      'Errors follow AIP-193 with the same canonical code a gRPC client gets.',
      'Catalog administration (`/v1/products/{sku}`, UpsertProduct and GetProduct of `oms.v1.InventoryService`, admin role) is served by inventory-service: on its own port (3001 by default) in the multi-process mode, on this same port in the all-in-one mode.',
      "Customers' contact details (`/v1/customers/{customerId}/contact`, SetCustomerContact and GetCustomerContact of `oms.v1.NotificationService`, role service or admin) are served by notification-service: on its own port (3003 by default) in the multi-process mode, on this same port in the all-in-one mode.",
    ].join(' '),
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/', description: 'The server that serves this document.' }],
  security: [{ bearerAuth: [] }],
  tags: [
    { name: 'Orders', description: 'Orders and their lifecycle (oms.v1.OrderService).' },
    { name: 'Products', description: 'Catalog administration, admin role (oms.v1.InventoryService).' },
    { name: 'Customers', description: "Customers' contact details for notifications, role service or admin (oms.v1.NotificationService)." },
  ],
  paths: {
    '/v1/orders': {
      post: {
        operationId: 'CreateOrder',
        tags: ['Orders'],
        summary: 'Create an order',
        description:
          'Creates an order in ORDER_STATUS_PENDING with version 1; every sku must exist in the catalog and the amount is computed from the catalog prices.',
        parameters: mutationHeaders,
        requestBody: body('CreateOrderRequest', true),
        responses: {
          '200': ok('The new order.', 'CreateOrderResponse'),
          ...errors({
            BadRequest:
              'INVALID_ARGUMENT: a field breaks a rule, a sku is unknown or repeated, a price or currency differs from the catalog, or the Idempotency-Key is malformed.',
            PermissionDenied: 'PERMISSION_DENIED: `customerId` is another customer and the caller is not an admin.',
            Conflict:
              'ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED): the Idempotency-Key was used for a different request; or ABORTED (IDEMPOTENT_REQUEST_IN_PROGRESS): the first request with the key is still running.',
          }),
        },
      },
      get: {
        operationId: 'ListOrders',
        tags: ['Orders'],
        summary: 'List orders',
        description:
          'Newest first (createTime, then id), keyset-paginated: no duplicates or gaps while orders are being created. A customer sees only their own orders.',
        parameters: [param('PageSize'), param('PageToken'), param('StatusFilter'), param('CustomerIdFilter'), param('CorrelationId')],
        responses: {
          '200': ok('One page of orders.', 'ListOrdersResponse'),
          ...errors({
            BadRequest:
              'INVALID_ARGUMENT: `pageSize` out of range, an unknown `status`, or a tampered `pageToken` or one issued for another caller or other filters.',
            PermissionDenied: "PERMISSION_DENIED: `customerId` names another customer and the caller is not an admin.",
          }),
        },
      },
    },
    '/v1/orders/{id}': {
      parameters: [param('OrderId')],
      get: {
        operationId: 'GetOrder',
        tags: ['Orders'],
        summary: 'Get an order',
        parameters: [param('CorrelationId')],
        responses: {
          '200': ok('The order.', 'GetOrderResponse'),
          ...errors({
            BadRequest: 'INVALID_ARGUMENT: the id is longer than the service allows.',
            NotFound:
              "NOT_FOUND (ORDER_NOT_FOUND): no such order, or another customer's (reported alike, so ids cannot be probed).",
          }),
        },
      },
    },
    '/v1/orders/{id}:pay': customMethod({
      operationId: 'PayOrder',
      summary: 'Pay an order',
      description:
        'Pays an ORDER_STATUS_RESERVED order and waits for the payment outcome up to a server limit (default 10 s). Captured: the order becomes PAID or CONFIRMED. Declined: 400 FAILED_PRECONDITION and the order stays RESERVED, so it may be paid again. Still processing at the limit: 200 with the payment PROCESSING.',
      request: 'PayOrderRequest',
      requestRequired: true,
      response: 'PayOrderResponse',
      badRequest:
        'INVALID_ARGUMENT: a field breaks a rule (e.g. a card number failing the Luhn check, an expired card). FAILED_PRECONDITION: the order is not RESERVED (ORDER_NOT_PAYABLE), or the payment was declined (PAYMENT_DECLINED, INSUFFICIENT_FUNDS).',
    }),
    '/v1/orders/{id}:cancel': customMethod({
      operationId: 'CancelOrder',
      summary: 'Cancel an order',
      description:
        'PENDING or RESERVED -> ORDER_STATUS_CANCELED: the stock is released and any payment hold voided. A PAID or CONFIRMED order cannot be canceled: refund it instead.',
      request: 'CancelOrderRequest',
      requestRequired: false,
      response: 'CancelOrderResponse',
      badRequest:
        'INVALID_ARGUMENT: a field breaks a rule. FAILED_PRECONDITION (ORDER_NOT_CANCELABLE): the order is PAID or CONFIRMED (refund it instead) or already final.',
    }),
    '/v1/orders/{id}:refund': customMethod({
      operationId: 'RefundOrder',
      summary: 'Refund an order',
      description:
        'PAID or CONFIRMED -> ORDER_STATUS_REFUNDED: the money is refunded and the stock returned. Waits for the outcome like PayOrder.',
      request: 'RefundOrderRequest',
      requestRequired: false,
      response: 'RefundOrderResponse',
      badRequest:
        'INVALID_ARGUMENT: a field breaks a rule. FAILED_PRECONDITION (ORDER_NOT_REFUNDABLE): the order is not PAID or CONFIRMED.',
    }),
    '/v1/products/{sku}': {
      parameters: [param('ProductSku')],
      put: {
        operationId: 'UpsertProduct',
        tags: ['Products'],
        summary: 'Create or replace a product',
        description:
          "Admin only. Creates the product, or replaces the name, price and stock on hand of an existing one; units held by live reservations stay held. An identical request changes nothing. A change reaches order-service's catalog, which prices new orders, shortly after (event `catalog.product_changed`).",
        parameters: mutationHeaders,
        requestBody: body('UpsertProductRequest', true),
        responses: {
          '200': ok('The product as stored, with its reserved units.', 'UpsertProductResponse'),
          ...errors({
            BadRequest:
              'INVALID_ARGUMENT: the sku in the path or a body field breaks a rule, or the Idempotency-Key is malformed. FAILED_PRECONDITION (STOCK_BELOW_RESERVED): `stock` is below the units live reservations hold.',
            PermissionDenied: ADMIN_ONLY,
            Conflict:
              'ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED): the Idempotency-Key was used for a different request; ABORTED (IDEMPOTENT_REQUEST_IN_PROGRESS): the first request with the key is still running; ABORTED (CONCURRENT_MODIFICATION): a concurrent change of the product won, retry.',
          }),
        },
      },
      get: {
        operationId: 'GetProduct',
        tags: ['Products'],
        summary: 'Get a product',
        description: 'Admin only. The product with its stock on hand (reserved units included) and the units live reservations hold.',
        parameters: [param('CorrelationId')],
        responses: {
          '200': ok('The product.', 'GetProductResponse'),
          ...errors({
            BadRequest: 'INVALID_ARGUMENT: the sku is not 1 to 64 letters, digits, dashes or underscores.',
            PermissionDenied: ADMIN_ONLY,
            NotFound: 'NOT_FOUND (PRODUCT_NOT_FOUND): no product has this sku.',
          }),
        },
      },
    },
    '/v1/customers/{customerId}/contact': {
      parameters: [param('CustomerId')],
      put: {
        operationId: 'SetCustomerContact',
        tags: ['Customers'],
        summary: "Set a customer's contact details",
        description:
          'Role service or admin. Creates or replaces where the customer\'s order notifications go: `email` or `sms` (to `phone`). Notifications already recorded keep their recipient.',
        parameters: mutationHeaders,
        requestBody: body('SetCustomerContactRequest', true),
        responses: {
          '200': ok('The contact details as stored.', 'SetCustomerContactResponse'),
          ...errors({
            BadRequest:
              'INVALID_ARGUMENT: a field breaks a rule (INVALID_CONTACT: not an e-mail address, not E.164, or no address on the preferred channel), or the Idempotency-Key is malformed.',
            PermissionDenied: SERVICE_OR_ADMIN,
            Conflict: 'ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED) or ABORTED (IDEMPOTENT_REQUEST_IN_PROGRESS): an Idempotency-Key conflict.',
          }),
        },
      },
      get: {
        operationId: 'GetCustomerContact',
        tags: ['Customers'],
        summary: "Get a customer's contact details",
        description: 'Role service or admin.',
        parameters: [param('CorrelationId')],
        responses: {
          '200': ok('The contact details.', 'GetCustomerContactResponse'),
          ...errors({
            BadRequest: 'INVALID_ARGUMENT: the customer id is longer than 128 characters.',
            PermissionDenied: SERVICE_OR_ADMIN,
            NotFound: 'NOT_FOUND (CONTACT_NOT_FOUND): no contact details are stored for this customer.',
          }),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          '`sub` is the customer id; `exp` is required; optional `roles: ["admin"]` lets the caller act on any customer\'s orders and is required for catalog administration.',
      },
    },
    parameters: {
      OrderId: {
        name: 'id',
        in: 'path',
        required: true,
        description: 'The order id (`Order.id`), percent-encoded.',
        schema: { type: 'string', minLength: 1, maxLength: REQUEST_FORMATS.idMaxLength },
      },
      ProductSku: {
        name: 'sku',
        in: 'path',
        required: true,
        description: 'The product sku (`Product.sku`): 1 to 64 letters, digits, dashes or underscores.',
        schema: { type: 'string', pattern: CATALOG_FORMATS.sku },
      },
      CustomerId: {
        name: 'customerId',
        in: 'path',
        required: true,
        description: 'The customer id (the `sub` of their tokens), percent-encoded.',
        schema: { type: 'string', minLength: 1, maxLength: CONTACT_FORMATS.customerIdMaxLength },
      },
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Optional, honoured whenever present. The same key with the same request gets the identical response and status with no second effect, also while the first is still running; the same key with a different request gets 409 ALREADY_EXISTS (IDEMPOTENCY_KEY_REUSED). Keys are scoped to the caller and kept at least 24 h.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
      },
      CorrelationId: {
        name: 'X-Correlation-Id',
        in: 'header',
        required: false,
        description:
          'Traces the request through every service, message and log line it causes. Generated when absent or not of this form; returned in the response header either way.',
        schema: { type: 'string', pattern: CORRELATION_ID_PATTERN },
      },
      PageSize: {
        name: 'pageSize',
        in: 'query',
        required: false,
        description: `Orders per page; 0 or absent means ${DEFAULT_PAGE_SIZE}.`,
        schema: { type: 'integer', format: 'int32', minimum: 0, maximum: MAX_PAGE_SIZE },
      },
      PageToken: {
        name: 'pageToken',
        in: 'query',
        required: false,
        description: '`nextPageToken` of the previous page, with the same filters; absent for the first page. Opaque.',
        schema: { type: 'string', maxLength: REQUEST_FORMATS.pageTokenMaxLength },
      },
      StatusFilter: {
        name: 'status',
        in: 'query',
        required: false,
        description: 'Only orders in this status; ORDER_STATUS_UNSPECIFIED or absent means any status.',
        schema: { type: 'string', enum: [...ORDER_STATUS_FILTERS] },
      },
      CustomerIdFilter: {
        name: 'customerId',
        in: 'query',
        required: false,
        description: 'Admins only: the orders of this customer (absent: all customers). A customer always sees only their own.',
        schema: { type: 'string', maxLength: REQUEST_FORMATS.idMaxLength },
      },
    },
    headers: {
      CorrelationId: {
        description: 'The correlation id of the request: the one sent in `X-Correlation-Id`, or a generated one.',
        schema: { type: 'string', pattern: CORRELATION_ID_PATTERN },
      },
    },
    responses: {
      BadRequest: errorResponse(400, 'INVALID_ARGUMENT carries google.rpc.BadRequest field violations.'),
      Unauthenticated: errorResponse(401, 'The bearer token is missing, malformed, expired or not signed by a trusted key.'),
      PermissionDenied: errorResponse(403, 'The caller may not do this.'),
      NotFound: errorResponse(404, 'No such resource visible to the caller.'),
      Conflict: errorResponse(409, 'Retrying may succeed after re-reading the resource.'),
      TooManyRequests: errorResponse(429, 'A quota or rate limit is exhausted; retry later with backoff.'),
      Unavailable: errorResponse(503, 'The service or one it depends on is unavailable (e.g. shutting down); retry with backoff.'),
      DeadlineExceeded: errorResponse(504, 'The server gave up waiting for a dependency; the outcome is unknown, so retry with the same Idempotency-Key.'),
      Internal: errorResponse(500, 'A fault of the server, never the answer to anything the client sent.'),
    },
    schemas: { ...MESSAGE_SCHEMAS, ...CATALOG_SCHEMAS, ...CONTACT_SCHEMAS, ...ERROR_SCHEMAS },
  },
};
