import { FAILED, type Failed } from '../client/command-runner.js';
import { raceTimeout, TIMED_OUT } from '../core/timeout.js';
import { ttlToMs } from '../core/ttl.js';
import { CacheFactoryError } from '../errors.js';
import type { BatchKey, FencedWrite, NamespaceBatch } from '../store/namespace-batch.js';
import type { Fences } from '../store/namespace-store.js';
import { type LoadOutcome, REFUSED } from './cache-aside-load.js';
import { type ResilienceSettings, writeMeta } from './resilience-options.js';
import type { JoinableLoad, SingleFlight } from './single-flight.js';

/** What `loadMany` may answer: one value per id, in order (`undefined`: not found), or a Map by id. */
export type Loaded<T> = readonly (T | undefined)[] | ReadonlyMap<string | number, T | undefined>;

/** Loads the values of the ids a `getOrSetMany` missed, in one call. */
export type LoadMany<T> = (missingIds: (string | number)[]) => Loaded<T> | Promise<Loaded<T>>;

/** What one `getOrSetMany` asks of the loads it starts. */
export interface BatchRequest<T> {
  readonly loadMany: LoadMany<T>;
  /** Already checked; jittered per entry by `jitterPercent` when written. */
  readonly ttlSeconds: number;
  readonly jitterPercent: number;
  /** Only `hardTimeout` applies to a batch; grace metadata is written for later `getOrSet` calls. */
  readonly policy: ResilienceSettings;
  readonly shouldCache: ((value: T) => boolean) | undefined;
}

/** A key to load; `unreadable` when Redis could not be read for it (no fences asked, nothing stored). */
export interface BatchLoadKey extends BatchKey {
  readonly id: string | number;
  readonly unreadable: boolean;
}

const NONE: LoadOutcome<never> = { kind: 'none' };

/**
 * One `loadMany` call for the keys one `getOrSetMany` missed, registered in single-flight under
 * each key (a `getOrSet` or another batch joins it key by key). Like a `CacheAsideLoad`: the
 * fence tokens are read before the loader runs and each value is stored against them; a value is
 * safe for a caller that began by `safeUntil`. One round trip per slot group for each step.
 */
export class BatchLoad<T> {
  /** Per key, what a caller that joins gets (no stale value: a batch serves none). */
  readonly loads: ReadonlyMap<string, JoinableLoad<T>>;
  /** Set when `hardTimeout` gave the load up. */
  #abandoned = false;

  constructor(
    private readonly keys: readonly BatchLoadKey[],
    private readonly request: BatchRequest<T>,
    private readonly batch: NamespaceBatch<T>,
    private readonly flights: SingleFlight,
  ) {
    // `#run` reaches `finally` (which detaches these loads) only after an await: they are registered by then.
    const outcomes = this.#bounded(this.#run());
    this.loads = new Map(keys.map(({ key }) => [key, new KeyOfBatch(outcomes.then((byKey) => byKey.get(key) ?? NONE))]));
    for (const [key, load] of this.loads) flights.start(key, load);
  }

