/** Every string anywhere in a JSON value, with the key it sits under. */
function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') {
    yield [key, value];
    // jsonb and log fields may themselves hold JSON.
    if (/^[[{]/.test(value)) {
      try {
        yield* strings(JSON.parse(value), key);
      } catch {
        /* not JSON after all */
      }
    }
  } else if (Array.isArray(value)) {
    for (const item of value) yield* strings(item, key);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* strings(v, k);
  }
}

/** The card data a scan looks for: full card numbers and (preferably unusual) CVVs. */
export interface CardSecrets {
  readonly cards: readonly string[];
  readonly cvvs: readonly string[];
}

/**
 * What in `texts` (log lines, rows as JSON) reveals a card number or a CVV: a card number anywhere
 * (spaces and dashes ignored), a CVV as any JSON string value, or any `cvv` / `cardNumber` /
 * `card_number` field that is not `[REDACTED]`. Shared by payment-service's own scan and the
 * all-in-one one (apps/all-in-one/test/security).
 */
export function cardDataLeaks(texts: readonly string[], secrets: CardSecrets): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const pan of secrets.cards) {
      if (text.replace(/[ -]/g, '').includes(pan)) found.push(`card number ${pan} in ${text.slice(0, 200)}`);
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* a plain line */
    }
    for (const [key, value] of strings(parsed)) {
      if (secrets.cvvs.includes(value)) found.push(`CVV ${value} under "${key}" in ${text.slice(0, 200)}`);
      if (/^(cvv|cardNumber|card_number)$/i.test(key) && value !== '[REDACTED]') found.push(`${key}=${value} in ${text.slice(0, 200)}`);
    }
  }
  return found;
}
