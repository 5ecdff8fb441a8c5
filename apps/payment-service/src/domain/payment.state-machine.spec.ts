import fc from 'fast-check';
import { DomainError } from '#libs/ddd';
import { startProps, T0 } from '../../test/fakes/payment-fixtures.js';
import { Payment, type RequestDecision } from './payment.aggregate.js';
import type { PaymentEvent } from './payment.events.js';
import type { PaymentSnapshot } from './payment.snapshot.js';
import { canTransition, isTerminal, PAYMENT_OPERATIONS, PAYMENT_STATUSES, type PaymentOperation, type PaymentStatus } from './payment-status.js';

type Command =
  | { readonly kind: 'capture' }
  | { readonly kind: 'void'; readonly reason: string }
  | { readonly kind: 'refund'; readonly reason: string }
  /** The gateway answers whatever is pending (or, with nothing pending, a hold). */
  | { readonly kind: 'answerPending'; readonly succeeded: boolean; readonly reason: string }
  /** An arbitrary, possibly stale or contradicting, gateway outcome. */
  | { readonly kind: 'outcome'; readonly operation: PaymentOperation; readonly succeeded: boolean; readonly reason: string };

interface Step {
  readonly command: Command;
  readonly now: Date;
  readonly before: PaymentSnapshot;
  readonly after: PaymentSnapshot;
  readonly decision: RequestDecision | boolean | undefined;
  readonly error: unknown;
  readonly events: readonly PaymentEvent[];
}

const reasonArb = fc.constantFrom('', 'PAYMENT_DECLINED', 'INSUFFICIENT_FUNDS', 'CAPTURE_FAILED', 'PAYMENT_TIMEOUT');
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'capture' as const }) },
  { weight: 2, arbitrary: reasonArb.map((reason) => ({ kind: 'void' as const, reason })) },
  { weight: 2, arbitrary: reasonArb.map((reason) => ({ kind: 'refund' as const, reason })) },
  {
    weight: 5,
    arbitrary: fc
      .record({ succeeded: fc.boolean(), reason: reasonArb })
      .map((r) => ({ kind: 'answerPending' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ operation: fc.constantFrom(...PAYMENT_OPERATIONS), succeeded: fc.boolean(), reason: reasonArb })
      .map((r) => ({ kind: 'outcome' as const, ...r })),
  },
);
const commandsArb = fc.array(commandArb, { maxLength: 30, size: 'max' });

function apply(payment: Payment, command: Command, now: Date): RequestDecision | boolean {
  switch (command.kind) {
    case 'capture':
      return payment.requestCapture(now);
    case 'void':
      return payment.requestVoid(command.reason, now);
    case 'refund':
      return payment.requestRefund(command.reason, now);
    case 'answerPending': {
      const operation = payment.pendingOperation ?? 'hold';
      return payment.recordOutcome({ operation, succeeded: command.succeeded, failureReason: command.reason, transactionId: 'txn' }, now);
    }
    case 'outcome':
      return payment.recordOutcome({ operation: command.operation, succeeded: command.succeeded, failureReason: command.reason }, now);
  }
}

function replay(payment: Payment, commands: readonly Command[], startAt = 0): Step[] {
  return commands.map((command, i) => {
    const now = new Date(T0.getTime() + (startAt + i + 1) * 1000);
    const before = payment.toSnapshot();
    let decision: RequestDecision | boolean | undefined;
    let error: unknown;
    try {
      decision = apply(payment, command, now);
    } catch (e) {
      error = e;
    }
    return { command, now, before, after: payment.toSnapshot(), decision, error, events: payment.pullEvents() };
  });
}

function trace(commands: readonly Command[]): Step[] {
  const payment = Payment.start(startProps());
  payment.pullEvents();
  return replay(payment, commands);
}

const NUM_RUNS = 500;
const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
const changed = (s: Step): boolean => json(s.after) !== json(s.before);
const describeStep = (s: Step): string =>
  `${JSON.stringify(s.command)}: ${s.before.status}/${s.before.pendingOperation} -> ${s.after.status}/${s.after.pendingOperation}` +
  (s.error instanceof Error ? ` (${s.error.message})` : ` = ${String(s.decision)}`);

/** Asserts `check` on every generated trace. */
function forAllTraces(check: (steps: Step[]) => void): void {
  fc.assert(fc.property(commandsArb, (commands) => check(trace(commands))), { numRuns: NUM_RUNS });
}

