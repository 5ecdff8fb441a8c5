import { cardDataLeaks } from '../../../payment-service/test/support/card-leaks.js';
import { LogCapture } from '../../../payment-service/test/support/payment-service.harness.js';
import { SecurityApp } from './support.js';

/**
 * Card data (CONTRACT section 4) through the whole system: payments made over REST, gRPC and the
 * legacy API, a declined card, a transient gateway error, a refund and a refused request, with every
 * log line captured at trace level. Afterwards no log line, no answer and no row of any table in
 * any service schema holds a full card number or a CVV (payment-service's own scan covers its
 * gRPC port alone; both use the same scanner).
 */
const CARDS = { success: '4242424242424242', visa: '4111111111111111', declined: '4000000000000002', transient: '4000000000000119' };
/** Unusual CVVs, so that finding one can only mean it leaked. */
const CVVS = ['917', '864', '751', '642', '539'];
const logs = new LogCapture();
let app: SecurityApp;
let alice: string;
const answers: string[] = [];

beforeAll(async () => {
  app = await SecurityApp.start({ logging: { level: 'trace', stream: logs } });
  alice = await app.token('alice');
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const details = (cardNumber: string, cvv: string) => ({ cardNumber, expiryDate: '12/39', cvv });

it('no full card number or CVV in any log line, answer or table after payments on every port', async () => {
  // REST: declined first, then paid, then refunded.
  const viaRest = await app.reservedOrder(alice);
  const declined = await app.rest('POST', `/v1/orders/${viaRest}:pay`, { token: alice, body: { paymentMethod: 'credit_card', paymentDetails: details(CARDS.declined, CVVS[0]!) } });
  expect(declined.json.error).toMatchObject({ status: 'FAILED_PRECONDITION' });
  const paid = await app.rest('POST', `/v1/orders/${viaRest}:pay`, { token: alice, body: { paymentMethod: 'credit_card', paymentDetails: details(CARDS.success, CVVS[1]!) } });
  expect(paid.status).toBe(200);
  await app.settle(viaRest, 'CONFIRMED');
  const refunded = await app.rest('POST', `/v1/orders/${viaRest}:refund`, { token: alice, body: { reason: 'changed my mind' } });
  expect(refunded.status).toBe(200);
  answers.push(declined.text, paid.text, refunded.text);

  // gRPC, with the card typed with spaces.
  const viaGrpc = await app.reservedOrder(alice);
  const grpcPaid = await app.grpc('OrderService', 'PayOrder', { id: viaGrpc, paymentMethod: 'credit_card', paymentDetails: details('4111 1111 1111 1111', CVVS[2]!) }, { token: alice });
  expect(grpcPaid.status).toBe('OK');
  answers.push(JSON.stringify(grpcPaid.body));
  await app.settle(viaGrpc, 'CONFIRMED');

  // Legacy API, a card whose first gateway attempt fails transiently.
  const viaLegacy = await app.reservedOrder(alice);
  const legacy = await app.rest('POST', '/api/payment/process', {
    token: alice,
    body: { orderId: viaLegacy, userId: 'alice', paymentAmount: 33.5, paymentMethod: 'credit_card', paymentDetails: details(CARDS.transient, CVVS[3]!) },
  });
  answers.push(legacy.text);
  expect(legacy.status).toBe(200);
  await app.settle(viaLegacy, 'CONFIRMED');

  // A refused request carrying card data: its error must not echo it.
  const refused = await app.rest('POST', `/v1/orders/${viaGrpc}:pay`, { token: alice, body: { paymentMethod: 'credit_card', paymentDetails: { ...details(CARDS.success, CVVS[4]!), expiryDate: '13/99' } } });
  expect(refused.status).toBe(400);
  answers.push(refused.text);

  await app.quietSnapshot();
  const rows = await app.allRowsAsJson();
  const schemas = (await app.sql.query(`SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_schema LIKE '%_service'`)).rows.map((r) => r.table_schema);
  expect(schemas).toEqual(expect.arrayContaining(['order_service', 'inventory_service', 'payment_service']));
  expect(rows.length).toBeGreaterThan(30);
  // The scan would see the payments: brand and last 4 are there.
  expect(rows.some((r) => r.includes('"card_last4":"4242"') || r.includes('4242"'))).toBe(true);

  const secrets = { cards: Object.values(CARDS), cvvs: CVVS };
  expect(cardDataLeaks(rows, secrets)).toEqual([]);
  expect(cardDataLeaks(answers, secrets)).toEqual([]);
  expect(logs.lines.length).toBeGreaterThan(50);
  expect(logs.lines.some((l) => l.includes('PayOrder') || l.includes(':pay'))).toBe(true);
  expect(logs.lines.some((l) => l.includes('/api/payment/process'))).toBe(true);
  expect(cardDataLeaks(logs.lines, secrets)).toEqual([]);
  // A CVV in context, however it was written.
  for (const cvv of CVVS) expect(logs.lines.concat(rows).filter((l) => new RegExp(`cvv\\W{1,4}${cvv}\\b`, 'i').test(l))).toEqual([]);
}, 90_000);
