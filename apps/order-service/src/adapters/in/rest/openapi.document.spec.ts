import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { isValidCorrelationId } from '#libs/observability';
import { parseIdempotencyKey } from '#libs/idempotency';
import {
  ChangeOrderRequest,
  CreateOrderRequest,
  ListOrdersRequest,
  PayOrderRequest,
} from '../requests/order.requests.js';
import { validateRequest } from '#libs/validation';
import { ORDER_GATEWAY_OPENAPI } from './openapi.document.js';

/**
 * Redocly's `recommended` warnings this document keeps on purpose, by rule id. Empty: any warning
 * fails the spec until it is fixed or listed here with its reason.
 */
const ACCEPTED_WARNINGS: Readonly<Record<string, string>> = {};

async function lint(document: object): Promise<NormalizedProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  return lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
}

const describeProblem = (p: NormalizedProblem): string =>
  `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`;

describe('the OpenAPI document of the /v1 gateway', () => {
  it("passes Redocly's recommended ruleset", async () => {
    const problems = await lint(ORDER_GATEWAY_OPENAPI);
    expect(problems.filter((p) => p.severity === 'error').map(describeProblem)).toEqual([]);
    const unexpected = problems.filter((p) => p.severity === 'warn' && !(p.ruleId in ACCEPTED_WARNINGS));
    expect(unexpected.map(describeProblem)).toEqual([]);
  }, 30_000);

  it('is linted for real: a broken copy fails', async () => {
    const broken = structuredClone(ORDER_GATEWAY_OPENAPI) as { paths: Record<string, Record<string, unknown>> };
    delete broken.paths['/v1/orders/{id}']!.parameters;
    const problems = await lint(broken);
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.ruleId)).toContain('path-parameters-defined');
  }, 30_000);

  it('describes exactly the six order routes, the two catalog administration routes and the two contact routes', () => {
    const operations = Object.entries(ORDER_GATEWAY_OPENAPI.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => method !== 'parameters')
          .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
      )
      .sort();
    expect(operations).toEqual([
      'GET /v1/orders ListOrders',
      'GET /v1/orders/{id} GetOrder',
      'POST /v1/orders CreateOrder',
      'POST /v1/orders/{id}:cancel CancelOrder',
      'POST /v1/orders/{id}:pay PayOrder',
      'POST /v1/orders/{id}:refund RefundOrder',
      'GET /v1/products/{sku} GetProduct',
      'PUT /v1/products/{sku} UpsertProduct',
      'GET /v1/customers/{customerId}/contact GetCustomerContact',
      'PUT /v1/customers/{customerId}/contact SetCustomerContact',
    ].sort());
  });
});

/**
 * A validator for `#/components/<pointer>` of the document, as JSON Schema 2020-12. OpenAPI-only
 * keywords (discriminator, ...) are ignored; `int32`/`int64` are range rules already in the schema.
 */
function validatorFor(pointer: string): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('int32', true).addFormat('int64', true);
  ajv.addFormat('date-time', (v: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(v) && !Number.isNaN(Date.parse(v)));
  ajv.addSchema(ORDER_GATEWAY_OPENAPI as object, 'openapi.json');
  return ajv.compile({ $ref: `openapi.json#/components/${pointer}` });
}

async function serverAccepts(type: new () => object, input: object): Promise<boolean> {
  return validateRequest(type, input).then(
    () => true,
    () => false,
  );
}

const item = { sku: 'P001', qty: 1 };
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, qty: 1 }));
const card = { cardNumber: '4111111111111111', expiryDate: '12/39', cvv: '123' };

