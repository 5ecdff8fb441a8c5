import { commonV1 } from '#libs/contracts';
import { PAYMENT_METHODS } from '../../../application/commands/pay-order/pay-order.command.js';
import { ORDER_LIMITS } from '../../../domain/order.aggregate.js';
import { REQUEST_FORMATS } from '../requests/order.requests.js';

export { REQUEST_FORMATS };

/** A JSON Schema 2020-12 object (the dialect of OpenAPI 3.1), or any other node of the document. */
export type JsonObject = { readonly [key: string]: unknown };

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** The request classes' own formats; the unit spec also runs samples through both to catch drift. */
const { currency: CURRENCY, sku: SKU } = REQUEST_FORMATS;

/**
 * proto3 JSON writes int64 as a decimal string (JavaScript numbers lose precision past 2^53) and
 * reads either form; a number is accepted only while it is a safe integer, as the server checks.
 */
const int64Output = (description: string): JsonObject => ({
  type: 'string',
  format: 'int64',
  pattern: '^-?[0-9]+$',
  description,
});
const int64Input = (min: 0 | 1, description: string): JsonObject => ({
  type: ['string', 'integer'],
  format: 'int64',
  // The lookahead rejects "0", "00", ... when the minimum is 1.
  pattern: min === 0 ? '^[0-9]{1,19}$' : '^(?!0+$)[0-9]{1,19}$',
  minimum: min,
  maximum: Number.MAX_SAFE_INTEGER,
  description: `${description} proto3 JSON int64: a decimal string, or an integer number up to 2^53 - 1.`,
});

const currency = (description: string): JsonObject => ({
  type: 'string',
  pattern: CURRENCY,
  description,
  examples: ['USD'],
});

const expectedVersion = int64Input(
  1,
  "Optimistic concurrency: when set and not equal to the order's current `version`, the call fails with ABORTED (409, reason VERSION_MISMATCH) and changes nothing.",
);

/** The enum names of a ts-proto string enum, in declaration (= proto number) order. */
const enumNames = (values: Record<string, string>): string[] => Object.values(values);

/**
 * `components.schemas` for the messages of `oms.v1.OrderService` in proto3 JSON: lowerCamelCase
 * names, enums by name, int64 as string (output) or string/number (input), Timestamps as RFC 3339.
 * Output schemas list as required only fields the server always sets: proto3 JSON omits a field
 * holding its default value ("", 0, empty list), so e.g. an empty `statusReason` is absent.
 * Where input and output differ (int64 form, optional price) the input has its own `*Input` schema.
 */
