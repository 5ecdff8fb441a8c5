/**
 * Whether `routingKey` matches the topic binding `pattern` with RabbitMQ's semantics: words are
 * separated by `.`, `*` stands for exactly one word and `#` for zero or more words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = words(pattern);
  const k = words(routingKey);
  // Memo over (pattern index, key index): several `#` would otherwise backtrack exponentially.
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const slot = i * (k.length + 1) + j;
    const known = memo.get(slot);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === k.length;
    else if (p[i] === '#') result = match(i + 1, j) || (j < k.length && match(i, j + 1));
    else result = j < k.length && (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
    memo.set(slot, result);
    return result;
  };
  return match(0, 0);
}

function words(value: string): string[] {
  return value === '' ? [] : value.split('.');
}
