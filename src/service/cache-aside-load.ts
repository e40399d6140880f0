import { FAILED, type Failed } from '../client/command-runner.js';
import { sleep } from '../core/timeout.js';
import { ttlToMs } from '../core/ttl.js';
import { CacheFactoryError } from '../errors.js';
import { type Fences, isFreshEntry, type NamespaceStore, type StoredEntry } from '../store/namespace-store.js';
import { acquireLock, releaseLock } from './distributed-lock.js';
import { type ResilienceSettings, writeMeta } from './resilience-options.js';
import type { JoinableLoad, SingleFlight } from './single-flight.js';

/** What one cache-aside miss asks for; built on a miss only. */
export interface LoadRequest<T> {
  readonly key: string;
  readonly id: unknown;
  readonly factory: () => T | Promise<T>;
  /** Already checked; jittered by `jitterPercent` only when a value is written. */
  readonly ttlSeconds: number;
  readonly jitterPercent: number;
  readonly policy: ResilienceSettings;
  readonly shouldCache: ((value: T) => boolean) | undefined;
}

/**
 * How a load ended. A value is safe for a caller that started by `safeUntil`: when the load read
 * its source; or, when no eviction came between then and its fenced write (stored, or the fences
 * had not moved), when that write or check was sent. Not when its reply came: an eviction Redis
 * ran after the write may resolve elsewhere before that reply arrives here. `stale`: the load has
 * only the entry past its TTL to offer (the factory failed with `error`, or another process holds the lock).
 */
export type LoadOutcome<T> =
  | { readonly kind: 'value'; readonly value: T; readonly safeUntil: number }
  | { readonly kind: 'stale'; readonly error: unknown }
  /** Nothing to share (a batch's loader returned no value for the key): a caller that joined reads again. */
  | { readonly kind: 'none' };

/** Answer of `serveStale` when the stale value may not be served to that caller. */
export const REFUSED: unique symbol = Symbol('ts-rc.stale-refused');

/** Poll interval bounds while another process holds the lock (ms). */
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 100;

/**
 * One cache-aside load, shared by the concurrent misses of a key in one process: it reads the
 * fences, calls the factory once (under the distributed lock when asked), stores the value
 * fenced, and keeps the entry past its TTL (`stale`) for callers that may be served it.
 */
export class CacheAsideLoad<T> implements JoinableLoad<T> {
  readonly outcome: Promise<LoadOutcome<T>>;
  /** Set when `hardTimeout` gave the load up: its late value is not stored. */
  #abandoned = false;
  #watched = false;
  /** The `hardTimeout` timer, referenced only while a caller waits (see `waitFor`). */
  #limit: NodeJS.Timeout | undefined;
  #waiting = 0;

  /**
   * @param startedAt when the caller that started this load began (`performance.now()`); its
   *   own read of `stale` came after, so later callers must check the entry is still there
   * @param stale the entry past its TTL, kept for grace; `FAILED` when Redis could not be read
   * @param readFences the fence tokens, when the caller's read returned them with the entry's absence
   */
  constructor(
    readonly request: LoadRequest<T>,
    readonly startedAt: number,
    private readonly store: NamespaceStore<T>,
    private readonly flights: SingleFlight,
    readonly stale: StoredEntry<T> | undefined | Failed,
    private readonly readFences?: Fences,
  ) {
    this.outcome = this.#bounded(this.#run());
  }

  get softTimeoutMs(): number {
    return this.request.policy.softTimeoutMs;
  }