export const MESSAGE_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  Money: {
    type: 'object',
    description: 'An amount of money in minor units of its currency (cents for USD): exact, no floating point.',
    required: ['currency'],
    properties: {
      currency: currency('ISO 4217 alphabetic code, upper case, e.g. "USD".'),
      amountMinor: {
        ...int64Output('Amount in minor units, e.g. "3350" for 33.50 USD; never negative. Absent when zero.'),
        pattern: '^[0-9]+$',
      },
    },
  },
  MoneyInput: {
    type: 'object',
    description: 'Money as a request carries it (`amountMinor` as a string or a number).',
    required: ['currency', 'amountMinor'],
    properties: {
      currency: currency('ISO 4217 alphabetic code, upper case, e.g. "USD".'),
      amountMinor: int64Input(0, 'Amount in minor units, e.g. "3350" for 33.50 USD; never negative.'),
    },
  },
  OrderStatus: {
    type: 'string',
    enum: enumNames(commonV1.OrderStatus),
    description: [
      'Lifecycle of an order: PENDING (created, stock not reserved yet) -> RESERVED (stock reserved, waiting for payment;',
      'a stable state) -> PAID (payment captured) -> CONFIRMED (reservation committed); PENDING or RESERVED -> CANCELED',
      '(terminal; `statusReason` says why, e.g. INSUFFICIENT_STOCK, PAYMENT_TIMEOUT, CAPTURE_FAILED); PAID or CONFIRMED ->',
      'REFUNDED (terminal; money refunded, stock returned). An order never has ORDER_STATUS_UNSPECIFIED; as a ListOrders',
      'filter it means any status.',
    ].join(' '),
  },
  PaymentStatus: {
    type: 'string',
    enum: enumNames(commonV1.PaymentStatus),
    description: [
      'Lifecycle of one payment attempt: PROCESSING (sent to the gateway, no outcome yet), HELD (funds authorized),',
      'CAPTURED, FAILED (`failureReason` says why), VOIDED (hold released without capture), REFUNDED (captured funds',
      'returned).',
    ].join(' '),
  },
  OrderItemInput: {
    type: 'object',
    description: 'One line of a new order. A sku appears at most once per order.',
    required: ['sku', 'qty'],
    properties: {
      sku: { type: 'string', pattern: SKU, description: 'Must exist in the catalog.', examples: ['P001'] },
      qty: { type: 'integer', format: 'int32', minimum: ORDER_LIMITS.minQty, maximum: ORDER_LIMITS.maxQty },
      price: { ...ref('MoneyInput'), description: 'Unit price. Optional; when given it must equal the catalog price.' },
    },
  },
  OrderItem: {
    type: 'object',
    description: 'One line of an order.',
    required: ['sku', 'qty', 'price'],
    properties: {
      sku: { type: 'string' },
      qty: { type: 'integer', format: 'int32', minimum: ORDER_LIMITS.minQty, maximum: ORDER_LIMITS.maxQty },
      price: { ...ref('Money'), description: 'Unit price, from the catalog at creation.' },
    },
  },
  Payment: {
    type: 'object',
    description: 'The customer-facing view of a payment attempt. No card data beyond the last 4 digits.',
    required: ['id', 'status'],
    properties: {
      id: { type: 'string' },
      status: ref('PaymentStatus'),
      method: { type: 'string', description: 'As given in PayOrder `paymentMethod`, e.g. "credit_card".' },
      cardLast4: { type: 'string', pattern: '^[0-9]{4}$' },
      transactionId: { type: 'string', description: "The gateway's transaction id, once known." },
      failureReason: {
        type: 'string',
        description: 'Set when status is FAILED: PAYMENT_DECLINED, INSUFFICIENT_FUNDS, CAPTURE_FAILED, ...',
      },
    },
  },
  Order: {
    type: 'object',
    required: ['id', 'customerId', 'status', 'amount', 'items', 'version', 'createTime', 'updateTime'],
    properties: {
      id: { type: 'string', description: 'Assigned by the server.' },
      customerId: { type: 'string', description: 'The customer who owns the order.' },
      status: ref('OrderStatus'),
      amount: { ...ref('Money'), description: 'Sum of qty * price over the items, computed by the server.' },
      items: { type: 'array', minItems: ORDER_LIMITS.minItems, maxItems: ORDER_LIMITS.maxItems, items: ref('OrderItem') },
      version: int64Output(
        'Starts at 1 and increases by 1 with every change; send it back as `expectedVersion` to change the order only if nobody else did.',
      ),
      statusReason: {
        type: 'string',
        description:
          "Why the last transition happened, e.g. INSUFFICIENT_STOCK, PAYMENT_TIMEOUT, CAPTURE_FAILED, or the caller's cancel/refund reason. Absent when there is none.",
      },
      createTime: { type: 'string', format: 'date-time', description: 'RFC 3339, UTC.' },
      updateTime: { type: 'string', format: 'date-time', description: 'RFC 3339, UTC.' },
      payment: { ...ref('Payment'), description: 'The latest payment attempt; absent until PayOrder is first called.' },
    },
  },
  PaymentDetails: {
    type: 'object',
    description:
      'Card data as the client sends it. The full card number and the CVV are never stored, logged or published: only the brand and the last 4 digits are kept.',
    required: ['cardNumber', 'expiryDate', 'cvv'],
    properties: {
      cardNumber: {
        type: 'string',
        minLength: 12,
        maxLength: 32,
        pattern: '^[0-9][0-9 -]*[0-9]$',
        description: '12 to 19 digits (spaces and dashes between them are ignored); must pass the Luhn check.',
        examples: ['4111111111111111'],
      },
      expiryDate: {
        type: 'string',
        pattern: '^(0[1-9]|1[0-2])/[0-9]{2}$',
        description: 'MM/YY, not in the past.',
        examples: ['12/30'],
      },
      cvv: { type: 'string', pattern: '^[0-9]{3,4}$', description: '3 or 4 digits.' },
    },
  },
  CreateOrderRequest: {
    type: 'object',
    description: 'The amount is computed by the server from the catalog; the new order is PENDING with version 1.',
    required: ['items'],
    properties: {
      customerId: {
        type: 'string',
        maxLength: REQUEST_FORMATS.idMaxLength,
        description:
          "Owner of the new order; defaults to the caller (the JWT `sub`). Must equal it unless the caller is an admin, else 403 PERMISSION_DENIED.",
      },
      items: {
        type: 'array',
        minItems: ORDER_LIMITS.minItems,
        maxItems: ORDER_LIMITS.maxItems,
        items: ref('OrderItemInput'),
      },
      currency: currency("Optional ISO 4217 code; absent means the catalog's currency. When set it must match it."),
    },
    examples: [{ items: [{ sku: 'P001', qty: 2 }, { sku: 'P002', qty: 1 }] }],
  },
  CreateOrderResponse: { type: 'object', required: ['order'], properties: { order: ref('Order') } },
  GetOrderResponse: { type: 'object', required: ['order'], properties: { order: ref('Order') } },
  ListOrdersResponse: {
    type: 'object',
    properties: {
      orders: { type: 'array', items: ref('Order'), description: 'Newest first (createTime, then id). Absent when empty.' },
      nextPageToken: { type: 'string', description: 'Pass as `pageToken` for the next page. Absent on the last page.' },
    },
  },
  PayOrderRequest: {
    type: 'object',
    description: 'PayOrderRequest without `id`, which is taken from the path.',
    required: ['paymentMethod', 'paymentDetails'],
    properties: {
      paymentMethod: { type: 'string', enum: [...PAYMENT_METHODS] },
      paymentDetails: ref('PaymentDetails'),
      expectedVersion,
    },
  },
  PayOrderResponse: {
    type: 'object',
    required: ['order', 'payment'],
    properties: {
      order: ref('Order'),
      payment: {
        ...ref('Payment'),
        description: 'The attempt this call made. PROCESSING when the outcome did not arrive within the server limit.',
      },
    },
  },
  CancelOrderRequest: {
    type: 'object',
    description: 'CancelOrderRequest without `id`, which is taken from the path. The body may be omitted.',
    properties: {
      reason: { type: 'string', maxLength: REQUEST_FORMATS.reasonMaxLength, description: "Free text, recorded as the order's `statusReason`." },
      expectedVersion,
    },
  },
  CancelOrderResponse: { type: 'object', required: ['order'], properties: { order: ref('Order') } },
  RefundOrderRequest: {
    type: 'object',
    description: 'RefundOrderRequest without `id`, which is taken from the path. The body may be omitted.',
    properties: {
      reason: { type: 'string', maxLength: REQUEST_FORMATS.reasonMaxLength, description: "Free text, recorded as the order's `statusReason`." },
      expectedVersion,
    },
  },
  RefundOrderResponse: { type: 'object', required: ['order'], properties: { order: ref('Order') } },
};