/** Requests at and just past each limit: the document must accept exactly what the server accepts. */
const samples: [string, new () => object, string, object][] = [
  ['qty at the minimum', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, qty: 1 }] }],
  ['qty below the minimum', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, qty: 0 }] }],
  ['qty at the maximum', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, qty: 10_000 }] }],
  ['qty above the maximum', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, qty: 10_001 }] }],
  ['a fractional qty', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, qty: 1.5 }] }],
  ['no items', CreateOrderRequest, 'CreateOrderRequest', { items: [] }],
  ['the most items', CreateOrderRequest, 'CreateOrderRequest', { items: items(100) }],
  ['too many items', CreateOrderRequest, 'CreateOrderRequest', { items: items(101) }],
  ['items missing', CreateOrderRequest, 'CreateOrderRequest', {}],
  ['a currency', CreateOrderRequest, 'CreateOrderRequest', { items: [item], currency: 'EUR' }],
  ['a lower-case currency', CreateOrderRequest, 'CreateOrderRequest', { items: [item], currency: 'usd' }],
  ['a 4-letter currency', CreateOrderRequest, 'CreateOrderRequest', { items: [item], currency: 'USDX' }],
  ['a sku of 64 characters', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, sku: 'A'.repeat(64) }] }],
  ['a sku of 65 characters', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, sku: 'A'.repeat(65) }] }],
  ['a sku with a space', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, sku: 'P 1' }] }],
  ['a sku starting with a dash', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, sku: '-P1' }] }],
  ['a price as a string', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, price: { currency: 'USD', amountMinor: '3350' } }] }],
  ['a price as a number', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, price: { currency: 'USD', amountMinor: 3350 } }] }],
  ['a negative price', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, price: { currency: 'USD', amountMinor: '-1' } }] }],
  ['a price without amount', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, price: { currency: 'USD' } }] }],
  ['a price in a bad currency', CreateOrderRequest, 'CreateOrderRequest', { items: [{ ...item, price: { currency: 'us', amountMinor: 1 } }] }],
  ['a customerId of 128 characters', CreateOrderRequest, 'CreateOrderRequest', { items: [item], customerId: 'c'.repeat(128) }],
  ['a customerId of 129 characters', CreateOrderRequest, 'CreateOrderRequest', { items: [item], customerId: 'c'.repeat(129) }],
  ['a payment', PayOrderRequest, 'PayOrderRequest', { paymentMethod: 'credit_card', paymentDetails: card }],
  ['a payment without details', PayOrderRequest, 'PayOrderRequest', { paymentMethod: 'credit_card' }],
  ['a payment without method', PayOrderRequest, 'PayOrderRequest', { paymentDetails: card }],
  ['expectedVersion 1 as a string', PayOrderRequest, 'PayOrderRequest', { paymentMethod: 'credit_card', paymentDetails: card, expectedVersion: '1' }],
  ['expectedVersion 7 as a number', PayOrderRequest, 'PayOrderRequest', { paymentMethod: 'credit_card', paymentDetails: card, expectedVersion: 7 }],
  ['expectedVersion 0', ChangeOrderRequest, 'CancelOrderRequest', { expectedVersion: '00' }],
  ['expectedVersion -1', ChangeOrderRequest, 'CancelOrderRequest', { expectedVersion: -1 }],
  ['expectedVersion not a number', ChangeOrderRequest, 'RefundOrderRequest', { expectedVersion: 'abc' }],
  ['a reason of 512 characters', ChangeOrderRequest, 'CancelOrderRequest', { reason: 'r'.repeat(512) }],
  ['a reason of 513 characters', ChangeOrderRequest, 'RefundOrderRequest', { reason: 'r'.repeat(513) }],
  ['an empty change', ChangeOrderRequest, 'CancelOrderRequest', {}],
];

describe('the document agrees with the request classes', () => {
  it.each(samples)('%s', async (_name, type, schema, request) => {
    // The classes validate the whole message, the id from the path included.
    const server = await serverAccepts(type, { ...request, id: 'order-1' });
    const documented = validatorFor(`schemas/${schema}`)(request);
    expect({ documented }).toEqual({ documented: server });
  });

  const listSamples: [string, string, number | string][] = [
    ['pageSize 0', 'pageSize', 0],
    ['pageSize 100', 'pageSize', 100],
    ['pageSize 101', 'pageSize', 101],
    ['pageSize -1', 'pageSize', -1],
    ['status by its enum name', 'status', 'ORDER_STATUS_PAID'],
    ['status by a short name', 'status', 'PAID'],
    ['pageToken of 1024 characters', 'pageToken', 'x'.repeat(1024)],
    ['pageToken of 1025 characters', 'pageToken', 'x'.repeat(1025)],
    ['customerId of 128 characters', 'customerId', 'c'.repeat(128)],
    ['customerId of 129 characters', 'customerId', 'c'.repeat(129)],
  ];
  const listParams: Record<string, string> = {
    pageSize: 'PageSize',
    status: 'StatusFilter',
    pageToken: 'PageToken',
    customerId: 'CustomerIdFilter',
  };
  it.each(listSamples)('ListOrders %s', async (_label, name, value) => {
    const server = await serverAccepts(ListOrdersRequest, { [name]: value });
    const documented = validatorFor(`parameters/${listParams[name]}/schema`)(value);
    expect({ documented }).toEqual({ documented: server });
  });

  it('X-Correlation-Id: the documented form is the one the server keeps', () => {
    const documented = validatorFor('parameters/CorrelationId/schema');
    for (const value of ['abc-123', 'a'.repeat(128), 'a'.repeat(129), 'has space', 'ü', 'a:b.c_d-e', '']) {
      expect({ value, documented: documented(value) }).toEqual({ value, documented: isValidCorrelationId(value) });
    }
  });

  it('Idempotency-Key: the documented form is the one the server accepts', () => {
    const documented = validatorFor('parameters/IdempotencyKey/schema');
    const accepted = (value: string): boolean => {
      try {
        return parseIdempotencyKey(value) === value;
      } catch {
        return false;
      }
    };
    for (const value of ['k', 'key with spaces ~', 'k'.repeat(255), 'k'.repeat(256), 'tab\there', 'ümlaut', '']) {
      expect({ value, documented: documented(value) }).toEqual({ value, documented: accepted(value) });
    }
  });

  it('schema examples are valid instances of their schemas', () => {
    const schemas = (ORDER_GATEWAY_OPENAPI.components as { schemas: Record<string, { examples?: unknown[] }> }).schemas;
    const withExamples = Object.entries(schemas).filter(([, schema]) => schema.examples);
    expect(withExamples.length).toBeGreaterThan(0);
    for (const [name, schema] of withExamples) {
      const validate = validatorFor(`schemas/${name}`);
      for (const example of schema.examples!) expect({ name, valid: validate(example) }).toEqual({ name, valid: true });
    }
  });
});
