import { FAILED } from '../client/command-runner.js';
import type { NamespaceBatch } from '../store/namespace-batch.js';
import { isFreshEntry, type NamespaceStore } from '../store/namespace-store.js';
import { BatchLoad, type BatchLoadKey, type BatchRequest } from './batch-load.js';
import { AGAIN, type CacheAside } from './cache-aside.js';
import type { LoadOutcome } from './cache-aside-load.js';
import type { SingleFlight } from './single-flight.js';

/** A key of a batch call, with the id it was asked by. */
export interface ManyKey {
  readonly key: string;
  readonly id: string | number;
}

/**
 * Cache-aside for many keys of one namespace: one read for all of them (one MGET per slot group);
 * the keys that miss join a load already in flight in this process (single-flight per key, as
 * `getOrSet`), and the others are loaded together by one `loadMany` call. Each caller decides for
 * itself, key by key, whether what a joined load offers may be served to it, as `getOrSet` does.
 */
export class CacheAsideMany<T> {
  constructor(
    private readonly store: NamespaceStore<T>,
    private readonly batch: NamespaceBatch<T>,
    private readonly flights: SingleFlight,
    private readonly cacheAside: CacheAside<T>,
  ) {}

  /** @param keys without repeats @returns each key's value; null for an id `loadMany` did not return */
  async getOrSetMany(keys: readonly ManyKey[], request: BatchRequest<T>): Promise<Map<string, T | null>> {
    const values = new Map<string, T | null>();
    // A key reads again only when the load it joined may predate an eviction it must see.
    for (let pending = keys; pending.length > 0; ) pending = await this.#round(pending, request, values);
    return values;
  }

  /** One read of `pending`, then its loads. @returns the keys that must read again */
  async #round(pending: readonly ManyKey[], request: BatchRequest<T>, values: Map<string, T | null>): Promise<ManyKey[]> {
    const start = performance.now();
    const entries = await this.batch.read(pending);
    const missed: BatchLoadKey[] = [];
    const answers: Promise<readonly [ManyKey, T | null | typeof AGAIN]>[] = [];
    pending.forEach((item, i) => {
      const entry = entries[i];
      if (isFreshEntry(entry, Date.now())) {
        this.store.lookedUp('hit', item.key, item.id, start);
        values.set(item.key, entry.envelope.v);
        return;
      }
      this.store.lookedUp('miss', item.key, item.id, start);
      const joined = this.flights.get<T>(item.key);
      if (joined) answers.push(this.cacheAside.answer(joined, start).then((value) => [item, value] as const));
      else missed.push({ ...item, unreadable: entry === FAILED });
    });
    if (missed.length > 0) {
      const load = new BatchLoad(missed, request, this.batch, this.flights);
      for (const item of missed) answers.push(load.loads.get(item.key)!.outcome.then((o) => [item, ownValue(o)] as const));
    }
    const again: ManyKey[] = [];
    for (const [item, value] of await Promise.all(answers)) {
      if (value === AGAIN) again.push(item);
      else values.set(item.key, value);
    }
    return again;
  }
}

/** The caller that started a load began before it read its source: it takes the value whatever `safeUntil`. */
function ownValue<T>(outcome: LoadOutcome<T>): T | null {
  return outcome.kind === 'value' ? outcome.value : null;
}
