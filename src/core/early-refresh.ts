import type { Random } from './ttl.js';

/**
 * Probabilistic early expiration ("XFetch", Vattani et al., VLDB 2015): refresh before the
 * entry expires with a probability that grows as expiry nears and with how slow the value is
 * to compute, so one caller among many refreshes a hot key, without a herd.
 * @param now epoch ms
 * @param expiresAt epoch ms, the entry's logical expiry
 * @param deltaMs how long the last computation took
 * @param beta 0 < β ≤ 1; larger refreshes earlier
 */
export function shouldRefreshEarly(
  now: number,
  expiresAt: number,
  deltaMs: number,
  beta: number,
  random: Random = Math.random,
): boolean {
  // -ln(r) is exponentially distributed (mean 1): usually small, now and then large.
  return now - deltaMs * beta * Math.log(1 - random()) >= expiresAt;
}