/**
 * The rules of inventory-service's catalog (its `PRODUCT_LIMITS` and UpsertProductRequest), copied
 * because an app never imports another; the e2e spec checks them against the running service.
 */
export const CATALOG_FORMATS = Object.freeze({
  sku: '^[A-Za-z0-9_-]{1,64}$',
  nameMaxLength: 200,
  maxStock: Number.MAX_SAFE_INTEGER,
});

/**
 * `components.schemas` of catalog administration: UpsertProduct and GetProduct of
 * `oms.v1.InventoryService` in proto3 JSON (int64 `stock`/`reserved` as strings, absent when 0).
 */
export const CATALOG_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  Product: {
    type: 'object',
    description: 'A catalog entry and its stock. Units available to new orders = `stock` - `reserved`.',
    required: ['sku', 'name', 'price'],
    properties: {
      sku: { type: 'string', pattern: CATALOG_FORMATS.sku, examples: ['P001'] },
      name: { type: 'string', maxLength: CATALOG_FORMATS.nameMaxLength },
      price: { ...ref('Money'), description: 'Unit price.' },
      stock: {
        ...int64Output('Units on hand, reserved ones included. Absent when zero.'),
        pattern: '^[0-9]+$',
      },
      reserved: {
        ...int64Output(
          'Units held by live (RESERVED) reservations of orders; never more than `stock`. Read-only: reservations set it, UpsertProduct does not. Absent when zero.',
        ),
        pattern: '^[0-9]+$',
      },
    },
  },
  UpsertProductRequest: {
    type: 'object',
    description: 'UpsertProductRequest without `sku`, which is taken from the path (a `sku` in the body is ignored).',
    required: ['name', 'price'],
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: CATALOG_FORMATS.nameMaxLength,
        pattern: '\\S',
        description: `1 to ${CATALOG_FORMATS.nameMaxLength} characters, not blank.`,
      },
      price: { ...ref('MoneyInput'), description: 'Unit price; new orders are priced with it.' },
      stock: int64Input(
        0,
        `Units on hand, reserved ones included; absent means 0. At most ${CATALOG_FORMATS.maxStock} (2^53 - 1), and not below the units live reservations hold (else 400 FAILED_PRECONDITION, STOCK_BELOW_RESERVED).`,
      ),
    },
    examples: [{ name: 'Wireless Mouse', price: { currency: 'USD', amountMinor: '3350' }, stock: '1000' }],
  },
  UpsertProductResponse: { type: 'object', required: ['product'], properties: { product: ref('Product') } },
  GetProductResponse: { type: 'object', required: ['product'], properties: { product: ref('Product') } },
};

