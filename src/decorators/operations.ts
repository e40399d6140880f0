import type { Model } from '../core/model.js';
import type { CacheManager } from '../manager/cache-manager.js';
import type { CacheId } from '../service/cache-service.js';
import type { ResilienceOptions } from '../service/resilience-options.js';

type KeyFn = (...args: never) => CacheId;
type Predicate = (...args: never) => boolean;

/** What every operation says about where its entries live. Unset fields fall back to `@CacheConfig`. */
interface OperationBase {
  /** The decorated method's name (part of the default key). */
  readonly method: string;
  readonly namespace: string | undefined;
  readonly key: KeyFn | undefined;
  readonly manager: CacheManager | undefined;
}

/** `@Cached`: look up, else call and store. */
export interface CachedOperation extends OperationBase {
  readonly kind: 'cached';
  readonly ttl: number | undefined;
  /** `false`: no model, even when `@CacheConfig` has one. */
  readonly model: Model<unknown> | false | undefined;
  readonly condition: Predicate | undefined;
  readonly unless: Predicate | undefined;
  readonly cacheNull: boolean;
  /** `lock`, `grace`, `softTimeout`, `earlyRefresh`; undefined when none is set. */
  readonly resilience: ResilienceOptions | undefined;
}

/** `@CachePut`: always call, then store the result. */
export interface PutOperation extends OperationBase {
  readonly kind: 'put';
  readonly ttl: number | undefined;
  /** `false`: no model, even when `@CacheConfig` has one. */
  readonly model: Model<unknown> | false | undefined;
  readonly condition: Predicate | undefined;
  readonly unless: Predicate | undefined;
  readonly keyFromResult: KeyFn | undefined;
}

/** `@CacheEvict`: remove one key, a pattern, or the whole namespace. */
export interface EvictOperation extends OperationBase {
  readonly kind: 'evict';
  readonly allEntries: boolean;
  readonly pattern: ((...args: never) => string) | undefined;
  readonly beforeInvocation: boolean;
}

/** An immutable description of what a decorator asks for; run by `executeOperations`. */
export type CacheOperation = CachedOperation | PutOperation | EvictOperation;

/** Resolved class-level defaults (`@CacheConfig`). */
export interface ClassConfig {
  readonly namespace: string | undefined;
  readonly ttl: number | undefined;
  readonly model: Model<unknown> | undefined;
  readonly manager: CacheManager | undefined;
}

/** The runtime class of a call (the receiver's class): its name and nearest `@CacheConfig`, if any. */
export interface ClassContext {
  readonly name: string;
  readonly config: ClassConfig | undefined;
}

/** The namespace an operation uses for a class: its own, else the class's `@CacheConfig`, else the class name. */
export function namespaceOf(op: CacheOperation, owner: ClassContext): string {
  return op.namespace ?? owner.config?.namespace ?? owner.name;
}

/** The TTL a storing operation asks for for a class (undefined: the service default). */
export function ttlOf(op: CachedOperation | PutOperation, owner: ClassContext): number | undefined {
  return op.ttl ?? owner.config?.ttl;
}

/** The fields every operation copies from its options (common to the three decorators). */
export function placeFields(o: { namespace?: string | undefined; key?: KeyFn | undefined; manager?: CacheManager | undefined }) {
  return { namespace: o.namespace, key: o.key, manager: o.manager };
}

/** The fields the storing operations (`@Cached`, `@CachePut`) copy from their options. */
export function storingFields<V>(o: {
  namespace?: string | undefined;
  key?: KeyFn | undefined;
  manager?: CacheManager | undefined;
  ttl?: number | undefined;
  model?: Model<V> | false | undefined;
  condition?: Predicate | undefined;
  unless?: Predicate | undefined;
}) {
  return { ...placeFields(o), ttl: o.ttl, model: o.model, condition: o.condition, unless: o.unless };
}
