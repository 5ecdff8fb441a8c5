import { InvalidRequestError } from '../../application.errors.js';
import type { CardDetails } from '../../ports/card-gateway.port.js';

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
 * Checks a card before it is sent to the gateway (Luhn, an expiry month not yet past, a 3- or
 * 4-digit CVV) and returns it with the number's spaces and dashes removed. No message ever
 * echoes the number or the CVV.
 * @throws InvalidRequestError with field paths under `paymentDetails`
 */
export function checkCard(card: CardDetails, now: Date): CardDetails {
  const violations: { field: string; description: string }[] = [];
  const number = card.number.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    violations.push({ field: 'paymentDetails.cardNumber', description: 'is not a valid card number' });
  }
  const expiry = /^(0[1-9]|1[0-2])\/(\d{2})$/.exec(card.expiry);
  if (!expiry) {
    violations.push({ field: 'paymentDetails.expiryDate', description: 'must be MM/YY' });
  } else if ((2000 + Number(expiry[2])) * 12 + Number(expiry[1]) - 1 < now.getUTCFullYear() * 12 + now.getUTCMonth()) {
    violations.push({ field: 'paymentDetails.expiryDate', description: 'the card has expired' });
  }
  if (!/^\d{3,4}$/.test(card.cvv)) violations.push({ field: 'paymentDetails.cvv', description: 'must be 3 or 4 digits' });
  if (violations.length > 0) throw new InvalidRequestError(violations);
  return { number, expiry: card.expiry, cvv: card.cvv };
}