/**
 * The rules of notification-service's contact details (its `CONTACT_LIMITS`), copied because an app
 * never imports another; the e2e spec checks answers against the running service.
 */
export const CONTACT_FORMATS = Object.freeze({
  customerIdMaxLength: 128,
  emailMaxLength: 254,
  phone: '^\\+[1-9][0-9]{6,14}$',
  channels: ['email', 'sms'] as const,
});

/**
 * `components.schemas` of customers' contact details: SetCustomerContact and GetCustomerContact
 * of `oms.v1.NotificationService` in proto3 JSON (empty addresses are absent).
 */
export const CONTACT_SCHEMAS: Readonly<Record<string, JsonObject>> = {
  CustomerContact: {
    type: 'object',
    description: 'Where notifications to the customer go: the address on `preferredChannel`.',
    required: ['customerId', 'preferredChannel'],
    properties: {
      customerId: { type: 'string', maxLength: CONTACT_FORMATS.customerIdMaxLength },
      email: { type: 'string', maxLength: CONTACT_FORMATS.emailMaxLength, description: 'Absent when none.' },
      phone: { type: 'string', pattern: CONTACT_FORMATS.phone, description: 'E.164. Absent when none.' },
      preferredChannel: { type: 'string', enum: [...CONTACT_FORMATS.channels] },
      updateTime: { type: 'string', format: 'date-time' },
    },
  },
  SetCustomerContactRequest: {
    type: 'object',
    description: 'SetCustomerContactRequest without `customerId`, which is taken from the path.',
    required: ['preferredChannel'],
    properties: {
      email: { type: 'string', maxLength: CONTACT_FORMATS.emailMaxLength, description: 'Required when `preferredChannel` is `email`.' },
      phone: { type: 'string', pattern: CONTACT_FORMATS.phone, description: 'E.164; required when `preferredChannel` is `sms`.' },
      preferredChannel: { type: 'string', enum: [...CONTACT_FORMATS.channels], description: 'The channel order notifications use.' },
    },
    examples: [{ email: 'alice@example.com', phone: '+14155550123', preferredChannel: 'sms' }],
  },
  SetCustomerContactResponse: { type: 'object', required: ['contact'], properties: { contact: ref('CustomerContact') } },
  GetCustomerContactResponse: { type: 'object', required: ['contact'], properties: { contact: ref('CustomerContact') } },
};
