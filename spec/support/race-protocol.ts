/**
 * What the stale-read race spec and its workers (spec/integration/fixtures/race-worker.ts) say to each other: one `RaceRun`
 * per JSON line on a worker's stdin, one `RaceReport` per JSON line back on its stdout.
 */

/** The cache a run reads through. Everything but `ts-rc` is a negative control that must be caught. */
export type CacheUnderTest =
  /** ts-rc as shipped. */
  | 'ts-rc'
  /** ts-rc on a client whose fenced write stores unconditionally (spec/support/unfenced-client.ts). */
  | 'unfenced'
  /** ts-rc on a client whose fences are counters, which a lost fence resets (spec/support/counter-fenced-client.ts). */
  | 'counter-fences'
  /** A hand-written cache-aside that serves its stale value without any check (spec/support/naive-cache-aside.ts). */
  | 'naive';

export interface RaceRun {
  /** Where the cache lives. */
  cacheUrl: string;
  /** When set, the cache is this Redis Cluster (seed node URLs) instead of `cacheUrl`. */
  cacheCluster?: string[] | undefined;
  /** Where the "database" lives (its row version and the committed floor): never flushed or restarted. */
  dbUrl: string;
  /** Key prefix of the cache and of the database keys, unique per run. */
  prefix: string;
  /** This worker's seed: it draws every op, delay and factory outcome from it, in order. */
  seed: number;
  rounds: number;
  opsPerRound: number;
  /** Each op of a round starts after a pause of up to this (ms). */
  spreadMs: number;
  /** Share of ops that are reads; the others are evicting updates. */
  readShare: number;
  /** Share of evictions done with `invalidatePattern('*')` rather than `delete` (0 where Redis goes away). */
  patternShare: number;
  cache: CacheUnderTest;
  service: {
    /** Seconds. */
    ttl: number;
    grace?: number;
    softTimeout?: number;
    hardTimeout?: number;
    lock?: { ttl: number; wait: number };
  };
  factory: {
    /** Each of the two pauses of a load (before and after it reads the row) lasts up to this (ms). */
    pauseMs: number;
    /** Share of loads whose second pause is `slowMs`. */
    slowShare: number;
    slowMs: number;
    /** Share of loads that fail (after reading the row). */
    failShare: number;
  };
}

export interface RaceReport {
  worker: number;
  reads: number;
  /** Reads answered from a fresh entry. */
  hits: number;
  /** Reads answered with a value kept past its TTL (grace, softTimeout, lock waiter). */
  staleServed: number;
  /** Reads that rejected (the factory failed with nothing to serve instead). */
  failed: number;
  updates: number;
  /** Updates whose eviction succeeded, so their version was published as the committed floor. */
  published: number;
  /** Reads that returned a version below the floor committed before they began. */
  staleReads: number;
  /** Stale reads by the path that served them: the naive cache's `NaivePath`, else the `CacheUnderTest`. */
  staleByPath: Record<string, number>;
  examples: string[];
  elapsedMs: number;
  /** Set when the run itself broke (not a stale read). */
  error?: string;
}

/** The namespace every run caches its one row in. */
export const NAMESPACE = 'race';
/** The identifier of that row. */
export const ROW = 'row';

/** The database keys of a run: the row's version (INCRed by updates) and the committed floor. */
export function databaseKeys(prefix: string): { version: string; committed: string } {
  return { version: `${prefix}:db:version`, committed: `${prefix}:db:committed` };
}
