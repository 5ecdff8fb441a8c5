import { DomainError } from '#libs/ddd';
import type { Money } from '../domain/money.js';

/** ISO 4217 currencies whose minor unit is not a hundredth. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BHD: 3, BIF: 0, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0, KWD: 3,
  LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
};

const DECIMAL = /^(\d{1,19})(?:\.(\d{1,19}))?$/;

/** Decimal places of `currency`'s minor unit (2 unless ISO 4217 says otherwise). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** `amount` in major units with the currency's decimals, e.g. `100.50` for 10050 USD. */
export function formatMajor(amount: Money): string {
  const digits = minorDigits(amount.currency);
  if (digits === 0) return amount.amountMinor.toString();
  const text = amount.amountMinor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * A decimal in major units (`"100.5"`) as minor units of `currency`, or `undefined` when it is not a
 * plain non-negative decimal or has more non-zero decimals than the currency's minor unit.
 */
export function toMinorUnits(decimal: string, currency: string): bigint | undefined {
  const match = DECIMAL.exec(decimal);
  if (!match) return undefined;
  const digits = minorDigits(currency);
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(digits))) return undefined;
  return BigInt(match[1]! + fraction.slice(0, digits).padEnd(digits, '0'));
}

/** The amount a client stated (an order total, a payment amount) differs from the order's. */
export class AmountMismatchError extends DomainError {
  readonly code = 'AMOUNT_MISMATCH';

  constructor(stated: string, actual: Money) {
    super(`the stated amount ${stated} does not equal the order amount ${formatMajor(actual)} ${actual.currency}`, {
      stated,
      amount: formatMajor(actual),
      currency: actual.currency,
    });
  }
}

/**
 * A client may state the amount it expects to pay, in major units of the order's currency
 * (`"100.50"`); it must equal the order's amount exactly, compared in minor units.
 * @throws AmountMismatchError otherwise
 */
export function assertStatedAmount(actual: Money, stated: string): void {
  if (toMinorUnits(stated, actual.currency) !== actual.amountMinor) throw new AmountMismatchError(stated, actual);
}
