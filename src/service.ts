import { type Codec, createCodec, type Envelope } from './codec.js';
import { CacheError, CacheSerializationError } from './errors.js';
import { escapeGlob, identifierPart, keyBase } from './keys.js';
import { type CacheRuntime, FAILED, type HasRuntime, type RedisClient, runtimeOf } from './runtime.js';
import { unlinkMatching } from './scan.js';
import { EVICT, runScript, STORE_FENCED } from './scripts.js';
import { type CacheServiceOptions, checkTtl, type ResolvedServiceOptions, resolveServiceOptions } from './service-options.js';
import type { CacheCounters } from './stats.js';
import { ttlToMs } from './ttl.js';

export type { CacheServiceOptions } from './service-options.js';

/** An entry's identifier: a string or a finite number. */
export type CacheId = string | number;

/** Per-call options of reads and deletes. */
export interface KeyCallOptions {
  /** Parameters selecting a variant of the entry, hashed into the key independent of key order. */
  params?: object | undefined;
}

/** Per-call options of writes. */
export interface WriteOptions extends KeyCallOptions {
  /** Seconds; the service's `defaultTtl` when omitted. Jittered unless `useJitter: false`. */
  ttl?: number | undefined;
}

/** Per-call options of `getOrSet`. */
export interface GetOrSetOptions<T> extends WriteOptions {
  /** Decides whether a loaded value is stored (e.g. skip `null`, or results a caller marks `unless`). @default always */
  shouldCache?: ((value: T) => boolean) | undefined;
}

/** How long an eviction fence outlives its eviction (ms): loads slower than this are not fenced. */
const FENCE_TTL_MS = 60 * 60 * 1000;

/**
 * Typed, namespaced cache over one Redis: keys `<prefix>:<version>:<namespace>:<id>[:<params hash>]`.
 * Never throws because of Redis: a failure is reported through the manager's `'error'` event and
 * the call answers as a miss (`get` → null, `set`/`delete`/`exists` → false, counts → 0).
 * @example const users = cacheManager.service<User>('users', { model: User, defaultTtl: 600 });
 */
export class CacheService<T> {
  readonly namespace: string;
  readonly #runtime: CacheRuntime;
  readonly #options: ResolvedServiceOptions<T>;
  readonly #codec: Codec<T>;
  readonly #counters: CacheCounters;
  readonly #base: string;
  readonly #fenceBase: string;
  readonly #namespaceFence: string;

  /** @param redis an ioredis-compatible client or a `CacheManager` (events and stats need a manager) */
  constructor(redis: RedisClient | HasRuntime, namespace: string, options?: CacheServiceOptions<T>) {
    this.#options = resolveServiceOptions(options);
    const { prefix, version } = this.#options;
    this.#base = keyBase(namespace, { prefix, version });
    // Fences live under `<prefix>~`, outside every namespace's pattern, so invalidation never counts them.
    this.#fenceBase = `${prefix}~:${version}:${namespace}:`;
    this.#namespaceFence = `${prefix}~:${version}:${namespace}`;
    this.namespace = namespace;
    this.#runtime = runtimeOf(redis);
    this.#codec = createCodec(this.#options.model, this.#options.maxValueBytes);
    this.#counters = this.#runtime.stats.forNamespace(namespace);
  }

  /** The full Redis key for an entry. */
  key(id: CacheId, params?: object): string {
    return this.#base + identifierPart(id, params);
  }

  /** The cached value, or null on a miss (also when Redis is down or the entry is invalid). */
  async get(id: CacheId, params?: object): Promise<T | null> {
    const entry = await this.#read(this.key(id, params), id);
    return entry === undefined ? null : entry.v;
  }

  /** Store a value. @returns false when it was not stored (Redis down, value not serialisable). */
  async set(id: CacheId, value: T, ttlOrOptions?: number | WriteOptions): Promise<boolean> {
    const options = typeof ttlOrOptions === 'number' ? { ttl: ttlOrOptions } : (ttlOrOptions ?? {});
    const key = this.key(id, options.params);
    return this.#write(key, id, value, this.#ttlMs(options.ttl), undefined);
  }

