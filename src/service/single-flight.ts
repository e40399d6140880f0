import type { CommandRunner, Failed } from '../client/command-runner.js';
import type { StoredEntry } from '../store/namespace-store.js';
import type { LoadOutcome, REFUSED } from './cache-aside-load.js';

/** What a caller that joins a load in flight works with: a `CacheAsideLoad`, or one key of a batch's load. */
export interface JoinableLoad<T> {
  readonly outcome: Promise<LoadOutcome<T>>;
  /** ms: with `stale` at hand, a caller is served it when the load is slower. 0: off. */
  readonly softTimeoutMs: number;
  /** The entry past its TTL that the load may serve; `FAILED` when Redis could not be read. */
  readonly stale: StoredEntry<T> | undefined | Failed;
  /** The stale value for a caller that began at `callerStart`, or REFUSED. */
  serveStale(callerStart: number, error: unknown): Promise<T | typeof REFUSED>;
  /** After a caller was served stale at the soft timeout: report a later failure of the load. */
  reportLateFailure(): void;
  /** `wait` for one caller: the load's own bound (`hardTimeout`) holds the process while someone waits. */
  waitFor<R>(wait: Promise<R>): Promise<R>;
}

/**
 * The loads in flight in one manager, by full key: concurrent misses of a key share one factory
 * call. Owned here; evictions detach the loads they cover through `forget`, so a read that starts
 * after an eviction never joins a load that began before it.
 */
export class SingleFlight {
  // One map for every value type: a full key names one entry, whichever service reads it.
  readonly #loads = new Map<string, JoinableLoad<unknown>>();
  readonly #refreshing = new Set<string>();

  get<T>(key: string): JoinableLoad<T> | undefined {
    return this.#loads.get(key) as JoinableLoad<T> | undefined;
  }

  start<T>(key: string, load: JoinableLoad<T>): void {
    this.#loads.set(key, load as JoinableLoad<unknown>);
  }

  /** A load ended: remove it unless an eviction detached it (and another took its place). */
  finish(key: string, load: JoinableLoad<unknown>): void {
    if (this.#loads.get(key) === load) this.#loads.delete(key);
  }

  /** Detach the load of one key (an eviction of that key). */
  forget(key: string): void {
    this.#loads.delete(key);
  }

  /** Detach every load whose key starts with `prefix` (a pattern eviction of a namespace). */
  forgetPrefix(prefix: string): void {
    for (const key of this.#loads.keys()) if (key.startsWith(prefix)) this.#loads.delete(key);
  }

  clear(): void {
    this.#loads.clear();
  }

  /** Run `refresh` unless one for `key` is already running (early refresh: once per key at a time). */
  refreshOnce(key: string, refresh: () => Promise<unknown>): void {
    if (this.#refreshing.has(key)) return;
    this.#refreshing.add(key);
    void refresh().finally(() => this.#refreshing.delete(key));
  }
}

const flights = new WeakMap<CommandRunner, SingleFlight>();

/** The single-flight of the manager (or bare client) behind `runner`. */
export function singleFlightOf(runner: CommandRunner): SingleFlight {
  let flight = flights.get(runner);
  if (!flight) {
    flight = new SingleFlight();
    flights.set(runner, flight);
  }
  return flight;
}
