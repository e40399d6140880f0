import { FAILED } from '../client/command-runner.js';
import type { RedisClient } from '../client/redis-client.js';
import { runnerOf } from '../client/runner-registry.js';
import { createCodec } from '../core/codec.js';
import { KeyLayout } from '../core/key-layout.js';
import { identifierPart } from '../core/keys.js';
import { ttlToMs } from '../core/ttl.js';
import { CacheKeyError } from '../errors.js';
import type { CacheManager } from '../manager/cache-manager.js';
import { isFreshEntry, NamespaceStore } from '../store/namespace-store.js';
import type { LoadMany } from './batch-load.js';
import { CacheAside } from './cache-aside.js';
import type { ManyKey } from './cache-aside-many.js';
import { CacheBatches } from './cache-batches.js';
import {
  overridesPolicy,
  type ResilienceOptions,
  type ResilienceSettings,
  resolvePolicy,
  writeMeta,
} from './resilience-options.js';
import { type CacheServiceOptions, checkTtl, type ResolvedServiceOptions, resolveServiceOptions } from './service-options.js';
import { type SingleFlight, singleFlightOf } from './single-flight.js';

export type { Loaded, LoadMany } from './batch-load.js';
export type { CacheServiceOptions } from './service-options.js';

/** An entry's identifier: a string or a finite number. */
export type CacheId = string | number;

/** Per-call options of writes. */
export interface WriteOptions {
  /** Seconds; the service's `defaultTtl` when omitted. Jittered unless `useJitter: false`. */
  ttl?: number | undefined;
  /** Parameters selecting a variant of the entry, hashed into the key independent of key order. */
  params?: object | undefined;
}

/** Per-call options of `getOrSet`: a TTL, params, and any resilience option overriding the service's. */
export interface GetOrSetOptions<T> extends WriteOptions, ResilienceOptions {
  /** Decides whether a loaded value is stored (e.g. skip `null`). @default always */
  shouldCache?: ((value: T) => boolean) | undefined;
}

/** One entry of `setMany`: an id, its value, and the options `set` takes. */
export interface SetManyItem<T> extends WriteOptions {
  id: CacheId;
  value: T;
}

/** Per-call options of `getOrSetMany`: those of `getOrSet` that apply to a batch (no lock, grace, softTimeout or earlyRefresh). */
export type GetOrSetManyOptions<T> = Pick<GetOrSetOptions<T>, 'ttl' | 'params' | 'shouldCache' | 'hardTimeout'>;

/**
 * Typed, namespaced cache over one Redis: keys `<prefix>:<version>:<namespace>:<id>[:<params hash>]`.
 * Never throws because of Redis: a failure is reported through the manager's `'error'` event and
 * the call answers as a miss (`get` → null, `set`/`delete`/`exists` → false, counts → 0). Bad ids
 * and params reject with a `CacheKeyError`.
 * @example const users = cacheManager.service<User>('users', { model: User, defaultTtl: 600 });
 */
export class CacheService<T> {
  /** The namespace given at construction: the key segment after prefix and version, and the `namespace` of its events and stats. */
  readonly namespace: string;
  readonly #options: ResolvedServiceOptions<T>;
  readonly #policy: ResilienceSettings;
  readonly #store: NamespaceStore<T>;
  readonly #flights: SingleFlight;
  readonly #cacheAside: CacheAside<T>;
  readonly #batches: CacheBatches<T>;

