/** Counters for one namespace or for the whole manager. */
export interface CacheCounters {
  /** Lookups that found a fresh entry. */
  hits: number;
  /** Lookups that found none and started a load (`getOrSet`), or returned null (`get`). */
  misses: number;
  /**
   * `getOrSet` calls that found no entry and joined a load another caller had started
   * (single-flight): neither a hit nor a miss, left out of `hitRatio`, and with no event.
   */
  joined: number;
  /** Entries written. */
  sets: number;
  /** Entries removed (one per key, also by pattern). */
  evictions: number;
  /** Failures reported on the `'error'` event. */
  errors: number;
  /** Stale values served (grace, soft timeout). */
  stale: number;
}

/** A snapshot from `cacheManager.stats()`. `hitRatio` is hits / (hits + misses), 0 when idle. */
export interface CacheStats extends CacheCounters {
  hitRatio: number;
  namespaces: Record<string, CacheCounters & { hitRatio: number }>;
}

export type CounterName = keyof CacheCounters;

export function emptyCounters(): CacheCounters {
  return { hits: 0, misses: 0, joined: 0, sets: 0, evictions: 0, errors: 0, stale: 0 };
}

/** Live counters; services keep a reference to their namespace's counters to count cheaply. */
export class StatsRecorder {
  readonly total = emptyCounters();
  readonly #namespaces = new Map<string, CacheCounters>();

  forNamespace(namespace: string): CacheCounters {
    let counters = this.#namespaces.get(namespace);
    if (!counters) {
      counters = emptyCounters();
      this.#namespaces.set(namespace, counters);
    }
    return counters;
  }

  snapshot(): CacheStats {
    const namespaces: CacheStats['namespaces'] = {};
    for (const [name, counters] of this.#namespaces) namespaces[name] = withRatio(counters);
    return { ...withRatio(this.total), namespaces };
  }

  /** Zero every counter in place: services keep counting into the objects they hold. */
  reset(): void {
    Object.assign(this.total, emptyCounters());
    for (const counters of this.#namespaces.values()) Object.assign(counters, emptyCounters());
  }
}

function withRatio(counters: CacheCounters): CacheCounters & { hitRatio: number } {
  const lookups = counters.hits + counters.misses;
  return { ...counters, hitRatio: lookups === 0 ? 0 : counters.hits / lookups };
}
