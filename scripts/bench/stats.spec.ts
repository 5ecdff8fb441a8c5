import { backlogGrows, percentile, perSecond, ratio, sagaCeiling, slope, summarize } from './stats.js';

describe('bench stats', () => {
  it('percentile is nearest-rank', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(xs, 101)).toThrow(RangeError);
  });

  it('p99 of 1..1000 is 990, and summarize agrees with percentile', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const s = summarize(xs);
    expect(s).toMatchObject({ count: 1000, p50: 500, p90: 900, p99: 990, max: 1000, mean: 500.5 });
    expect(s.p99).toBe(percentile(xs, 99));
  });

  it('perSecond buckets completions by end time and counts errors apart', () => {
    const series = perSecond(
      [
        { endMs: 10, latencyMs: 4, ok: true },
        { endMs: 999, latencyMs: 6, ok: true },
        { endMs: 1000, latencyMs: 8, ok: false },
        { endMs: 1500, latencyMs: 2, ok: true },
        { endMs: 5000, latencyMs: 1, ok: true }, // after the end: last bucket
      ],
      2,
    );
    expect(series).toEqual([
      { t: 0, rate: 2, errors: 0, p50: 4, p99: 6 },
      { t: 1, rate: 2, errors: 1, p50: 1, p99: 2 },
    ]);
  });

  it('slope is the least-squares fit', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 7 }])).toBe(0);
  });

  it('a backlog grows only when it rises steadily past its earlier level', () => {
    const flat = Array.from({ length: 20 }, (_, t) => ({ t, total: t % 2 ? 30 : 0 }));
    const rising = Array.from({ length: 20 }, (_, t) => ({ t, total: 10 * t }));
    const drained = Array.from({ length: 20 }, (_, t) => ({ t, total: t < 10 ? 100 : 100 - t }));
    expect(backlogGrows(flat)).toBe(false);
    expect(backlogGrows(rising)).toBe(true);
    expect(backlogGrows(drained)).toBe(false);
  });

  it('ratios and the saga ceiling', () => {
    expect(ratio(1800, 3000)).toBeCloseTo(0.6);
    expect(ratio(1, 0)).toBeNaN();
    expect(sagaCeiling(3300, 11)).toBeCloseTo(300);
    expect(sagaCeiling(3300, 0)).toBeNaN();
  });
});
