import { randomUUID } from 'node:crypto';
import { sleep, until, type ServiceCluster } from '../../support/service-cluster.js';
import { reliably } from './reliable-client.js';

/** What the client means to happen to an order, and so where it must end. */
export type Fate = 'success' | 'decline' | 'no-stock' | 'capture-fails' | 'cancel' | 'refund';
export const FATES: readonly Fate[] = ['success', 'decline', 'no-stock', 'capture-fails', 'cancel', 'refund'];

/** Where an order of each fate ends once everything has settled. */
export const END_STATES: Record<Fate, readonly string[]> = {
  success: ['CONFIRMED'],
  decline: ['RESERVED'],
  'no-stock': ['CANCELED'],
  'capture-fails': ['CANCELED'],
  cancel: ['CANCELED'],
  refund: ['REFUNDED'],
};

/** Test cards of the simulated gateway, by fate. */
const CARDS: Partial<Record<Fate, string>> = {
  success: '4242424242424242',
  decline: '4000000000000002',
  'capture-fails': '4000000000000341',
  refund: '4111111111111111',
};

/** An order the client was told was created, and what it meant to happen to it. */
export interface ToldOrder {
  readonly id: string;
  readonly fate: Fate;
}

export interface OrderLoadOptions {
  /** Customer ids start with it: the client's record is checked against their orders only. */
  readonly customerPrefix: string;
  /** A new order flow every `everyMs` (default 150). */
  readonly everyMs?: number;
}

/**
 * A steady load of orders with every fate (success, decline, insufficient stock, capture failure,
 * cancel, refund), each driven to its end by a client that retries until it is answered
 * ({@link reliably}), by four customers of its own. It keeps the client's record: the orders it
 * was told were created and, per order, its story (what the client saw), for failure messages.
 */
export class OrderLoad {
  readonly told: ToldOrder[] = [];
  /** Anything the client was answered that it must never be (a refused create, cancel, ...). */
  readonly problems: string[] = [];
  private readonly stories = new Map<string, string[]>();
  private readonly flows: Promise<void>[] = [];
  private running = true;
  private readonly generator: Promise<void>;

  private constructor(
    private readonly c: ServiceCluster,
    private readonly sku: string,
    private readonly scarce: string,
    private readonly customers: readonly string[],
    readonly customerPrefix: string,
    everyMs: number,
  ) {
    this.generator = (async () => {
      for (let n = 0; this.running; n++) {
        this.flows.push(this.flow(n).catch((error: unknown) => void this.problems.push(`flow ${n}: ${String(error)}`)));
        await sleep(everyMs);
      }
    })();
  }

  /** Creates the products and customers of this load and starts it. */
  static async start(c: ServiceCluster, options: OrderLoadOptions): Promise<OrderLoad> {
    const sku = await c.product(100_000);
    const scarce = await c.product(1);
    const customers = await Promise.all([0, 1, 2, 3].map((n) => c.token(`${options.customerPrefix}${n}-${randomUUID().slice(0, 6)}`)));
    return new OrderLoad(c, sku, scarce, customers, options.customerPrefix, options.everyMs ?? 150);
  }

  /** Stops starting new flows and waits until every flow started has finished. */
  async stop(): Promise<void> {
    this.running = false;
    await this.generator;
    await Promise.all(this.flows);
  }

  storyOf(id: string): readonly string[] | undefined {
    return this.stories.get(id);
  }

  private story(id: string, line: string): void {
    this.stories.set(id, [...(this.stories.get(id) ?? []), line]);
  }

  async statusOf(id: string): Promise<string | undefined> {
    return (await this.c.sql.query(`SELECT status FROM order_service.orders WHERE id = $1`, [id])).rows[0]?.status;
  }

  private async flow(n: number): Promise<void> {
    const fate = FATES[n % FATES.length]!;
    const token = this.customers[n % this.customers.length]!;
    const order = this.c.of('order-service')[0]!;
    const items = [{ sku: fate === 'no-stock' ? this.scarce : this.sku, qty: fate === 'no-stock' ? 2 : 1 }];
    const created = await reliably(order, 'POST', '/v1/orders', token, { items }, randomUUID());
    if (created.status !== 200) return void this.problems.push(`create ${n}: ${created.status} ${JSON.stringify(created.body)}`);
    const id: string = created.body.order.id;
    this.told.push({ id, fate });
    if (fate === 'no-stock') return;
    await until(`order ${id} RESERVED`, async () => ((await this.statusOf(id)) === 'RESERVED' ? true : undefined), 120_000, 100);
    if (fate === 'cancel') {
      const canceled = await reliably(order, 'POST', `/v1/orders/${id}:cancel`, token, { reason: 'chaos' }, randomUUID());
      if (canceled.status !== 200) this.problems.push(`cancel ${id}: ${canceled.status} ${JSON.stringify(canceled.body)}`);
      return;
    }
    const pay = { paymentMethod: 'credit_card', paymentDetails: { cardNumber: CARDS[fate], expiryDate: '12/39', cvv: '123' } };
    // A hold lost with a killed payment-service is given up by the saga (the order is payable
    // again), and a payment-service that is down answers PAYMENT_PROVIDER_UNAVAILABLE: a customer
    // who wants the goods pays again a little later.
    for (const giveUp = Date.now() + 120_000; ; ) {
      const paid = await reliably(order, 'POST', `/v1/orders/${id}:pay`, token, pay, randomUUID());
      this.story(id, `pay: ${paid.status} ${JSON.stringify(paid.body).slice(0, 200)}`);
      const settled = await until(
        `order ${id} past its payment`,
        async () => {
          const { rows } = await this.c.sql.query(
            `SELECT o.status, s.phase FROM order_service.orders o JOIN order_service.order_sagas s ON s.order_id = o.id WHERE o.id = $1`,
            [id],
          );
          const row = rows[0];
          return row && (row.status !== 'RESERVED' || row.phase === 'AWAITING_PAYMENT') ? (row.status as string) : undefined;
        },
        180_000,
        100,
      );
      this.story(id, `after pay: ${settled}`);
      if (settled !== 'RESERVED' || fate === 'decline' || Date.now() > giveUp) break;
      await sleep(1_000);
    }
    // A refund asked while the saga still commits the sale is refused (OPERATION_IN_PROGRESS): ask again.
    for (const giveUp = Date.now() + 120_000; fate === 'refund' && Date.now() < giveUp; ) {
      if (!['PAID', 'CONFIRMED'].includes((await this.statusOf(id)) ?? '')) break;
      const refunded = await reliably(order, 'POST', `/v1/orders/${id}:refund`, token, { reason: 'chaos' }, randomUUID());
      this.story(id, `refund: ${refunded.status} ${JSON.stringify(refunded.body).slice(0, 200)}`);
      if (refunded.status === 200) break;
      await sleep(500);
    }
  }
}
