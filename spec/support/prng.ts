/**
 * mulberry32: a tiny seeded PRNG, so a randomized schedule can be replayed from its seed.
 * @returns a function giving numbers in [0, 1)
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized spec: `RACE_SEED` to replay one, else a new one (print it). */
export function raceSeed(): number {
  return Number(process.env.RACE_SEED ?? Date.now() % 2 ** 31);
}
