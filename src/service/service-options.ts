import { z } from 'zod';
import { configError } from '../core/config-error.js';
import { DEFAULTS } from '../core/defaults.js';
import { type Model, type ModelAdapter, modelAdapter, modelOption } from '../core/model.js';
import {
  NO_POLICY,
  type ResilienceOptions,
  type ResilienceSettings,
  resilienceShape,
  resolvePolicy,
} from './resilience-options.js';

/** Options of a `CacheService`; all optional. */
export interface CacheServiceOptions<T> extends ResilienceOptions {
  /**
   * A Standard Schema or a class. zod 4: checked on write and read, a `z.codec` encoded on write
   * and decoded on read, and a schema whose values don't survive JSON (`z.date()` without a codec)
   * is a `CacheConfigError`; other Standard Schemas (zod 3.24+, valibot, arktype…): validated on
   * write and read. A class: revived by class-transformer, one instance or an array of them. @default none
   */
  model?: Model<T> | undefined;
  /** Seconds an entry lives when a call gives no TTL. @default 300 */
  defaultTtl?: number | undefined;
  /** Spread every TTL written by ±`jitterPercent`, so bulk writes don't expire together. @default true */
  useJitter?: boolean | undefined;
  /** The spread, as a fraction: 0.1 means ±10%. @default 0.1 */
  jitterPercent?: number | undefined;
  /** First key segment. @default 'cache' */
  prefix?: string | undefined;
  /** Second key segment; change it to drop every entry written by older code. @default 'v1' */
  version?: string | undefined;
  /** Encoded values above this many bytes are not cached (reported as an error). @default 1048576 */
  maxValueBytes?: number | undefined;
}

export interface ResolvedServiceOptions<T> {
  model: ModelAdapter<T> | undefined;
  defaultTtlSeconds: number;
  jitterPercent: number;
  prefix: string;
  version: string;
  maxValueBytes: number;
  policy: ResilienceSettings;
}

/** A TTL in seconds: positive and finite; fractions allowed (stored with millisecond precision). @internal (zod-typed) */
export const ttlSchema = z
  .number({ error: 'expected a TTL in seconds (a positive number)' })
  .positive('expected a positive number of seconds')
  .finite('expected a positive number of seconds');

/** A per-call TTL, checked: a bad one is a programmer error and throws a `CacheConfigError`. */
export function checkTtl(ttl: unknown): number {
  if (typeof ttl === 'number' && ttl > 0 && ttl < Number.POSITIVE_INFINITY) return ttl; // the per-call hot path
  const parsed = ttlSchema.safeParse(ttl);
  if (!parsed.success) throw configError('ttl', parsed.error);
  return parsed.data;
}

const schema = z.strictObject({
  model: modelOption().optional(),
  defaultTtl: ttlSchema.optional(),
  useJitter: z.boolean().optional(),
  jitterPercent: z.number().min(0).max(1, 'expected a fraction between 0 and 1 (0.1 = ±10%)').optional(),
  prefix: z.string().optional(),
  version: z.string().optional(),
  maxValueBytes: z.number().int().positive().optional(),
  ...resilienceShape,
});

export function resolveServiceOptions<T>(input: CacheServiceOptions<T> | undefined): ResolvedServiceOptions<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw configError('CacheService options', parsed.error);
  const o = parsed.data;
  return {
    model: modelAdapter(input?.model),
    defaultTtlSeconds: o.defaultTtl ?? DEFAULTS.ttlSeconds,
    jitterPercent: (o.useJitter ?? DEFAULTS.useJitter) ? (o.jitterPercent ?? DEFAULTS.jitterPercent) : 0,
    prefix: o.prefix ?? DEFAULTS.prefix,
    version: o.version ?? DEFAULTS.version,
    maxValueBytes: o.maxValueBytes ?? DEFAULTS.maxValueBytes,
    policy: resolvePolicy(NO_POLICY, input ?? {}, 'CacheService options'),
  };
}
