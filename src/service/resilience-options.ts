import { z } from 'zod';
import { configError } from '../core/config-error.js';
import { DEFAULTS } from '../core/defaults.js';
import { milliseconds } from '../core/option-schemas.js';
import { CacheConfigError } from '../errors.js';
import type { WriteMeta } from '../store/namespace-store.js';

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
  /**
   * ms: a load slower than this is given up: its callers get a `CacheFactoryError` (or the stale
   * value under `grace`) and the next call loads afresh; its late value is not stored. @default off
   */
  hardTimeout?: number | undefined;
  /** 0 < β ≤ 1: refresh hot keys early, with a probability that grows near expiry. @default off */
  earlyRefresh?: number | undefined;
}

/** `ResilienceOptions` resolved, units in the names; resolved once per service (and per call only when a call overrides something). */
export interface ResilienceSettings {
  readonly lock: { readonly ttlMs: number; readonly waitMs: number } | false;
  readonly graceMs: number;
  readonly softTimeoutMs: number;
  /** 0: off. */
  readonly hardTimeoutMs: number;
  /** β, 0: off. */
  readonly earlyRefreshBeta: number;
}

export const NO_POLICY: ResilienceSettings = { lock: false, graceMs: 0, softTimeoutMs: 0, hardTimeoutMs: 0, earlyRefreshBeta: 0 };

const ms = milliseconds();
/** The zod fields of `ResilienceOptions`. @internal zod's types stay out of the published declarations. */
export const resilienceShape = {
  lock: z.union([z.boolean(), z.strictObject({ ttl: ms.optional(), wait: z.number().int().min(0).optional() })]).optional(),
  grace: z.number({ error: 'expected seconds (a number ≥ 0)' }).min(0).finite().optional(),
  softTimeout: ms.optional(),
  hardTimeout: ms.optional(),
  earlyRefresh: z.number().gt(0).max(1, 'expected β in (0, 1]').optional(),
};
const schema = z.object(resilienceShape);

const SOFT_TIMEOUT_NEEDS_GRACE = 'needs grace > 0: a stale value can only be served while it is kept';

/** The rule between fields, for schemas that take resilience options as given (decorators). @internal (zod-typed) */
export function softTimeoutNeedsGrace(
  options: { softTimeout?: number | undefined; grace?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (options.softTimeout !== undefined && !(options.grace !== undefined && options.grace > 0)) {
    ctx.addIssue({ code: 'custom', path: ['softTimeout'], message: SOFT_TIMEOUT_NEEDS_GRACE });
  }
}

/** Apply `options` over `base`; validates only what is given. */
export function resolvePolicy(
  base: ResilienceSettings,
  options: ResilienceOptions,
  context = 'getOrSet options',
): ResilienceSettings {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw configError(context, parsed.error);
  const { lock, grace, softTimeout, hardTimeout, earlyRefresh } = parsed.data;
  const policy: ResilienceSettings = {
    lock: lock === undefined ? base.lock : resolveLock(lock),
    graceMs: grace === undefined ? base.graceMs : Math.round(grace * 1000),
    softTimeoutMs: softTimeout ?? base.softTimeoutMs,
    hardTimeoutMs: hardTimeout ?? base.hardTimeoutMs,
    earlyRefreshBeta: earlyRefresh ?? base.earlyRefreshBeta,
  };
  if (policy.softTimeoutMs > 0 && policy.graceMs === 0) {
    throw new CacheConfigError(context, [{ path: 'softTimeout', message: SOFT_TIMEOUT_NEEDS_GRACE }]);
  }
  return policy;
}

function resolveLock(lock: boolean | { ttl?: number | undefined; wait?: number | undefined }): ResilienceSettings['lock'] {
  if (lock === false) return false;
  const given = lock === true ? {} : lock;
  return { ttlMs: given.ttl ?? DEFAULTS.lock.ttlMs, waitMs: given.wait ?? DEFAULTS.lock.waitMs };
}

/** Just the resilience options set in `options`, or undefined when none is. */
export function resilienceOf(options: ResilienceOptions): ResilienceOptions | undefined {
  if (!overridesPolicy(options)) return undefined;
  const { lock, grace, softTimeout, hardTimeout, earlyRefresh } = options;
  return { lock, grace, softTimeout, hardTimeout, earlyRefresh };
}

/** True when a call sets any resilience option, so the service's resolved policy can't be reused. */
export function overridesPolicy(options: ResilienceOptions): boolean {
  return (
    options.lock !== undefined ||
    options.grace !== undefined ||
    options.softTimeout !== undefined ||
    options.hardTimeout !== undefined ||
    options.earlyRefresh !== undefined
  );
}

/** What a write records for a policy: expiry and compute time only when grace or early refresh needs them. */
export function writeMeta(policy: ResilienceSettings, computeMs?: number): WriteMeta {
  return { graceMs: policy.graceMs, withExpiry: policy.graceMs > 0 || policy.earlyRefreshBeta > 0, computeMs };
}