/** Asserts that no step of any generated trace breaks `rule`; a failure lists the offending steps. */
function forAllSteps(rule: (step: Step) => boolean): void {
  forAllTraces((steps) => expect(steps.filter((s) => !rule(s)).map(describeStep)).toEqual([]));
}

describe('Payment state machine (properties over random command sequences)', () => {
  it('the status only moves along the transition table', () => {
    forAllSteps(({ before, after }) => after.status === before.status || canTransition(before.status, after.status));
  });

  it('is never captured twice: CAPTURED is entered at most once, the capture asked of the gateway at most once', () => {
    forAllTraces((steps) => {
      expect(steps.filter((s) => s.after.status === 'CAPTURED' && s.before.status !== 'CAPTURED').length).toBeLessThanOrEqual(1);
      const captureRequests = steps.flatMap((s) => s.events).filter((e) => e.type === 'payment.operation_requested' && e.operation === 'capture');
      expect(captureRequests.length).toBeLessThanOrEqual(1);
    });
  });

  it('refunds only after a capture, never more than was captured, never more than the amount', () => {
    forAllSteps(
      ({ before, after, events }) =>
        (after.status !== 'REFUNDED' || before.status === 'REFUNDED' || before.status === 'CAPTURED') &&
        events.every((e) => e.type !== 'payment.operation_requested' || e.operation !== 'refund' || before.status === 'CAPTURED') &&
        after.refundedMinor <= after.capturedMinor &&
        after.capturedMinor <= after.amount.amountMinor &&
        (after.capturedMinor === 0n) === (after.status !== 'CAPTURED' && after.status !== 'REFUNDED'),
    );
  });

  it('terminal statuses absorb every request and outcome', () => {
    forAllSteps((s) => !isTerminal(s.before.status) || !changed(s));
  });

  it('a refused command throws a domain error, changes nothing and records no event', () => {
    forAllSteps((s) => s.error === undefined || (s.error instanceof DomainError && !changed(s) && s.events.length === 0));
  });

  it('a change bumps the version by exactly 1, sets updateTime and records one event; a repeat changes nothing', () => {
    forAllSteps((s) =>
      changed(s)
        ? s.after.version === s.before.version + 1 && s.after.updateTime.getTime() === s.now.getTime() && s.events.length === 1
        : s.events.length === 0 && (s.decision === undefined || s.decision === false || s.decision === 'in_flight' || s.decision === 'settled'),
    );
  });

  it('a repeated request right after any step is never a second effect', () => {
    forAllTraces((steps) => {
      for (const step of steps.filter((s) => s.command.kind !== 'answerPending' && s.command.kind !== 'outcome' && s.error === undefined)) {
        const payment = Payment.restore(step.after);
        const [again] = replay(payment, [step.command]);
        expect(changed(again!)).toBe(false);
        expect(again!.decision === 'in_flight' || again!.decision === 'settled').toBe(true);
      }
    });
  });

  it('at most one operation is pending, and only in a status it can settle from', () => {
    const pendingIn: Record<PaymentOperation, readonly PaymentStatus[]> = {
      hold: ['PROCESSING'],
      capture: ['HELD'],
      void: ['HELD', 'CAPTURE_FAILED'],
      refund: ['CAPTURED'],
    };
    forAllSteps(({ after }) => (after.pendingOperation === null ? after.status !== 'PROCESSING' : pendingIn[after.pendingOperation].includes(after.status)));
  });

  it('toSnapshot/restore round-trips, and a restored payment continues exactly like the original', () => {
    fc.assert(
      fc.property(commandsArb, fc.nat(), (commands, cut) => {
        const split = commands.length === 0 ? 0 : cut % (commands.length + 1);
        const original = Payment.start(startProps());
        original.pullEvents();
        replay(original, commands.slice(0, split));
        const restored = Payment.restore(original.toSnapshot());
        const outcome = (steps: Step[]): string => json(steps.map((s) => [s.after, s.events, s.decision]));

        expect(outcome(replay(restored, commands.slice(split), split))).toBe(outcome(replay(original, commands.slice(split), split)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches every status', () => {
    const seen = new Set<PaymentStatus>();
    fc.assert(
      fc.property(commandsArb, (commands) => {
        for (const { after } of trace(commands)) seen.add(after.status);
      }),
      { numRuns: NUM_RUNS },
    );
    expect([...seen].sort()).toEqual([...PAYMENT_STATUSES].sort());
  });
});