  /** Remove an entry. @returns true if one was removed; false if none, or Redis is down. */
  async delete(id: CacheId, params?: object): Promise<boolean> {
    const key = this.key(id, params);
    const fence = this.#fenceBase + identifierPart(id, params);
    const start = performance.now();
    this.#detach(key);
    const removed = await this.#runtime.run('DEL', { namespace: this.namespace, key, id }, (c) =>
      runScript(c, EVICT, [key, fence], [FENCE_TTL_MS]),
    );
    if (removed === FAILED) return false;
    this.#counters.evictions++;
    this.#runtime.stats.total.evictions++;
    this.#runtime.emit('evict', { namespace: this.namespace, key, id, durationMs: performance.now() - start });
    return removed === 1;
  }

  /** Whether an entry exists (false while Redis is down). */
  async exists(id: CacheId, params?: object): Promise<boolean> {
    const key = this.key(id, params);
    const found = await this.#runtime.run('EXISTS', { namespace: this.namespace, key, id }, (c) => c.exists(key));
    return found === 1;
  }

  /** Seconds left: -2 when missing (also while Redis is down), -1 when the entry has no expiry. */
  async getTtl(id: CacheId, params?: object): Promise<number> {
    const key = this.key(id, params);
    const ttl = await this.#runtime.run('TTL', { namespace: this.namespace, key, id }, (c) => c.ttl(key));
    return ttl === FAILED ? -2 : ttl;
  }

  /**
   * Cache-aside: the cached value, or the factory's, stored for next time. Concurrent calls for
   * one key in this process share one factory call. The factory's errors reach the caller and
   * are never cached; a value loaded before an eviction of its key or namespace is not stored.
   */
  getOrSet(id: CacheId, factory: () => T | Promise<T>, options: GetOrSetOptions<T> = {}): Promise<T> {
    return this.#getOrSet(id, factory, options, true);
  }

  #getOrSet(id: CacheId, factory: () => T | Promise<T>, options: GetOrSetOptions<T>, mayRetry: boolean): Promise<T> {
    const key = this.key(id, options.params);
    const inflight = this.#runtime.inflight;
    const running = inflight.get(key) as Promise<T> | undefined;
    if (running) return mayRetry ? this.#join(running, key, id, factory, options) : running;
    // Only the load still registered is removed: an eviction may have detached it (see #detach).
    const loading: Promise<T> = this.#getOrLoad(key, id, factory, options).finally(() => {
      if (inflight.get(key) === loading) inflight.delete(key);
    });
    inflight.set(key, loading);
    return loading;
  }

  /**
   * Remove the entries of this namespace whose identifier matches a Redis glob (SCAN + UNLINK,
   * never KEYS). @returns how many keys were removed (0 while Redis is down)
   */
  async invalidatePattern(pattern = '*'): Promise<number> {
    const match = escapeGlob(this.#base) + pattern;
    const scope = { namespace: this.namespace, key: match };
    const start = performance.now();
    this.#detach(undefined);
    // Bump the namespace fence first: any load already under way can no longer store.
    const fenced = await this.#runtime.run('INCR', scope, (c) => c.incr(this.#namespaceFence));
    if (fenced === FAILED) return 0;
    const memory = this.#runtime.memory;
    const removed = await this.#runtime.run('SCAN', scope, (c) => unlinkMatching(c, match, memory));
    if (removed === FAILED) return 0;
    this.#counters.evictions += removed;
    this.#runtime.stats.total.evictions += removed;
    this.#runtime.emit('evict', { ...scope, durationMs: performance.now() - start });
    return removed;
  }

  /**
   * A joiner may come after an eviction (from any process) that the running load missed, so once
   * the load is done it reads the entry itself: an entry present then was loaded after every
   * eviction that preceded this call (fenced writes). On a miss it loads once more.
   */
  async #join(
    running: Promise<T>,
    key: string,
    id: CacheId,
    factory: () => T | Promise<T>,
    options: GetOrSetOptions<T>,
  ): Promise<T> {
    await running; // the load's error, if any, is shared
    const entry = await this.#read(key, id);
    return entry !== undefined ? entry.v : this.#getOrSet(id, factory, options, false);
  }

  async #getOrLoad(key: string, id: CacheId, factory: () => T | Promise<T>, options: GetOrSetOptions<T>): Promise<T> {
    const hit = await this.#read(key, id);
    if (hit !== undefined) return hit.v;
    const fences = await this.#runtime.run('MGET', { namespace: this.namespace, key, id }, (c) =>
      c.mget(this.#fenceBase + key.slice(this.#base.length), this.#namespaceFence),
    );
    const value = await factory();
    if (value !== undefined && fences !== FAILED && (options.shouldCache?.(value) ?? true)) {
      await this.#write(key, id, value, this.#ttlMs(options.ttl), fences);
    }
    return value;
  }

  /**
   * An eviction detaches the in-flight loads it covers, so a read that starts after it never
   * joins a load that may have read the old value (the fence only stops that load's write).
   */
  #detach(key: string | undefined): void {
    const inflight = this.#runtime.inflight;
    if (key !== undefined) inflight.delete(key);
    else for (const k of inflight.keys()) if (k.startsWith(this.#base)) inflight.delete(k);
  }

  /** GET and decode. A corrupt or invalid entry is reported, removed and treated as a miss. */
  async #read(key: string, id: CacheId): Promise<Envelope<T> | undefined> {
    const start = performance.now();
    const raw = await this.#runtime.run('GET', { namespace: this.namespace, key, id }, (c) => c.get(key));
    let entry: Envelope<T> | undefined;
    if (raw !== FAILED && raw !== null) {
      try {
        entry = this.#codec.decode(raw, key);
      } catch (error) {
        this.#runtime.report(error as CacheError, { namespace: this.namespace, key, id });
        void this.#runtime.run('DEL', { namespace: this.namespace, key, id }, (c) => c.unlink(key));
      }
    }
    const event = entry === undefined ? 'miss' : 'hit';
    if (entry === undefined) this.#counters.misses++, this.#runtime.stats.total.misses++;
    else this.#counters.hits++, this.#runtime.stats.total.hits++;
    if (this.#runtime.events.listens(event)) {
      this.#runtime.events.emit(event, { namespace: this.namespace, key, id, durationMs: performance.now() - start });
    }
    return entry;
  }

  /** Encode and SET (or the fenced write when `fences` are given). @returns whether it was stored */
  async #write(key: string, id: CacheId, value: T, ttlMs: number, fences: (string | null)[] | undefined): Promise<boolean> {
    const scope = { namespace: this.namespace, key, id };
    if (value === undefined) return false; // undefined is "nothing to cache", never stored
    const start = performance.now();
    let raw: string;
    try {
      raw = this.#codec.encode({ v: value });
    } catch (error) {
      this.#runtime.report(error instanceof CacheError ? error : new CacheSerializationError(String(error), error), scope);
      return false;
    }
    const stored = await this.#runtime.run('SET', scope, (c) =>
      store(c, key, raw, ttlMs, fences && [this.#fenceBase + key.slice(this.#base.length), this.#namespaceFence, fences]),
    );
    if (stored !== true) return false;
    this.#counters.sets++;
    this.#runtime.stats.total.sets++;
    this.#runtime.emit('set', { ...scope, durationMs: performance.now() - start });
    return true;
  }

  #ttlMs(ttl: number | undefined): number {
    return ttlToMs(ttl === undefined ? this.#options.defaultTtl : checkTtl(ttl), this.#options.jitterPercent);
  }
}

async function store(
  client: RedisClient,
  key: string,
  raw: string,
  ttlMs: number,
  fenced: [string, string, (string | null)[]] | undefined,
): Promise<boolean> {
  if (!fenced) return (await client.set(key, raw, 'PX', ttlMs)) === 'OK';
  const [keyFence, namespaceFence, [seenKey, seenNamespace]] = fenced;
  const stored = await runScript(
    client,
    STORE_FENCED,
    [key, keyFence, namespaceFence],
    [raw, ttlMs, seenKey ?? '', seenNamespace ?? ''],
  );
  return stored === 1;
}
