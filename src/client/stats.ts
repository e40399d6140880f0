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
  /** The first `MAX_NAMED_NAMESPACES` (1000) namespaces, each on its own. */
  namespaces: Record<string, CacheCounters & { hitRatio: number }>;
  /** Every namespace past the first 1000, counted together; absent until there is one. */
  otherNamespaces?: CacheCounters & { hitRatio: number };
}

export type CounterName = keyof CacheCounters;

export function emptyCounters(): CacheCounters {
  return { hits: 0, misses: 0, joined: 0, sets: 0, evictions: 0, errors: 0, stale: 0 };
}

/**
 * Namespaces counted one by one; those seen after them share one set of counters. An app that
 * makes namespaces per tenant or per request would otherwise grow stats() without end (as
 * OpenTelemetry's SDK bounds a metric's attribute sets, at 2000). Totals count every namespace.
 */
export const MAX_NAMED_NAMESPACES = 1000;

/** Live counters; services keep a reference to their namespace's counters to count cheaply. */
export class StatsRecorder {
  readonly total = emptyCounters();
  readonly #namespaces = new Map<string, CacheCounters>();
  #other: CacheCounters | undefined;

  /** The counters `namespace` counts into: its own, or past the cap the shared `otherNamespaces`. */
  forNamespace(namespace: string): CacheCounters {
    let counters = this.#namespaces.get(namespace);
    if (counters) return counters;
    if (this.#namespaces.size >= MAX_NAMED_NAMESPACES) {
      this.#other ??= emptyCounters();
      return this.#other;
    }
    counters = emptyCounters();
    this.#namespaces.set(namespace, counters);
    return counters;
  }

  snapshot(): CacheStats {
    const namespaces: CacheStats['namespaces'] = {};
    for (const [name, counters] of this.#namespaces) namespaces[name] = withRatio(counters);
    const stats: CacheStats = { ...withRatio(this.total), namespaces };
    if (this.#other) stats.otherNamespaces = withRatio(this.#other);
    return stats;
  }

  /** Zero every counter in place: services keep counting into the objects they hold. */
  reset(): void {
    Object.assign(this.total, emptyCounters());
    for (const counters of this.#namespaces.values()) Object.assign(counters, emptyCounters());
    if (this.#other) Object.assign(this.#other, emptyCounters());
  }
}

function withRatio(counters: CacheCounters): CacheCounters & { hitRatio: number } {
  const lookups = counters.hits + counters.misses;
  return { ...counters, hitRatio: lookups === 0 ? 0 : counters.hits / lookups };
}
