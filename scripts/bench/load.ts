import { perSecond, summarize, type Completion, type LatencySummary, type SecondPoint } from './stats.js';

/** What a load phase reports: throughput, latency, errors, and the same per second. */
export interface LoadResult {
  readonly name: string;
  /** `closed` (fixed concurrency) or `open` (fixed arrival rate). */
  readonly model: 'closed' | 'open';
  readonly concurrency?: number;
  /** Requests per second offered (open model). */
  readonly offeredRate?: number;
  readonly durationS: number;
  readonly ok: number;
  readonly errors: number;
  /** Successful responses per second over the phase. */
  readonly throughput: number;
  /** Latency of the successful responses, ms (open model: from the scheduled send time). */
  readonly latency: LatencySummary;
  readonly series: SecondPoint[];
  /** A few distinct error descriptions, to tell what failed. */
  readonly errorSamples: string[];
}

/** Collects completions of one phase; `result()` summarises them. */
export class Recorder {
  private readonly completions: Completion[] = [];
  private readonly errorSamples = new Set<string>();
  readonly t0 = performance.now();

  /** Completions recorded so far. */
  get count(): number {
    return this.completions.length;
  }

  /** Records a request that was due (or sent) at `startMs` (performance.now()) and ended now. */
  record(startMs: number, ok: boolean, error?: string): void {
    const now = performance.now();
    this.completions.push({ endMs: now - this.t0, latencyMs: now - startMs, ok });
    if (!ok && error && this.errorSamples.size < 5) this.errorSamples.add(error);
  }

  /** Records a completion whose latency is known (autocannon reports it). */
  recordLatency(latencyMs: number, ok: boolean, error?: string): void {
    this.record(performance.now() - latencyMs, ok, error);
  }

  result(meta: { name: string; model: 'closed' | 'open'; concurrency?: number; offeredRate?: number }, durationS: number): LoadResult {
    const ok = this.completions.filter((c) => c.ok);
    return {
      ...meta,
      durationS,
      ok: ok.length,
      errors: this.completions.length - ok.length,
      throughput: ok.length / durationS,
      latency: summarize(ok.map((c) => c.latencyMs)),
      series: perSecond(this.completions, durationS),
      errorSamples: [...this.errorSamples],
    };
  }
}

/** One request: resolves with an error description, or undefined on success. */
export type Send = () => Promise<string | undefined>;

async function timed(send: Send): Promise<string | undefined> {
  try {
    return await send();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Closed loop: `concurrency` workers, each sending its next request when the previous one answered. */
export async function closedLoop(send: Send, concurrency: number, durationS: number, recorder = new Recorder()): Promise<Recorder> {
  const end = recorder.t0 + durationS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      const error = await timed(send);
      recorder.record(start, error === undefined, error);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return recorder;
}

/**
 * Open loop: request i is due at t0 + i/rate whatever happened to the others, and its latency is
 * counted from that due time, so a stall shows up in the latency of every request it delayed
 * (no coordinated omission). A timer wakes every millisecond and sends everything that is due.
 */
export async function openLoop(send: Send, rate: number, durationS: number, recorder = new Recorder()): Promise<Recorder> {
  const total = Math.floor(rate * durationS);
  const intervalMs = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && recorder.t0 + next * intervalMs <= now) {
        const due = recorder.t0 + next * intervalMs;
        next++;
        const p: Promise<void> = timed(send).then((error) => {
          recorder.record(due, error === undefined, error);
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  return recorder;
}
