/**
 * A small deterministic generator (a linear congruential one), so a failing chaos run can be
 * repeated with the seed it printed (`OMS_CHAOS_SEED`). Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** The seed of this run: `OMS_CHAOS_SEED`, or one drawn from the clock (print it in the test name). */
export function chaosSeed(): number {
  return Number(process.env.OMS_CHAOS_SEED ?? Date.now() % 100_000);
}

/** A shuffled copy of `items` (Fisher-Yates), drawn from `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