  async #run(): Promise<Map<string, LoadOutcome<T>>> {
    try {
      const asOf = performance.now();
      const fences = await this.#readFences();
      const values = await this.#callLoader();
      const verifiedAt = await this.#persist(values, fences, performance.now() - asOf);
      const outcomes = new Map<string, LoadOutcome<T>>();
      this.keys.forEach(({ key }, i) => {
        const value = values[i];
        outcomes.set(key, value === undefined ? NONE : { kind: 'value', value, safeUntil: verifiedAt[i] ?? asOf });
      });
      return outcomes;
    } finally {
      this.#detach();
    }
  }

  async #readFences(): Promise<(Fences | Failed)[]> {
    const read = (await this.batch.readFences(this.keys.filter((key) => !key.unreadable))).values();
    return this.keys.map((key) => (key.unreadable ? FAILED : (read.next().value ?? FAILED)));
  }

  /** The loader's values, one per key (undefined: not found). Its errors reach every caller, never cached. */
  async #callLoader(): Promise<(T | undefined)[]> {
    const ids = this.keys.map((key) => key.id);
    const loaded = await new Promise<Loaded<T>>((resolve) => resolve(this.request.loadMany(ids)));
    if (loaded instanceof Map) return ids.map((id) => (loaded.has(id) ? loaded.get(id) : loaded.get(otherForm(id))));
    if (Array.isArray(loaded) && loaded.length === ids.length) return [...(loaded as (T | undefined)[])];
    const got = Array.isArray(loaded) ? `${loaded.length} values` : typeof loaded;
    const advice = 'return one value per id, in order (undefined for an id not found), or a Map keyed by id';
    throw new CacheFactoryError(this.#label(), new Error(`loadMany returned ${got} for ${ids.length} ids: ${advice}`));
  }

  /**
   * Store each value against its fences. @returns per key when the command that proves no eviction
   * came was sent (callers that began by then may trust the value), or undefined
   */
  async #persist(values: (T | undefined)[], fences: (Fences | Failed)[], computeMs: number): Promise<(number | undefined)[]> {
    const { ttlSeconds, jitterPercent, policy, shouldCache } = this.request;
    const writes: (FencedWrite<T> & { index: number })[] = [];
    const unstored: number[] = [];
    this.keys.forEach(({ key, id }, index) => {
      const value = values[index];
      const fenced = fences[index] ?? FAILED;
      if (value === undefined || fenced === FAILED || this.#abandoned) return; // no fences: an eviction can't be ruled out
      if (shouldCache?.(value) ?? true)
        writes.push({ key, id, value, ttlMs: ttlToMs(ttlSeconds, jitterPercent), fences: fenced, index });
      else unstored.push(index);
    });
    const verifiedAt: (number | undefined)[] = this.keys.map(() => undefined);
    const writtenAt = performance.now();
    const stored = await this.batch.writeFenced(writes, writeMeta(policy, computeMs));
    writes.forEach(({ index }, j) => {
      if (stored[j]) verifiedAt[index] = writtenAt;
      else unstored.push(index);
    });
    // Not stored (refused by a fence, not cacheable, or failed): trusted only if no eviction came meanwhile.
    const checkedAt = performance.now();
    const now = await this.batch.readFences(unstored.map((index) => this.keys[index]!));
    unstored.forEach((index, j) => {
      if (sameTokens(now[j], fences[index])) verifiedAt[index] = checkedAt;
    });
    return verifiedAt;
  }

  /** `hardTimeout`: give the load up, free its keys, and reject every caller with a `CacheFactoryError`; its late values are not stored. */
  async #bounded(run: Promise<Map<string, LoadOutcome<T>>>): Promise<Map<string, LoadOutcome<T>>> {
    const limitMs = this.request.policy.hardTimeoutMs;
    if (limitMs === 0) return run;
    const outcome = await raceTimeout(run, limitMs);
    if (outcome !== TIMED_OUT) return outcome;
    this.#abandoned = true;
    this.#detach();
    throw new CacheFactoryError(this.#label(), new Error(`the load took longer than hardTimeout (${limitMs} ms)`));
  }

  #detach(): void {
    for (const [key, load] of this.loads) this.flights.finish(key, load as JoinableLoad<unknown>);
  }

  #label(): string {
    return `${this.keys.length} entries (${this.keys[0]?.key ?? ''}…)`;
  }
}

/** One key of a batch's load, as single-flight holds it. */
class KeyOfBatch<T> implements JoinableLoad<T> {
  readonly softTimeoutMs = 0;
  readonly stale = undefined;

  /** A batch's `hardTimeout` is a plain timer while its loadMany runs: nothing to hold here. */
  waitFor<R>(wait: Promise<R>): Promise<R> {
    return wait;
  }

  constructor(readonly outcome: Promise<LoadOutcome<T>>) {
    outcome.catch(() => {}); // a loader's error reaches whoever waits on it; a key nobody joined must not be an unhandled rejection
  }

  serveStale(): Promise<typeof REFUSED> {
    return Promise.resolve(REFUSED);
  }

  reportLateFailure(): void {}
}

/** A number id and its decimal text name one entry (keys write both alike): a Map may be keyed by either. */
function otherForm(id: string | number): string | number {
  return typeof id === 'number' ? String(id) : String(Number(id)) === id ? Number(id) : id;
}

function sameTokens(now: Fences | Failed | undefined, before: Fences | Failed | undefined): boolean {
  return (
    now !== undefined &&
    now !== FAILED &&
    before !== undefined &&
    before !== FAILED &&
    now[0] === before[0] &&
    now[1] === before[1]
  );
}
