import { z } from 'zod';
import { configError, definedOnly } from '../core/config-error.js';
import { CacheConfigError } from '../errors.js';

/** Stampede and stale-serving options, on a service, per `getOrSet` call and on `@Cached`. */
export interface ResilienceOptions {
  /**
   * Distributed single-flight: one process computes a missing value while others wait for it.
   * `ttl`: how long the lock is held at most (ms); `wait`: how long others wait before computing
   * it themselves (ms). @default false (`true` = { ttl: 10000, wait: 5000 })
   */
  lock?: boolean | { ttl?: number | undefined; wait?: number | undefined } | undefined;
  /** Seconds an expired entry is kept to be served when the factory fails. @default 0 */
  grace?: number | undefined;
  /** ms: with a stale value at hand, return it if the factory is slower, and refresh in the background. */
  softTimeout?: number | undefined;
  /** 0 < β ≤ 1: refresh hot keys early, with a probability that grows near expiry. @default off */
  earlyRefresh?: number | undefined;
}

/** Resolved once per service (and per call only when a call overrides something). */
export interface LoadPolicy {
  lock: { ttl: number; wait: number } | false;
  graceMs: number;
  softTimeout: number;
  earlyRefresh: number;
}

export const LOCK_DEFAULTS = { ttl: 10_000, wait: 5_000 } as const;
export const NO_POLICY: LoadPolicy = { lock: false, graceMs: 0, softTimeout: 0, earlyRefresh: 0 };

const ms = z.number().int().positive();
export const resilienceShape = {
  lock: z.union([z.boolean(), z.strictObject({ ttl: ms.optional(), wait: z.number().int().min(0).optional() })]).optional(),
  grace: z.number().min(0).finite().optional(),
  softTimeout: ms.optional(),
  earlyRefresh: z.number().gt(0).max(1, 'expected β in (0, 1]').optional(),
};
const schema = z.object(resilienceShape);

/** Apply `options` over `base`; validates only what is given. */
export function resolvePolicy(base: LoadPolicy, options: ResilienceOptions, context = 'getOrSet options'): LoadPolicy {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw configError(context, parsed.error);
  const { lock, grace, softTimeout, earlyRefresh } = parsed.data;
  const policy: LoadPolicy = {
    lock:
      lock === undefined ? base.lock : lock === false ? false : { ...LOCK_DEFAULTS, ...definedOnly(lock === true ? {} : lock) },
    graceMs: grace === undefined ? base.graceMs : Math.round(grace * 1000),
    softTimeout: softTimeout ?? base.softTimeout,
    earlyRefresh: earlyRefresh ?? base.earlyRefresh,
  };
  if (policy.softTimeout > 0 && policy.graceMs === 0) {
    throw new CacheConfigError(context, [
      { path: 'softTimeout', message: 'needs grace > 0: a stale value can only be served while it is kept' },
    ]);
  }
  return policy;
}

/** True when a call sets any resilience option, so the service's resolved policy can't be reused. */
export function overridesPolicy(options: ResilienceOptions): boolean {
  return (
    options.lock !== undefined ||
    options.grace !== undefined ||
    options.softTimeout !== undefined ||
    options.earlyRefresh !== undefined
  );
}
