/** A source of numbers in [0, 1); `Math.random` unless a test passes its own. */
export type Random = () => number;

/**
 * A TTL spread by ±`jitterPercent` so entries written together don't expire together.
 * @param baseTtl seconds
 * @param jitterPercent a fraction: 0.1 means ±10%
 * @returns whole seconds, never below 1
 * @example getTtlWithJitter(300) // an integer in 270..330
 */
export function getTtlWithJitter(baseTtl: number, jitterPercent = 0.1, random: Random = Math.random): number {
  return Math.max(1, Math.round(jitter(baseTtl, jitterPercent, random)));
}

/** The same spread in milliseconds, so sub-second TTLs (tests, short-lived entries) keep their size. */
export function ttlToMs(ttlSeconds: number, jitterPercent: number, random: Random = Math.random): number {
  const seconds = jitterPercent > 0 ? jitter(ttlSeconds, jitterPercent, random) : ttlSeconds;
  return Math.max(1, Math.round(seconds * 1000));
}

function jitter(base: number, percent: number, random: Random): number {
  return base * (1 + (2 * random() - 1) * percent);
}
