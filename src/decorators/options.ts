import { z } from 'zod';
import { configError } from '../core/config-error.js';
import { type Model, modelOption } from '../core/model.js';
import { namespaceSchema } from '../core/option-schemas.js';
import { CacheManager } from '../manager/cache-manager.js';
import type { CacheId } from '../service/cache-service.js';
import { type ResilienceOptions, resilienceShape, softTimeoutNeedsGrace } from '../service/resilience-options.js';
import { ttlSchema } from '../service/service-options.js';

/** Options every decorator accepts. `A` are the decorated method's parameters. */
export interface CommonOptions<A extends unknown[]> {
  /** Namespace of the entries. @default the class's `@CacheConfig` namespace, else the class name */
  namespace?: string | undefined;
  /** The entry's identifier, from the method's arguments. @default method name + a stable encoding of the arguments */
  key?: ((...args: A) => CacheId) | undefined;
  /** The manager whose Redis is used, looked up at call time. @default `@CacheConfig` manager, else `cacheManager` */
  manager?: CacheManager | undefined;
}

/**
 * Options of the decorators that store (`@Cached`, `@CachePut`). `V` is the value the model
 * checks; `U` the result the result functions take (the decorated method must resolve to it).
 */
export interface StoreOptions<A extends unknown[], V, U = V | null> extends CommonOptions<A> {
  /** Seconds, jittered ±10%. @default `@CacheConfig` ttl, else 300 */
  ttl?: number | undefined;
  /**
   * A Standard Schema such as zod (checked on write and read) or a class (revived by class-transformer,
   * one instance or an array of them); `false`: no model for this method, whatever `@CacheConfig` says.
   * @default `@CacheConfig` model
   */
  model?: Model<V> | false | undefined;
  /** Use the cache for this call only when it returns true. @default always */
  condition?: ((...args: A) => boolean) | undefined;
  /** Don't store a result when it returns true; gets what the method resolved to. @default never */
  unless?: ((result: U, ...args: A) => boolean) | undefined;
}

/** Options of `@Cached`, including the stampede and stale-serving options (`lock`, `grace`, `softTimeout`, `earlyRefresh`). */
export interface CachedOptions<A extends unknown[], V, U = V | null> extends StoreOptions<A, V, U>, ResilienceOptions {
  /** Store a `null` result, so later calls return `null` without running the method. @default false */
  cacheNull?: boolean | undefined;
}

/**
 * Options of `@CachePut`. A `null` or `undefined` result is never stored, so `unless` (`U`) and
 * `keyFromResult` (`K`) never see one: both default to the model's value, without `null`.
 */
export interface CachePutOptions<A extends unknown[], V, U = V, K = U> extends PutKeyOptions<A, K>, StoreOptions<A, V, U> {}

// A base of CachePutOptions, not one of its own members: declared on CachePutOptions itself, a
// `keyFromResult` taking only the result made TypeScript infer `A = []` over `key`'s parameters.
interface PutKeyOptions<A extends unknown[], K> {
  /** The identifier, from the result (and the arguments); wins over `key`. */
  keyFromResult?: ((result: K, ...args: A) => CacheId) | undefined;
}

/** Options of `@CacheEvict`: evict one key (default), every entry of the namespace, or a pattern. */
export interface CacheEvictOptions<A extends unknown[]> extends CommonOptions<A> {
  /** Remove every entry of the namespace. @default false */
  allEntries?: boolean | undefined;
  /** Remove the entries whose identifier matches this Redis glob (e.g. `list:*`). */
  pattern?: ((...args: A) => string) | undefined;
  /** Evict before the method runs, even if it throws. Gives up the no-stale-read guarantee. @default false */
  beforeInvocation?: boolean | undefined;
}

/** Class-level defaults for the decorators of one class. */
export interface CacheConfigOptions {
  /** Namespace of the class's entries. @default the class name */
  namespace?: string | undefined;
  /** Seconds. @default 300 */
  ttl?: number | undefined;
  /** Model of the class's `@Cached`/`@CachePut` values. */
  model?: Model<unknown> | undefined;
  /** @default cacheManager */
  manager?: CacheManager | undefined;
}

const fn = z.custom<(...args: never[]) => unknown>((f) => typeof f === 'function', 'expected a function');
const namespace = namespaceSchema;
const model = modelOption({ allowFalse: true }); // a method may opt out of the class's model
const manager = z.custom<CacheManager>((m) => m instanceof CacheManager, 'expected a CacheManager');

const common = { namespace: namespace.optional(), key: fn.optional(), manager: manager.optional() };
const store = { ...common, ttl: ttlSchema.optional(), model: model.optional(), condition: fn.optional(), unless: fn.optional() };

const schemas = {
  '@Cached': z
    .strictObject({ ...store, cacheNull: z.boolean().optional(), ...resilienceShape })
    .superRefine(softTimeoutNeedsGrace),
  '@CachePut': z.strictObject({ ...store, keyFromResult: fn.optional() }),
  '@CacheEvict': z
    .strictObject({
      ...common,
      allEntries: z.boolean().optional(),
      pattern: fn.optional(),
      beforeInvocation: z.boolean().optional(),
    })
    .refine((o) => !(o.allEntries && o.pattern), { message: 'use either allEntries or pattern, not both', path: ['allEntries'] })
    .refine((o) => !(o.key && (o.allEntries || o.pattern)), {
      message: 'key selects one entry: drop it when using allEntries or pattern',
      path: ['key'],
    }),
  '@CacheConfig': z.strictObject({
    namespace: namespace.optional(),
    ttl: ttlSchema.optional(),
    model: modelOption().optional(),
    manager: manager.optional(),
  }),
};

/**
 * Check a decorator's options where it is applied; throws a `CacheConfigError` naming each bad field.
 * @internal its signature names the zod schemas, which stay out of the published declarations.
 */
export function checkOptions<O extends object>(decorator: keyof typeof schemas, options: O | undefined): Readonly<O> {
  const parsed = schemas[decorator].safeParse(options ?? {});
  if (!parsed.success) throw configError(`${decorator} options`, parsed.error);
  return Object.freeze({ ...(options ?? ({} as O)) });
}
