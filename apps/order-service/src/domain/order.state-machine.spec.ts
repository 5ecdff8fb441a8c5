import fc from 'fast-check';
import { DomainError } from '#libs/ddd';
import { Money } from './money.js';
import { Order, type CreateOrderProps } from './order.aggregate.js';
import type { OrderEvent, OrderStatusChangedEvent, PaymentStatusChangedEvent } from './order.events.js';
import type { OrderSnapshot } from './order.snapshot.js';
import {
  canPaymentTransition,
  canTransition,
  isTerminal,
  ORDER_STATUSES,
  PAYMENT_STATUSES,
  type OrderStatus,
  type PaymentStatus,
} from './order-status.js';

type Command =
  | { readonly kind: 'markReserved' }
  | { readonly kind: 'startPayment'; readonly paymentId: string }
  | { readonly kind: 'markPaymentHeld' }
  | { readonly kind: 'markPaymentFailed'; readonly reason: string }
  | { readonly kind: 'markPaid'; readonly transactionId: string }
  | { readonly kind: 'markConfirmed' }
  | { readonly kind: 'cancel'; readonly reason: string }
  | { readonly kind: 'refund'; readonly reason: string };

interface Step {
  readonly command: Command;
  readonly now: Date;
  readonly before: OrderSnapshot;
  readonly after: OrderSnapshot;
  readonly error: unknown;
  readonly events: readonly OrderEvent[];
}

interface Trace {
  readonly creationEvents: readonly OrderEvent[];
  readonly steps: readonly Step[];
}

const T0 = Date.UTC(2030, 0, 1);

const reasonArb = fc.constantFrom('', 'PAYMENT_TIMEOUT', 'INSUFFICIENT_STOCK', 'CAPTURE_FAILED', 'customer request');
const idArb = fc.uuid();

// Weighted towards progress so that most sequences get past RESERVED before a cancel ends them.
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'markReserved' as const }) },
  { weight: 4, arbitrary: idArb.map((paymentId) => ({ kind: 'startPayment' as const, paymentId })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'markPaymentHeld' as const }) },
  { weight: 1, arbitrary: reasonArb.map((reason) => ({ kind: 'markPaymentFailed' as const, reason })) },
  { weight: 2, arbitrary: idArb.map((transactionId) => ({ kind: 'markPaid' as const, transactionId })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'markConfirmed' as const }) },
  { weight: 1, arbitrary: reasonArb.map((reason) => ({ kind: 'cancel' as const, reason })) },
  { weight: 1, arbitrary: reasonArb.map((reason) => ({ kind: 'refund' as const, reason })) },
);

const createPropsArb: fc.Arbitrary<CreateOrderProps> = fc
  .record({
    id: idArb,
    customerId: idArb,
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    lines: fc.uniqueArray(
      fc.record({
        sku: fc.stringMatching(/^[A-Z][0-9]{3}$/),
        qty: fc.integer({ min: 1, max: 10_000 }),
        unitPriceMinor: fc.bigInt({ min: 0n, max: 10n ** 9n }),
      }),
      { minLength: 1, maxLength: 5, selector: (line) => line.sku },
    ),
  })
  .map(({ id, customerId, currency, lines }) => ({
    id,
    customerId,
    items: lines.map((l) => ({ sku: l.sku, qty: l.qty, unitPrice: Money.of(l.unitPriceMinor, currency) })),
    now: new Date(T0),
  }));

const scenarioArb = fc.record({
  create: createPropsArb,
  commands: fc.array(commandArb, { maxLength: 40, size: 'max' }),
});

function apply(order: Order, command: Command, now: Date): void {
  switch (command.kind) {
    case 'markReserved':
      return order.markReserved(now);
    case 'startPayment':
      return order.startPayment({
        paymentId: command.paymentId,
        provider: 'simulated',
        method: 'credit_card',
        cardBrand: 'VISA',
        cardLast4: '4242',
        now,
      });
    case 'markPaymentHeld':
      return order.markPaymentHeld(now);
    case 'markPaymentFailed':
      return order.markPaymentFailed(command.reason, now);
    case 'markPaid':
      return order.markPaid(command.transactionId, now);
    case 'markConfirmed':
      return order.markConfirmed(now);
    case 'cancel':
      return order.cancel(command.reason, now);
    case 'refund':
      return order.refund(command.reason, now);
  }
}

