import { Command } from '@nestjs/cqrs';
import { requestHash } from './request-hash.js';

interface Actor {
  readonly subject: string;
  readonly isAdmin: boolean;
}

class CreateThing extends Command<string> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly items: readonly { sku: string; qty: number; price?: { currency: string; amountMinor: bigint } }[],
    readonly currency?: string,
  ) {
    super();
  }
}

/** Same fields as {@link CreateThing}, another command. */
class CreateOtherThing extends Command<string> {
  constructor(
    readonly actor: Actor,
    readonly customerId: string,
    readonly items: readonly { sku: string; qty: number; price?: { currency: string; amountMinor: bigint } }[],
    readonly currency?: string,
  ) {
    super();
  }
}

class PayThing extends Command<string> {
  constructor(
    readonly orderId: string,
    readonly card: { readonly number: string; readonly expiry: string; readonly cvv: string },
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

const alice: Actor = { subject: 'alice', isAdmin: false };
const items = [
  { sku: 'P001', qty: 2, price: { currency: 'USD', amountMinor: 3350n } },
  { sku: 'P002', qty: 1 },
];
const base = (): CreateThing => new CreateThing(alice, 'alice', items.map((i) => ({ ...i })), 'USD');

describe('requestHash', () => {
  it('is a SHA-256 hex digest', () => {
    expect(requestHash(base())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same command class with the same fields (separately built)', () => {
    expect(requestHash(base())).toBe(requestHash(base()));
    expect(requestHash(new CreateThing({ isAdmin: false, subject: 'alice' }, 'alice', items, 'USD'))).toBe(requestHash(base()));
  });

  it('does not depend on the order of keys in nested objects', () => {
    const reordered = new CreateThing(
      { isAdmin: false, subject: 'alice' },
      'alice',
      [{ price: { amountMinor: 3350n, currency: 'USD' }, qty: 2, sku: 'P001' }, { qty: 1, sku: 'P002' }],
      'USD',
    );
    expect(requestHash(reordered)).toBe(requestHash(base()));
  });

  it('treats an undefined optional field as absent', () => {
    expect(requestHash(new CreateThing(alice, 'alice', items))).toBe(requestHash(new CreateThing(alice, 'alice', items, undefined)));
    expect(requestHash(new CreateThing(alice, 'alice', [{ sku: 'P002', qty: 1, price: undefined }]))).toBe(
      requestHash(new CreateThing(alice, 'alice', [{ sku: 'P002', qty: 1 }])),
    );
  });

  it.each([
    ['the actor', () => new CreateThing({ subject: 'bob', isAdmin: false }, 'alice', items, 'USD')],
    ['the admin flag', () => new CreateThing({ subject: 'alice', isAdmin: true }, 'alice', items, 'USD')],
    ['a top-level string', () => new CreateThing(alice, 'carol', items, 'USD')],
    ['an optional field set vs unset', () => new CreateThing(alice, 'alice', items)],
    ['an optional field value', () => new CreateThing(alice, 'alice', items, 'EUR')],
    ['a nested number', () => new CreateThing(alice, 'alice', [{ ...items[0]!, qty: 3 }, items[1]!], 'USD')],
    ['a nested bigint', () => new CreateThing(alice, 'alice', [{ ...items[0]!, price: { currency: 'USD', amountMinor: 3351n } }, items[1]!], 'USD')],
    ['the order of array elements', () => new CreateThing(alice, 'alice', [items[1]!, items[0]!], 'USD')],
    ['an extra array element', () => new CreateThing(alice, 'alice', [...items, { sku: 'P003', qty: 1 }], 'USD')],
    ['a missing array element', () => new CreateThing(alice, 'alice', [items[0]!], 'USD')],
  ])('changes when %s changes', (_label, changed) => {
    expect(requestHash(changed())).not.toBe(requestHash(base()));
  });

  it('differs between command classes with the same fields', () => {
    expect(requestHash(new CreateOtherThing(alice, 'alice', items, 'USD'))).not.toBe(requestHash(base()));
  });

  it('differs between a command and a plain object with its fields', () => {
    expect(requestHash({ ...base() })).not.toBe(requestHash(base()));
  });

  it('hashes bigint fields by value, including ones beyond 2^53', () => {
    const big = (n: bigint) => new CreateThing(alice, 'alice', [{ sku: 'P001', qty: 1, price: { currency: 'USD', amountMinor: n } }]);
    expect(() => requestHash(big(9_007_199_254_740_993n))).not.toThrow();
    expect(requestHash(big(9_007_199_254_740_993n))).toBe(requestHash(big(9_007_199_254_740_993n)));
    expect(requestHash(big(9_007_199_254_740_993n))).not.toBe(requestHash(big(9_007_199_254_740_992n)));
  });

  it('hashes dates by instant', () => {
    class At extends Command<void> {
      constructor(readonly at: Date) {
        super();
      }
    }
    expect(requestHash(new At(new Date('2026-01-01T00:00:00Z')))).toBe(requestHash(new At(new Date(Date.UTC(2026, 0, 1)))));
    expect(requestHash(new At(new Date('2026-01-01T00:00:00Z')))).not.toBe(requestHash(new At(new Date('2026-01-01T00:00:01Z'))));
  });

  it('tells apart payments with different card data or expected version', () => {
    const card = { number: '4111111111111111', expiry: '12/30', cvv: '123' };
    const pay = requestHash(new PayThing('o1', card, 1));

    expect(requestHash(new PayThing('o1', { ...card }, 1))).toBe(pay);
    expect(requestHash(new PayThing('o1', { ...card, number: '4000000000000002' }, 1))).not.toBe(pay);
    expect(requestHash(new PayThing('o1', { ...card, cvv: '124' }, 1))).not.toBe(pay);
    expect(requestHash(new PayThing('o1', card, 2))).not.toBe(pay);
    expect(requestHash(new PayThing('o1', card))).not.toBe(pay);
    expect(requestHash(new PayThing('o2', card, 1))).not.toBe(pay);
  });

  it('distinguishes null from an absent field', () => {
    class Opt extends Command<void> {
      constructor(readonly reason?: string | null) {
        super();
      }
    }
    expect(requestHash(new Opt(null))).not.toBe(requestHash(new Opt()));
  });
});

describe('requestHash with a command that names its own fingerprint', () => {
  class WithSecret {
    constructor(
      readonly orderId: string,
      readonly secret: string,
    ) {}
    idempotencyFingerprint(): object {
      return { orderId: this.orderId, secretTail: this.secret.slice(-4) };
    }
  }

  it('hashes the fingerprint, not the secret fields', () => {
    const a = requestHash(new WithSecret('o-1', '4111111111111111'));
    expect(requestHash(new WithSecret('o-1', '4000000000001111'))).toBe(a);
    expect(requestHash(new WithSecret('o-1', '4111111111112222'))).not.toBe(a);
    expect(requestHash(new WithSecret('o-2', '4111111111111111'))).not.toBe(a);
  });
});