  /**
   * `wait` (on this load's outcome) for one caller. While a caller waits, the `hardTimeout` timer
   * is its bound, so it keeps the process alive until the caller has its answer (a factory that
   * never settles and holds nothing open would otherwise end the process under it); a load nobody
   * waits for (its callers were served stale, an early refresh) never holds the process.
   */
  waitFor<R>(wait: Promise<R>): Promise<R> {
    if (this.#waiting++ === 0) this.#limit?.ref();
    return wait.finally(() => {
      if (--this.#waiting === 0) this.#limit?.unref();
    });
  }

  /** The stale value for a caller that began at `callerStart`, or REFUSED: never one older than an eviction that resolved before the caller began. */
  async serveStale(callerStart: number, error: unknown): Promise<T | typeof REFUSED> {
    const stale = this.stale;
    if (stale === undefined || stale === FAILED) return REFUSED;
    if (callerStart > this.startedAt) {
      // This caller began after the entry was read: serve it only if it is still the one stored.
      const raw = await this.store.readRaw(this.request.key, this.request.id);
      if (raw !== stale.raw) return REFUSED;
    }
    const reported = error === undefined ? undefined : new CacheFactoryError(this.request.key, error);
    this.store.lookedUp('stale', this.request.key, this.request.id, callerStart, reported);
    return stale.envelope.v;
  }

  /** After a caller was served stale at `softTimeout`: a later failure of the factory is reported (once), not lost. */
  reportLateFailure(): void {
    if (this.#watched) return;
    this.#watched = true;
    const { key, id } = this.request;
    void this.outcome.then(
      (outcome) => {
        if (outcome.kind === 'stale' && outcome.error !== undefined) {
          this.store.runner.report(new CacheFactoryError(key, outcome.error), this.store.scope(key, id));
        }
      },
      () => {},
    );
  }

  /** The factory's value, computed now and stored fenced. */
  async #compute(): Promise<LoadOutcome<T>> {
    // Fences read with the entry came before the factory too: older tokens only refuse more writes.
    const asOf = this.readFences ? this.startedAt : performance.now();
    const fences =
      this.stale === FAILED ? FAILED : (this.readFences ?? (await this.store.readFences(this.request.key, this.request.id)));
    let value: T;
    try {
      value = await new Promise<T>((resolve) => resolve(this.request.factory()));
    } catch (error) {
      if (this.stale === undefined || this.stale === FAILED) throw error; // the factory's own error, never cached
      return { kind: 'stale', error };
    }
    const verifiedAt = await this.#persist(value, fences, performance.now() - asOf);
    return { kind: 'value', value, safeUntil: verifiedAt ?? asOf };
  }

  async #run(): Promise<LoadOutcome<T>> {
    try {
      return await (this.request.policy.lock && this.stale !== FAILED
        ? this.#underLock(this.request.policy.lock)
        : this.#compute());
    } finally {
      this.flights.finish(this.request.key, this as JoinableLoad<unknown>);
    }
  }

  /** `hardTimeout`: give the load up, free its key, and answer with the stale value or a `CacheFactoryError`. */
  #bounded(run: Promise<LoadOutcome<T>>): Promise<LoadOutcome<T>> {
    const limitMs = this.request.policy.hardTimeoutMs;
    if (limitMs === 0) return run;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#abandoned = true;
        this.flights.finish(this.request.key, this as JoinableLoad<unknown>);
        const error = new CacheFactoryError(this.request.key, new Error(`the load took longer than hardTimeout (${limitMs} ms)`));
        if (this.stale !== undefined && this.stale !== FAILED) resolve({ kind: 'stale', error });
        else reject(error);
      }, limitMs);
      timer.unref(); // until a caller waits for it
      this.#limit = timer;
      run.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /** Distributed single-flight: compute under the lock, else wait for its holder's value (or serve stale). */
  async #underLock(lock: { ttlMs: number; waitMs: number }): Promise<LoadOutcome<T>> {
    const { key, id } = this.request;
    const lockKey = this.store.keys.lockKey(key);
    const scope = this.store.scope(lockKey, id);
    const deadline = Date.now() + lock.waitMs;
    for (let pause = POLL_MIN_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const token = await acquireLock(this.store.runner, scope, lockKey, lock.ttlMs);
      if (token === FAILED) return this.#compute();
      if (token !== null) {
        try {
          return (await this.#readFresh()) ?? (await this.#compute()); // stored by another process meanwhile?
        } finally {
          await releaseLock(this.store.runner, scope, lockKey, token);
        }
      }
      if (this.stale !== undefined) return { kind: 'stale', error: undefined }; // its holder is refreshing it
      if (Date.now() >= deadline) return this.#compute(); // waited long enough: load it ourselves
      await sleep(Math.min(pause, deadline - Date.now()));
      const stored = await this.#readFresh();
      if (stored) return stored;
    }
  }

  /** A fresh entry in Redis now, as an outcome that later callers must not take on trust. */
  async #readFresh(): Promise<LoadOutcome<T> | undefined> {
    const asOf = performance.now();
    const entry = await this.store.read(this.request.key, this.request.id);
    if (!isFreshEntry(entry, Date.now())) return undefined;
    return { kind: 'value', value: entry.envelope.v, safeUntil: asOf };
  }

  /**
   * Store the value against the fences read before the factory ran.
   * @returns when the command that proves no eviction came was sent (callers that started by then may trust the value), or undefined
   */
  async #persist(value: T, fences: Fences | Failed, computeMs: number): Promise<number | undefined> {
    if (fences === FAILED || this.#abandoned) return undefined; // no fences: an eviction can't be ruled out
    const { key, id, policy, shouldCache } = this.request;
    const cacheable = value !== undefined && (shouldCache?.(value) ?? true);
    const ttlMs = ttlToMs(this.request.ttlSeconds, this.request.jitterPercent);
    const writtenAt = performance.now();
    if (cacheable && (await this.store.write(key, id, value, ttlMs, writeMeta(policy, computeMs), fences))) return writtenAt;
    // Not stored (refused by a fence, not cacheable, or failed): trusted only if no eviction came meanwhile.
    const checkedAt = performance.now();
    const now = await this.store.readFences(key, id);
    return now !== FAILED && now[0] === fences[0] && now[1] === fences[1] ? checkedAt : undefined;
  }
}