  /** @param redis an ioredis-compatible client or a `CacheManager` (events and stats need a manager) */
  constructor(redis: RedisClient | CacheManager, namespace: string, options?: CacheServiceOptions<T>) {
    this.#options = resolveServiceOptions(options);
    this.#policy = this.#options.policy;
    const runner = runnerOf(redis);
    const codec = createCodec(this.#options.model, this.#options.maxValueBytes);
    const layouts = {
      standalone: new KeyLayout(namespace, this.#options, false),
      cluster: new KeyLayout(namespace, this.#options, true),
    };
    this.#store = new NamespaceStore(runner, namespace, layouts, codec, runner.stats.forNamespace(namespace));
    this.#flights = singleFlightOf(runner);
    this.#cacheAside = new CacheAside(this.#store, this.#flights, this.#options.jitterPercent);
    this.#batches = new CacheBatches(this.#store, this.#flights, this.#cacheAside);
    this.namespace = namespace;
  }

  /** The full Redis key for an entry. @throws CacheKeyError for a bad id or params */
  key(id: CacheId, params?: object): string {
    return this.#store.keys.entryKey(identifierPart(id, params));
  }

  /** The cached value, or null on a miss (also when Redis is down or the entry is invalid). */
  async get(id: CacheId, params?: object): Promise<T | null> {
    const key = this.key(id, params);
    const start = performance.now();
    const entry = await this.#store.read(key, id);
    // An entry past its TTL is only kept for grace: `get` treats it as gone.
    if (!isFreshEntry(entry, Date.now())) {
      this.#store.lookedUp('miss', key, id, start);
      return null;
    }
    this.#store.lookedUp('hit', key, id, start);
    return entry.envelope.v;
  }

  /**
   * Store a value. A load that began before this write can't overwrite it with what it read.
   * @returns false when it was not stored (Redis down, value not serialisable)
   */
  async set(id: CacheId, value: T, ttlOrOptions?: number | WriteOptions): Promise<boolean> {
    // Anything but an options object is a TTL, checked below ('60s' is an error, not the default).
    const options: WriteOptions =
      typeof ttlOrOptions === 'object' && ttlOrOptions !== null ? ttlOrOptions : { ttl: ttlOrOptions };
    const key = this.key(id, options.params);
    const stored = await this.#store.write(key, id, value, this.#ttlMs(options.ttl), writeMeta(this.#policy));
    this.#flights.forget(key); // a read from now on never joins a load that began before this write
    return stored;
  }

  /**
   * Remove an entry; once this resolves, no read returns the old value (in any process sharing
   * the Redis). @returns true if one was removed; false if none, or Redis is down (reported as an 'error')
   */
  async delete(id: CacheId, params?: object): Promise<boolean> {
    const key = this.key(id, params);
    const removed = await this.#store.evict(key, id);
    // Detached after the eviction: a read that starts from now on never joins an older load.
    this.#flights.forget(key);
    return removed === true;
  }

  /** Whether an entry exists (false while Redis is down). */
  async exists(id: CacheId, params?: object): Promise<boolean> {
    const key = this.key(id, params);
    return (await this.#store.exists(key, id)) === 1;
  }

  /** Seconds left: -2 when missing (also while Redis is down), -1 when the entry has no expiry. */
  async getTtl(id: CacheId, params?: object): Promise<number> {
    const key = this.key(id, params);
    const ms = await this.#store.pttl(key, id);
    if (ms === FAILED) return -2;
    if (ms < 0) return ms;
    const left = ms - this.#policy.graceMs; // the grace period is not the entry's life
    return left > 0 ? Math.ceil(left / 1000) : -2;
  }

  /**
   * Cache-aside: the cached value, or the factory's, stored for next time. Concurrent calls for
   * one key in this process share one factory call. The factory's errors reach the caller and
   * are never cached; a value loaded before an eviction of its key or namespace is not stored.
   */
  async getOrSet(id: CacheId, factory: () => T | Promise<T>, options?: GetOrSetOptions<T>): Promise<T> {
    const key = this.key(id, options?.params);
    const policy = options && overridesPolicy(options) ? resolvePolicy(this.#policy, options) : this.#policy;
    const ttlSeconds = options?.ttl === undefined ? this.#options.defaultTtlSeconds : checkTtl(options.ttl);
    return this.#cacheAside.getOrSet(key, id, factory, ttlSeconds, policy, options?.shouldCache);
  }

  /** `get` for many ids in one round trip per slot group. @returns the values in the order of `ids`, null for each miss */
  async getMany(ids: readonly CacheId[], params?: object): Promise<(T | null)[]> {
    return this.#batches.get(this.#keysOf(ids, params));
  }

  /** `set` for many entries in one round trip per slot group. @returns per item whether it was stored */
  async setMany(items: readonly SetManyItem<T>[]): Promise<boolean[]> {
    if (!Array.isArray(items)) throw new CacheKeyError(`expected an array of { id, value, ttl?, params? }, got ${typeof items}`);
    const writes = items.map((item) => ({
      key: this.key(item?.id, item?.params),
      id: item.id,
      value: item.value,
      ttlMs: this.#ttlMs(item.ttl),
    }));
    return this.#batches.set(writes, writeMeta(this.#policy));
  }

  /** `delete` for many ids in one round trip per slot group. @returns how many entries were removed (0 while Redis is down) */
  async deleteMany(ids: readonly CacheId[], params?: object): Promise<number> {
    return this.#batches.delete(this.#keysOf(ids, params));
  }

  /**
   * `getOrSet` for many ids: one read for all; the ids that miss and are not being loaded in this
   * process already are loaded by one `loadMany(missingIds)` call, stored fenced. An id `loadMany`
   * does not return (absent from its Map, `undefined` in its array) is not found: null, not stored.
   * @returns the values in the order of `ids`
   */
  async getOrSetMany(ids: readonly CacheId[], loadMany: LoadMany<T>, options?: GetOrSetManyOptions<T>): Promise<(T | null)[]> {
    const keys = this.#keysOf(ids, options?.params);
    const hardTimeout = options?.hardTimeout;
    const policy =
      hardTimeout === undefined ? this.#policy : resolvePolicy(this.#policy, { hardTimeout }, 'getOrSetMany options');
    const ttlSeconds = options?.ttl === undefined ? this.#options.defaultTtlSeconds : checkTtl(options.ttl);
    const { jitterPercent } = this.#options;
    return this.#batches.getOrSet(keys, { loadMany, ttlSeconds, jitterPercent, policy, shouldCache: options?.shouldCache });
  }

  /**
   * Remove the entries of this namespace whose identifier matches a Redis glob (SCAN + UNLINK,
   * never KEYS). @returns how many keys were removed (0 while Redis is down; a scan that could not
   * finish is reported as an 'error')
   */
  async invalidatePattern(pattern = '*'): Promise<number> {
    const removed = await this.#store.evictMatching(pattern);
    this.#flights.forgetPrefix(this.#store.keys.base);
    return removed;
  }

  /** The key of each id, in order. @throws CacheKeyError for a bad id or params, or ids that are not an array */
  #keysOf(ids: readonly CacheId[], params: object | undefined): ManyKey[] {
    if (!Array.isArray(ids)) throw new CacheKeyError(`expected an array of ids, got ${typeof ids}`);
    return ids.map((id) => ({ key: this.key(id, params), id }));
  }

  #ttlMs(ttl: number | undefined): number {
    return ttlToMs(ttl === undefined ? this.#options.defaultTtlSeconds : checkTtl(ttl), this.#options.jitterPercent);
  }
}
