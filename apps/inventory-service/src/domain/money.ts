import { InvalidMoneyError } from './inventory.errors.js';

const CURRENCY = /^[A-Z]{3}$/;
// Amounts travel as proto int64 and are stored as PostgreSQL bigint.
const MAX_MINOR = 2n ** 63n - 1n;

/**
 * An immutable, non-negative amount in minor units (cents) of an ISO 4217 currency: a product's
 * unit price. inventory-service's own copy; services share the wire format, never domain classes.
 */
export class Money {
  readonly amountMinor: bigint;
  readonly currency: string;

  private constructor(amountMinor: bigint, currency: string) {
    this.amountMinor = amountMinor;
    this.currency = currency;
    Object.freeze(this);
  }

  /** @throws InvalidMoneyError unless 0 <= amountMinor <= 2^63-1 and currency is three capital letters */
  static of(amountMinor: bigint, currency: string): Money {
    if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
      throw new InvalidMoneyError(`Currency "${String(currency)}" is not an ISO 4217 code (three capital letters)`, {
        currency: String(currency),
      });
    }
    if (typeof amountMinor !== 'bigint' || amountMinor < 0n || amountMinor > MAX_MINOR) {
      throw new InvalidMoneyError(
        `Amount ${String(amountMinor)} ${currency} is not a whole number of minor units between 0 and ${MAX_MINOR}`,
        { amountMinor: String(amountMinor), currency },
      );
    }
    return new Money(amountMinor, currency);
  }

  /** Same amount in the same currency. */
  equals(other: Money): boolean {
    return this.amountMinor === other.amountMinor && this.currency === other.currency;
  }

  /** E.g. `3350 USD`; minor units, because the number of decimals varies by currency. */
  toString(): string {
    return `${this.amountMinor} ${this.currency}`;
  }
}