function replay(order: Order, commands: readonly Command[], startAt = 0): Step[] {
  return commands.map((command, i) => {
    const now = new Date(T0 + (startAt + i + 1) * 1000);
    const before = order.toSnapshot();
    let error: unknown;
    try {
      apply(order, command, now);
    } catch (e) {
      error = e;
    }
    return { command, now, before, after: order.toSnapshot(), error, events: order.pullEvents() };
  });
}

function trace(scenario: { create: CreateOrderProps; commands: readonly Command[] }): Trace {
  const order = Order.create(scenario.create);
  const creationEvents = order.pullEvents();
  return { creationEvents, steps: replay(order, scenario.commands) };
}

// Enough runs that the rarer paths (a voided hold, a confirmed refund) appear dozens of times.
const NUM_RUNS = 300;

/** Asserts `check` on the trace of every generated scenario. */
function forAllTraces(check: (t: Trace) => void): void {
  fc.assert(fc.property(scenarioArb, (scenario) => check(trace(scenario))), { numRuns: NUM_RUNS });
}

const accepted = (step: Step): boolean => step.error === undefined;
const statusEvents = (t: Trace): OrderStatusChangedEvent[] =>
  [...t.creationEvents, ...t.steps.flatMap((s) => s.events)].filter((e) => e.type === 'order.status_changed');
const paymentEvents = (t: Trace): PaymentStatusChangedEvent[] =>
  t.steps.flatMap((s) => s.events).filter((e) => e.type === 'payment.status_changed');
const paymentKey = (s: OrderSnapshot): string => (s.payment === null ? '' : `${s.payment.id}/${s.payment.status}`);
/** What each event's prevStatus must be: nothing before the first, then the previous event's newStatus. */
const chainedPrevStatuses = <S>(events: readonly { newStatus: S }[]): (S | null)[] =>
  events.map((_, i) => (i === 0 ? null : events[i - 1]!.newStatus));
const seqs = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

// Exact and cheap: jest's deep equality is too slow for the thousands of comparisons below.
const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

const describeStep = (s: Step): Record<string, unknown> => ({
  command: s.command.kind,
  before: `${s.before.status} v${s.before.version} payment ${s.before.payment?.status ?? 'none'}`,
  after: `${s.after.status} v${s.after.version} payment ${s.after.payment?.status ?? 'none'}`,
  error: s.error instanceof Error ? `${s.error.name}: ${s.error.message}` : s.error,
  events: s.events.map((e) => `${e.type} #${e.seq} ${e.prevStatus} -> ${e.newStatus}`),
});

/** Asserts that no step of any generated trace breaks `rule`; a failure lists the offending steps. */
function forAllSteps(rule: (step: Step) => boolean): void {
  forAllTraces(({ steps }) => expect(steps.filter((s) => !rule(s)).map(describeStep)).toEqual([]));
}

const ALLOWED_PAYMENT: Record<OrderStatus, readonly (PaymentStatus | null)[]> = {
  PENDING: [null],
  RESERVED: [null, 'PROCESSING', 'HELD', 'FAILED'],
  PAID: ['CAPTURED'],
  CONFIRMED: ['CAPTURED'],
  CANCELED: [null, 'FAILED', 'VOIDED'],
  REFUNDED: ['REFUNDED'],
};

