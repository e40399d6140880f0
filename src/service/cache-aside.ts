import { FAILED, type Failed } from '../client/command-runner.js';
import { shouldRefreshEarly } from '../core/early-refresh.js';
import { raceTimeout, TIMED_OUT } from '../core/timeout.js';
import { CacheFactoryError } from '../errors.js';
import { type Fences, isFreshEntry, type NamespaceStore, type StoredEntry } from '../store/namespace-store.js';
import { CacheAsideLoad, type LoadRequest, REFUSED } from './cache-aside-load.js';
import { LoadForecast } from './load-forecast.js';
import type { ResilienceSettings } from './resilience-options.js';
import type { JoinableLoad, SingleFlight } from './single-flight.js';

/** Asked of a caller whose load's value may predate an eviction it must see: it reads again. */
export const AGAIN: unique symbol = Symbol('ts-rc.read-again');

/**
 * Cache-aside for one namespace: a fresh entry is returned (maybe refreshed early in the
 * background); on a miss, one load per key per manager (single-flight) computes the value, and
 * each caller decides for itself whether what the load offers may be served to it.
 */
export class CacheAside<T> {
  readonly #forecast = new LoadForecast();

  constructor(
    private readonly store: NamespaceStore<T>,
    private readonly flights: SingleFlight,
    private readonly jitterPercent: number,
  ) {}

  async getOrSet(
    key: string,
    id: unknown,
    factory: () => T | Promise<T>,
    ttlSeconds: number,
    policy: ResilienceSettings,
    shouldCache?: (value: T) => boolean,
  ): Promise<T> {
    for (;;) {
      const start = performance.now();
      // Where a miss is likely, read the fences with the entry: a load then needs one round trip less.
      let entry: StoredEntry<T> | undefined | Failed;
      let fences: Fences | undefined;
      if (this.#forecast.likely && !this.flights.get(key)) ({ entry, fences } = await this.store.readOrFences(key, id));
      else entry = await this.store.read(key, id);
      if (isFreshEntry(entry, Date.now())) {
        this.#forecast.observe(false);
        this.store.lookedUp('hit', key, id, start);
        const { e: expiresAt, d: computeMs } = entry.envelope;
        if (policy.earlyRefreshBeta > 0 && expiresAt !== undefined) {
          if (shouldRefreshEarly(Date.now(), expiresAt, computeMs ?? 0, policy.earlyRefreshBeta)) {
            this.#refreshEarly({ key, id, factory, ttlSeconds, jitterPercent: this.jitterPercent, policy, shouldCache });
          }
        }
        return entry.envelope.v;
      }
      let load = this.flights.get<T>(key);
      this.#forecast.observe(load === undefined);
      this.store.lookedUp(load ? 'joined' : 'miss', key, id, start);
      if (!load) {
        const request = { key, id, factory, ttlSeconds, jitterPercent: this.jitterPercent, policy, shouldCache };
        const stale = entry === FAILED || policy.graceMs > 0 ? entry : undefined; // kept past its TTL only for grace
        load = new CacheAsideLoad(request, start, this.store, this.flights, stale, fences);
        this.flights.start(key, load);
      }
      const value = await this.answer(load, start);
      if (value !== AGAIN) return value;
    }
  }

  /** What `load` may give a caller that began at `start`; AGAIN when it must read again. */
  async answer(load: JoinableLoad<T>, start: number): Promise<T | typeof AGAIN> {
    const { softTimeoutMs } = load;
    if (softTimeoutMs > 0 && load.stale !== undefined && load.stale !== FAILED) {
      const early = await load.waitFor(raceTimeout(load.outcome, softTimeoutMs));
      if (early === TIMED_OUT) {
        const stale = await load.serveStale(start, undefined);
        if (stale !== REFUSED) {
          load.reportLateFailure();
          return stale;
        }
      }
    }
    const outcome = await load.waitFor(load.outcome); // the factory's error, if any, reaches every caller
    if (outcome.kind === 'value') return start <= outcome.safeUntil ? outcome.value : AGAIN;
    if (outcome.kind === 'none') return AGAIN;
    const stale = await load.serveStale(start, outcome.error);
    if (stale !== REFUSED) return stale;
    if (outcome.error !== undefined) throw outcome.error;
    return AGAIN;
  }

  /** One background refresh per key at a time, without the lock; its failure is reported, never thrown. */
  #refreshEarly(request: LoadRequest<T>): void {
    const policy = { ...request.policy, lock: false as const, softTimeoutMs: 0 };
    this.flights.refreshOnce(request.key, () =>
      new CacheAsideLoad({ ...request, policy }, performance.now(), this.store, this.flights, undefined).outcome.catch(
        (error: unknown) =>
          this.store.runner.report(new CacheFactoryError(request.key, error), this.store.scope(request.key, request.id)),
      ),
    );
  }
}
