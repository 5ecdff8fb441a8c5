import { DEFAULT_NOW, paymentIn, paymentWorld, rejection, type PaymentFixture } from '../../../../test/fakes/index.js';
import type { GatewayOutcome } from '../../../domain/payment.aggregate.js';
import { IllegalTransitionError } from '../../../domain/payment.errors.js';
import { ConcurrentModificationError, PaymentNotFoundError } from '../../application.errors.js';
import { ApplyGatewayCallbackCommand } from './apply-gateway-callback.command.js';
import { ApplyGatewayCallbackHandler } from './apply-gateway-callback.handler.js';

function setup(fixture: PaymentFixture) {
  const w = paymentWorld();
  w.payments.seed(paymentIn(fixture, { id: 'pay-1', orderId: 'order-1' }));
  const apply = (outcome: GatewayOutcome, callbackId = 'cb-1') =>
    w.callback.execute(new ApplyGatewayCallbackCommand(callbackId, 'pay-1', outcome));
  return { ...w, apply, before: w.payments.stored('pay-1') };
}

describe('ApplyGatewayCallbackHandler', () => {
  it('a successful hold: HELD, and payment.hold.result replies the record', async () => {
    const w = setup('PROCESSING');

    const result = await w.apply({ operation: 'hold', succeeded: true, transactionId: 'txn-7' });

    expect(result).toMatchObject({ replayed: false, applied: true, payment: { status: 'HELD', transactionId: 'txn-7', updateTime: DEFAULT_NOW.toISOString() } });
    expect(w.payments.stored('pay-1')).toMatchObject({ status: 'HELD', pendingOperation: null, version: 2 });
    expect(w.results.replies).toEqual([{ operation: 'hold', payment: result.payment }]);
  });

  it.each(['PAYMENT_DECLINED', 'INSUFFICIENT_FUNDS'])('a declined hold (%s): FAILED with the reason, replied', async (reason) => {
    const w = setup('PROCESSING');

    await w.apply({ operation: 'hold', succeeded: false, failureReason: reason });

    expect(w.results.replies).toEqual([{ operation: 'hold', payment: expect.objectContaining({ status: 'FAILED', failureReason: reason }) }]);
  });

  it('a failed capture: CAPTURE_FAILED (still held), replied on payment.capture.result', async () => {
    const w = setup('CAPTURING');

    await w.apply({ operation: 'capture', succeeded: false, failureReason: 'CAPTURE_FAILED' });

    expect(w.results.replies).toEqual([
      { operation: 'capture', payment: expect.objectContaining({ status: 'CAPTURE_FAILED', failureReason: 'CAPTURE_FAILED' }) },
    ]);
  });

  it.each<[PaymentFixture, GatewayOutcome, string]>([
    ['CAPTURING', { operation: 'capture', succeeded: true }, 'CAPTURED'],
    ['VOIDING', { operation: 'void', succeeded: true }, 'VOIDED'],
    ['REFUNDING', { operation: 'refund', succeeded: true }, 'REFUNDED'],
  ])('%s + %o -> %s, replied', async (fixture, outcome, status) => {
    const w = setup(fixture);

    await w.apply(outcome);

    expect(w.results.replies).toEqual([{ operation: outcome.operation, payment: expect.objectContaining({ status }) }]);
  });

  it('reports the gateway latency of an applied answer once, measured from the request', async () => {
    const w = setup('PROCESSING');
    const answers: unknown[] = [];
    const handler = new ApplyGatewayCallbackHandler(w.payments, w.inbox, w.results, w.uow, w.clock, {
      answered: (...args: unknown[]) => void answers.push(args),
    });
    w.clock.advance(1_500);
    const command = new ApplyGatewayCallbackCommand('cb-9', 'pay-1', { operation: 'hold', succeeded: false, failureReason: 'PAYMENT_DECLINED' });
    await handler.execute(command);
    await handler.execute(command);
    const requestedAt = new Date(w.before!.updateTime).getTime();
    expect(answers).toEqual([['hold', false, (DEFAULT_NOW.getTime() + 1_500 - requestedAt) / 1000]]);
  });

  it('a replayed callback id changes nothing and replies nothing', async () => {
    const w = setup('PROCESSING');
    await w.apply({ operation: 'hold', succeeded: true });
    const afterFirst = w.payments.stored('pay-1');

    const replay = await w.apply({ operation: 'hold', succeeded: false, failureReason: 'PAYMENT_DECLINED' });

    expect(replay).toMatchObject({ replayed: true, applied: false, payment: { status: 'HELD' } });
    expect(w.payments.stored('pay-1')).toEqual(afterFirst);
    expect(w.results.replies).toHaveLength(1);
  });

  it('an outcome already reflected (another callback id) is accepted without a change or reply', async () => {
    const w = setup('HELD');

    expect(await w.apply({ operation: 'hold', succeeded: true }, 'cb-2')).toMatchObject({ replayed: false, applied: false });
    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.results.replies).toEqual([]);
  });

  it('a contradicting outcome is refused and forgotten, so nothing at all changes', async () => {
    const w = setup('VOIDED');

    await rejection(w.apply({ operation: 'capture', succeeded: true }), IllegalTransitionError);

    expect(w.payments.stored('pay-1')).toEqual(w.before);
    expect(w.inbox.claimed.size).toBe(0);
    expect(w.results.replies).toEqual([]);
  });

  it('an unknown payment is NOT_FOUND and leaves the callback unclaimed for a later delivery', async () => {
    const w = paymentWorld();

    await rejection(w.callback.execute(new ApplyGatewayCallbackCommand('cb-1', 'nope', { operation: 'hold', succeeded: true })), PaymentNotFoundError);

    expect(w.inbox.claimed.size).toBe(0);
  });

  it('a lost race rolls back the claim and the reply, so the redelivery applies', async () => {
    const w = setup('PROCESSING');
    const original = w.payments.update.bind(w.payments);
    w.payments.update = async () => {
      throw new ConcurrentModificationError('pay-1');
    };

    await rejection(w.apply({ operation: 'hold', succeeded: true }), ConcurrentModificationError);
    expect([w.inbox.claimed.size, w.results.replies.length]).toEqual([0, 0]);

    w.payments.update = original;
    expect(await w.apply({ operation: 'hold', succeeded: true })).toMatchObject({ applied: true });
  });
});
