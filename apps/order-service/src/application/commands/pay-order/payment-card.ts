import { InvalidRequestError } from '../../application.errors.js';

/** What may be kept of a card: never the number or the CVV. */
export interface CardSummary {
  readonly brand: string;
  readonly last4: string;
}

const BRANDS: readonly [RegExp, string][] = [
  [/^4/, 'visa'],
  [/^(5[1-5]|2[2-7])/, 'mastercard'],
  [/^3[47]/, 'amex'],
  [/^6(011|5)/, 'discover'],
];

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Checks a card the way a gateway would before accepting it (Luhn, an expiry month not yet past,
 * a 3- or 4-digit CVV) and keeps only brand and last four digits.
 * @throws InvalidRequestError with field paths under `paymentDetails`
 */
export function summarizeCard(card: { number: string; expiry: string; cvv: string }, now: Date): CardSummary {
  const violations: { field: string; description: string }[] = [];
  const digits = card.number.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) {
    violations.push({ field: 'paymentDetails.cardNumber', description: 'is not a valid card number' });
  }
  const expiry = /^(0[1-9]|1[0-2])\/(\d{2})$/.exec(card.expiry);
  if (!expiry) {
    violations.push({ field: 'paymentDetails.expiryDate', description: 'must be MM/YY' });
  } else {
    const lastValidMonth = (2000 + Number(expiry[2])) * 12 + Number(expiry[1]) - 1;
    if (lastValidMonth < now.getUTCFullYear() * 12 + now.getUTCMonth()) {
      violations.push({ field: 'paymentDetails.expiryDate', description: 'the card has expired' });
    }
  }
  if (!/^\d{3,4}$/.test(card.cvv)) {
    violations.push({ field: 'paymentDetails.cvv', description: 'must be 3 or 4 digits' });
  }
  if (violations.length > 0) throw new InvalidRequestError(violations);
  const brand = BRANDS.find(([prefix]) => prefix.test(digits))?.[1] ?? 'unknown';
  return { brand, last4: digits.slice(-4) };
}
