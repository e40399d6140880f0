import type { BatchWrite } from '../store/namespace-batch.js';
import { NamespaceBatch } from '../store/namespace-batch.js';
import { isFreshEntry, type NamespaceStore, type WriteMeta } from '../store/namespace-store.js';
import type { BatchRequest } from './batch-load.js';
import type { CacheAside } from './cache-aside.js';
import { CacheAsideMany, type ManyKey } from './cache-aside-many.js';
import type { SingleFlight } from './single-flight.js';

/**
 * The batch operations of one namespace, over keys already built: each is its single-key
 * counterpart applied to every key (same events and stats, one per key, timed from the batch's
 * start), with one round trip per slot group instead of one per key.
 */
export class CacheBatches<T> {
  readonly #batch: NamespaceBatch<T>;
  readonly #cacheAside: CacheAsideMany<T>;

  constructor(
    private readonly store: NamespaceStore<T>,
    private readonly flights: SingleFlight,
    cacheAside: CacheAside<T>,
  ) {
    this.#batch = new NamespaceBatch(store);
    this.#cacheAside = new CacheAsideMany(store, this.#batch, flights, cacheAside);
  }

  /** As `get` for each key: null for a miss, an invalid entry, one past its TTL, or while Redis is down. */
  async get(keys: readonly ManyKey[]): Promise<(T | null)[]> {
    const start = performance.now();
    const entries = await this.#batch.read(keys);
    const now = Date.now();
    return entries.map((entry, i) => {
      const hit = isFreshEntry(entry, now);
      this.store.lookedUp(hit ? 'hit' : 'miss', keys[i]!.key, keys[i]!.id, start);
      return hit ? entry.envelope.v : null;
    });
  }

  /** As `set` for each write: stored with its fence moved, loads of the key in flight detached. */
  async set(writes: readonly BatchWrite<T>[], meta: WriteMeta): Promise<boolean[]> {
    const stored = await this.#batch.write(writes, meta);
    for (const { key } of writes) this.flights.forget(key); // a read from now on never joins an older load
    return stored;
  }

  /** As `delete` for each key. @returns how many entries were removed */
  async delete(keys: readonly ManyKey[]): Promise<number> {
    const removed = await this.#batch.evict(distinct(keys));
    for (const { key } of keys) this.flights.forget(key); // after the eviction: a later read never joins an older load
    return removed;
  }

  /** Cache-aside for each key, the misses loaded by one `loadMany` call. @returns values in the order of `keys`; null where `loadMany` gave none */
  async getOrSet(keys: readonly ManyKey[], request: BatchRequest<T>): Promise<(T | null)[]> {
    const values = await this.#cacheAside.getOrSetMany(distinct(keys), request);
    return keys.map(({ key }) => values.get(key) ?? null);
  }
}

/** `keys` without repeats (an id asked twice, or `1` and `'1'`, which name one entry). */
function distinct(keys: readonly ManyKey[]): ManyKey[] {
  const byKey = new Map<string, ManyKey>();
  for (const item of keys) if (!byKey.has(item.key)) byKey.set(item.key, item);
  return [...byKey.values()];
}
