/** What the simulated network does with a card; decided once, when the card is tokenized. */
export type CardBehaviour = 'approve' | 'decline' | 'insufficient_funds' | 'fail_first_attempt' | 'fail_capture';

/** The test cards of the contract (section 6); any other valid card is approved. */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = Object.freeze({
  '4111111111111111': 'approve',
  '4242424242424242': 'approve',
  '4000000000000002': 'decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000119': 'fail_first_attempt',
  '4000000000000341': 'fail_capture',
});

/** How the network treats the card `number` (digits only). */
export function behaviourOf(number: string): CardBehaviour {
  return TEST_CARDS[number] ?? 'approve';
}

const BRANDS: readonly [RegExp, string][] = [
  [/^4/, 'visa'],
  [/^(5[1-5]|2[2-7])/, 'mastercard'],
  [/^3[47]/, 'amex'],
  [/^6(011|5)/, 'discover'],
];

/** The card brand the number's prefix names, or `unknown`. */
export function brandOf(number: string): string {
  return BRANDS.find(([prefix]) => prefix.test(number))?.[1] ?? 'unknown';
}

/** The outcome the network gives `operation` on a card with `behaviour`. */
export function outcomeFor(
  behaviour: CardBehaviour,
  operation: 'hold' | 'capture' | 'void' | 'refund',
): { readonly succeeded: boolean; readonly failureReason: string } {
  if (operation === 'hold' && behaviour === 'decline') return { succeeded: false, failureReason: 'PAYMENT_DECLINED' };
  if (operation === 'hold' && behaviour === 'insufficient_funds') return { succeeded: false, failureReason: 'INSUFFICIENT_FUNDS' };
  if (operation === 'capture' && behaviour === 'fail_capture') return { succeeded: false, failureReason: 'CAPTURE_FAILED' };
  return { succeeded: true, failureReason: '' };
}
