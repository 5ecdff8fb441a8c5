import { topicMatches } from './topic-pattern.js';

describe('topicMatches (RabbitMQ topic semantics)', () => {
  it.each([
    ['inventory.reserve', 'inventory.reserve', true],
    ['inventory.reserve', 'inventory.release', false],
    ['inventory.*', 'inventory.reserve', true],
    ['inventory.*', 'inventory', false],
    ['inventory.*', 'inventory.reserve.result', false],
    ['*.reserve', 'inventory.reserve', true],
    ['#', 'inventory.reserve.result', true],
    ['#', 'x', true],
    ['#', '', true],
    ['inventory.#', 'inventory', true],
    ['inventory.#', 'inventory.reserve.result', true],
    ['inventory.#', 'payment.capture', false],
    ['#.result', 'inventory.reserve.result', true],
    ['#.result', 'result', true],
    ['#.result', 'inventory.reserve', false],
    ['*.*.result', 'payment.hold.result', true],
    ['*.*.result', 'payment.result', false],
    ['a.#.b.#.c', 'a.x.b.y.z.c', true],
    ['a.#.b.#.c', 'a.b.c', true],
    ['a.#.b.#.c', 'a.c', false],
    ['*', '', false],
    ['', '', true],
  ])('%s vs %s -> %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it('stays fast with many wildcards', () => {
    const key = Array.from({ length: 60 }, () => 'w').join('.');
    expect(topicMatches('#.#.#.#.#.#.#.#.x', key)).toBe(false);
  });
});
