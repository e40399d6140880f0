/**
 * Every default ts-rc applies, in one place. Internal names carry their unit (`…Ms`, `…Seconds`);
 * the public option that each one backs is named beside it.
 */
export const DEFAULTS = {
  /** `prefix`: first key segment. */
  prefix: 'cache',
  /** `version`: second key segment. */
  version: 'v1',
  /** `defaultTtl` (s). */
  ttlSeconds: 300,
  /** `useJitter`. */
  useJitter: true,
  /** `jitterPercent`: a fraction (0.1 = ±10%). */
  jitterPercent: 0.1,
  /** `maxValueBytes`: entries larger than this are neither written nor decoded. */
  maxValueBytes: 1024 * 1024,
  /** `lock: true` = `{ ttl: 10000, wait: 5000 }` (ms). */
  lock: { ttlMs: 10_000, waitMs: 5_000 },
  /** `circuitBreaker`: `{ failureThreshold, cooldown (ms) }`. */
  circuitBreaker: { failureThreshold: 5, cooldownMs: 5_000 },
  /** `maxConnections`. */
  maxConnections: 1,
  /** `socketTimeout` (ms); also the default `commandTimeout`. */
  socketTimeoutMs: 5_000,
  /** `socketConnectTimeout` (ms). */
  socketConnectTimeoutMs: 2_000,
  /** `healthCheckInterval` (s). */
  healthCheckIntervalSeconds: 30,
  /** `retryBaseDelay` (ms). */
  retryBaseDelayMs: 50,
  /** `retryMaxDelay` (ms). */
  retryMaxDelayMs: 2_000,
  /**
   * `autoPipelining`: off, because it makes every lone command wait for a flush (sequential hits
   * ~20–40% slower here), while ts-rc coalesces the GETs of one tick itself (client/get-batcher.ts).
   */
  autoPipelining: false,
  /**
   * How long an eviction fence lives (ms, not an option). Fences are random tokens, so a fence
   * that expires (or is lost) refuses the writes of loads that read it: its lifetime only bounds
   * how long a load may take and still store its value, and collects the garbage.
   */
  fenceTtlMs: 60_000,
} as const;
