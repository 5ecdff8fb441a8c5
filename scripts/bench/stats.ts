/**
 * The arithmetic of the benchmark, kept pure so it can be unit-tested: percentiles, per-second
 * series, the slope that tells a growing backlog, and the ratios against the machine's limits.
 */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is not in 0..100`);
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** p50/p90/p99/max/mean of latencies in ms (one sort). */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (p: number) => (n === 0 ? Number.NaN : sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1]!);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(50), p90: at(90), p99: at(99), max: n ? sorted[n - 1]! : Number.NaN, mean: n ? sum / n : Number.NaN };
}

/** One second of a load phase: completions and the latency of what completed in it. */
export interface SecondPoint {
  /** Seconds since the phase started (the bucket's start). */
  readonly t: number;
  /** Successful completions per second. */
  readonly rate: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
}

/** A completion: when it ended (ms since the phase started), its latency, success. */
export interface Completion {
  readonly endMs: number;
  readonly latencyMs: number;
  readonly ok: boolean;
}

/** Buckets completions into whole seconds [0, durationS). Later completions fall in the last bucket. */
export function perSecond(completions: readonly Completion[], durationS: number): SecondPoint[] {
  const buckets = Array.from({ length: Math.max(1, Math.ceil(durationS)) }, () => ({ ok: [] as number[], errors: 0 }));
  for (const c of completions) {
    const i = Math.min(buckets.length - 1, Math.max(0, Math.floor(c.endMs / 1000)));
    if (c.ok) buckets[i]!.ok.push(c.latencyMs);
    else buckets[i]!.errors++;
  }
  return buckets.map((b, t) => {
    const s = summarize(b.ok);
    return { t, rate: b.ok.length, errors: b.errors, p50: s.p50, p99: s.p99 };
  });
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Whether a backlog sampled over time keeps growing: over the second half of the samples, the
 * least-squares slope exceeds `minSlopePerS` items/s AND the last sample is above every sample of
 * the first half (a saw-tooth that returns to its level is not growth).
 */
export function backlogGrows(samples: readonly { t: number; total: number }[], minSlopePerS = 1): boolean {
  if (samples.length < 4) return false;
  const half = Math.floor(samples.length / 2);
  const secondHalf = samples.slice(half).map((s) => ({ x: s.t, y: s.total }));
  const firstHalfMax = Math.max(...samples.slice(0, half).map((s) => s.total));
  return slope(secondHalf) > minSlopePerS && samples.at(-1)!.total > firstHalfMax;
}

/** `measured / reference`, NaN when the reference is not a positive number. */
export function ratio(measured: number, reference: number): number {
  return reference > 0 && Number.isFinite(reference) ? measured / reference : Number.NaN;
}

/**
 * The saga's ceiling set by the database: a 3-statement transaction's commits/s divided by the
 * commits one order spends. The saga ratio is orders/s over this.
 */
export function sagaCeiling(commitsPerSecond: number, commitsPerOrder: number): number {
  return commitsPerOrder > 0 ? commitsPerSecond / commitsPerOrder : Number.NaN;
}

/** Rounds for display and JSON (NaN stays NaN; JSON turns it into null). */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
