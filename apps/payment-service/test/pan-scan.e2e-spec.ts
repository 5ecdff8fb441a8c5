import { randomUUID } from 'node:crypto';
import { TEST_CARDS } from '../src/adapters/out/gateway/test-cards.js';
import { cardDataLeaks } from './support/card-leaks.js';
import { LogCapture, PaymentServiceHarness } from './support/payment-service.harness.js';

/** Unusual CVVs, so that finding one can only mean it leaked. */
const CVVS = ['9173', '8642', '7519', '6428', '5397', '4286'];
const CARDS = Object.keys(TEST_CARDS);
const INVALID_CARD = '4111111111111112';
const leaks = (texts: readonly string[]): string[] => cardDataLeaks(texts, { cards: [...CARDS, INVALID_CARD], cvvs: CVVS });

describe('card data never reaches a table or a log line', () => {
  const logs = new LogCapture();
  let h: PaymentServiceHarness;

  beforeAll(async () => {
    h = await PaymentServiceHarness.start({ latencyMs: 20, logs, logLevel: 'trace' });
  }, 60_000);

  afterAll(() => h?.stop());

  it.each([
    '{"msg":"charging 4111 1111 1111 1111"}',
    '{"request":{"payment_details":{"cvv":"9173"}}}',
    '{"cardNumber":"4242"}',
    'id,4000000000000002,x',
  ])('the scanner finds the leak planted in %s', (line) => {
    expect(leaks([line]).length).toBeGreaterThan(0);
  });

  it('the scanner accepts redacted fields and look-alike tokens', () => {
    expect(leaks(['{"cvv":"[REDACTED]","cardNumber":"[REDACTED]","token":"tok_91738642","last4":"1111"}'])).toEqual([]);
  });

  it('after a run with every test card, no row of payment_service and no log line holds a card number or CVV', async () => {
    const service = await h.token('order-service', ['service']);
    const runs = CARDS.map((card, i) => ({
      card,
      request: {
        orderId: `order-${randomUUID()}`,
        paymentId: `pay-${randomUUID()}`,
        amount: { currency: 'USD', amountMinor: '10050' },
        paymentMethod: 'credit_card',
        // Spaces as a customer types them, once.
        paymentDetails: { cardNumber: i === 0 ? card.replace(/(\d{4})/g, '$1 ').trim() : card, expiryDate: '12/39', cvv: CVVS[i]! },
        customerId: 'alice',
      },
    }));
    for (const { request } of runs) await h.grpc.ok('Hold', request, { token: service, idempotencyKey: randomUUID() });
    const refused = await h.grpc.call('Hold', { ...runs[0]!.request, paymentId: `pay-${randomUUID()}`, orderId: `order-${randomUUID()}`, paymentDetails: { cardNumber: INVALID_CARD, expiryDate: '12/39', cvv: '9173' } }, { token: service });
    expect(refused).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT' });

    // Settle every hold, then capture what was held.
    for (const { request } of runs) {
      await h.awaitStatus(request.paymentId, request.paymentDetails.cvv === CVVS[2] || request.paymentDetails.cvv === CVVS[3] ? 'FAILED' : 'HELD');
    }
    for (const { request } of runs) {
      if ((await h.payment(request.paymentId))!.status === 'HELD') await h.grpc.ok('Capture', { orderId: request.orderId, paymentId: request.paymentId }, { token: service });
    }
    await h.awaitStatus(runs.find((r) => r.card === '4000000000000341')!.request.paymentId, 'CAPTURE_FAILED');

    const tables = await h.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'payment_service' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['payments', 'gateway_cards', 'gateway_operations', 'outbox', 'idempotency_keys', 'gateway_callback_inbox']),
    );
    const rows: string[] = [];
    for (const { table_name } of tables) {
      for (const row of await h.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM payment_service.${table_name} t`)) rows.push(row.j);
    }
    expect(rows.length).toBeGreaterThan(20);
    expect(leaks(rows)).toEqual([]);

    expect(logs.lines.length).toBeGreaterThan(20);
    expect(logs.lines.some((l) => l.includes('/oms.v1.PaymentService/Hold') || l.includes('"Hold"') || l.includes('hold'))).toBe(true);
    expect(leaks(logs.lines)).toEqual([]);
  }, 30_000);
});