describe('Order state machine (properties over random command sequences)', () => {
  it('the status only moves along the transition table', () => {
    forAllSteps(({ before, after }) => after.status === before.status || canTransition(before.status, after.status));
  });

  it('the status reason changes only together with the status', () => {
    forAllSteps(({ before, after }) => after.status !== before.status || after.statusReason === before.statusReason);
  });

  it('a refused command throws a domain error, leaves the snapshot unchanged and records no event', () => {
    forAllSteps(
      (s) =>
        accepted(s) ||
        (s.error instanceof DomainError && json(s.after) === json(s.before) && s.events.length === 0),
    );
  });

  it('an accepted command bumps the version by exactly 1, sets updateTime and records an event', () => {
    forAllSteps(
      (s) =>
        !accepted(s) ||
        (s.after.version === s.before.version + 1 &&
          s.after.updateTime.getTime() === s.now.getTime() &&
          s.events.length > 0),
    );
  });

  it('order.status_changed seq is 1..n without gaps, one per status change including creation', () => {
    forAllTraces((t) => {
      const events = statusEvents(t);
      const changes = t.steps.filter((s) => s.after.status !== s.before.status).length;

      expect(events.map((e) => e.seq)).toEqual(seqs(changes + 1));
      expect(t.steps.at(-1)?.after.statusSeq ?? 1).toBe(changes + 1);
      expect(events.map((e) => e.prevStatus)).toEqual(chainedPrevStatuses(events));
    });
  });

  it('payment.status_changed seq is 1..m without gaps, one per payment change, along the payment table', () => {
    forAllTraces((t) => {
      const events = paymentEvents(t);
      const changes = t.steps.filter((s) => paymentKey(s.after) !== paymentKey(s.before)).length;

      expect(events.map((e) => e.seq)).toEqual(seqs(changes));
      expect(t.steps.at(-1)?.after.paymentSeq ?? 0).toBe(changes);
      expect(events.map((e) => e.prevStatus)).toEqual(chainedPrevStatuses(events));
      expect(events.filter((e) => !canPaymentTransition(e.prevStatus, e.newStatus))).toEqual([]);
    });
  });

  it('events describe the change they were recorded with', () => {
    forAllSteps(({ events, after, now }) =>
      events.every(
        (e) =>
          e.occurredAt.getTime() === now.getTime() &&
          e.orderId === after.id &&
          (e.type === 'order.status_changed'
            ? e.newStatus === after.status && e.reason === after.statusReason
            : e.paymentId === after.payment?.id &&
              e.newStatus === after.payment.status &&
              e.externalId === after.payment.transactionId),
      ),
    );
  });

  it('the payment status always fits the order status', () => {
    forAllSteps(({ after }) => ALLOWED_PAYMENT[after.status].includes(after.payment?.status ?? null));
  });

  it('a terminal status absorbs every command', () => {
    forAllSteps((s) => !isTerminal(s.before.status) || !accepted(s));
  });

  it('the amount always equals the sum of the items', () => {
    forAllSteps(
      ({ after }) =>
        after.amount.amountMinor === after.items.reduce((sum, i) => sum + i.unitPriceMinor * BigInt(i.qty), 0n),
    );
  });

  it('toSnapshot/restore round-trips, and a restored order continues exactly like the original', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), ({ create, commands }, cut) => {
        const split = commands.length === 0 ? 0 : cut % (commands.length + 1);
        const original = Order.create(create);
        original.pullEvents();
        replay(original, commands.slice(0, split));
        const snapshot = original.toSnapshot();
        const restored = Order.restore(snapshot);

        expect(json(restored.toSnapshot())).toBe(json(snapshot));
        expect(restored.peekEvents()).toEqual([]);
        expect(restored.persistedVersion).toBe(snapshot.version);

        const rest = commands.slice(split);
        const fromOriginal = replay(original, rest, split);
        const fromRestored = replay(restored, rest, split);
        const outcome = (steps: Step[]): string => json(steps.map((s) => [s.after, s.events]));
        expect(outcome(fromRestored)).toBe(outcome(fromOriginal));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches every order and payment status', () => {
    const orderSeen = new Set<OrderStatus>();
    const paymentSeen = new Set<PaymentStatus>();
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const { after } of trace(scenario).steps) {
          orderSeen.add(after.status);
          if (after.payment !== null) paymentSeen.add(after.payment.status);
        }
      }),
      { numRuns: NUM_RUNS },
    );

    expect([...orderSeen].sort()).toEqual([...ORDER_STATUSES].sort());
    expect([...paymentSeen].sort()).toEqual([...PAYMENT_STATUSES].sort());
  });
});
