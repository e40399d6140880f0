import { FAILED, type Failed, type InflightLoad } from '../client/command-runner.js';
import type { Envelope } from '../core/codec.js';
import { shouldRefreshEarly } from '../core/early-refresh.js';
import { ttlToMs } from '../core/ttl.js';
import { CacheFactoryError } from '../errors.js';
import type { EntryStore, Fences, WriteMeta } from '../store/namespace-store.js';
import { acquireLock, releaseLock } from './distributed-lock.js';
import type { LoadPolicy } from './resilience-options.js';

/** One cache-aside load, built on a miss. */
export interface LoadRequest<T> {
  key: string;
  id: unknown;
  factory: () => T | Promise<T>;
  /** The TTL to write, seconds (already checked); jittered (the service's `jitterPercent`) only when a value is written. */
  ttl: number;
  policy: LoadPolicy;
  shouldCache: ((value: T) => boolean) | undefined;
}

/**
 * A load in flight, shared by the concurrent misses of one key in one process. `trusted` turns
 * false when an eviction may have come between the load's read of the source and its end (its
 * fenced write was refused, or the fences moved): callers that joined it then load again, since
 * they may have started after that eviction.
 */
interface Load<T> extends InflightLoad {
  promise: Promise<T>;
}

/** Poll interval bounds while another process holds the lock (ms). */
const POLL_MIN_MS = 5;
const POLL_MAX_MS = 100;
const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Cache-aside for one key: a fresh entry is returned (maybe refreshed early in the background);
 * on a miss the value is loaded once per process (single-flight) — under the distributed lock
 * when enabled — with an entry past its TTL but within grace served if the factory fails or is
 * slower than `softTimeout`. Lookups are never shared, so a hit costs what `get` costs.
 */
export async function getOrLoad<T>(
  store: EntryStore<T>,
  key: string,
  id: unknown,
  factory: () => T | Promise<T>,
  ttl: number,
  policy: LoadPolicy,
  shouldCache?: (value: T) => boolean,
): Promise<T> {
  // Positional arguments: a hit allocates no request object; EntryStore.read is inlined: one await.
  const start = performance.now();
  const pending = store.fetch(key, id);
  let entry: Envelope<T> | undefined | Failed = FAILED;
  if (pending !== FAILED) {
    try {
      entry = store.received(await pending, key, id);
    } catch (error) {
      entry = store.failedRead(error, key, id);
    }
  }
  if (entry !== FAILED && entry !== undefined && (entry.e === undefined || isFresh(entry, Date.now()))) {
    store.lookedUp('hit', key, id, start);
    const { earlyRefresh } = policy;
    if (earlyRefresh > 0 && entry.e !== undefined && shouldRefreshEarly(Date.now(), entry.e, entry.d ?? 0, earlyRefresh)) {
      refreshInBackground(store, { key, id, factory, ttl, policy, shouldCache });
    }
    return entry.v;
  }
  store.lookedUp('miss', key, id, start);
  const inflight = store.runtime.inflight as unknown as Map<string, Load<T>>;
  const running = inflight.get(key);
  if (running) {
    const value = await running.promise; // its error, if any, is shared
    return running.trusted ? value : getOrLoad(store, key, id, factory, ttl, policy, shouldCache);
  }
  const load: Load<T> = { promise: undefined as unknown as Promise<T>, trusted: true };
  load.promise = runLoad(store, { key, id, factory, ttl, policy, shouldCache }, load, entry, start);
  inflight.set(key, load);
  return load.promise;
}

async function runLoad<T>(
  store: EntryStore<T>,
  request: LoadRequest<T>,
  load: Load<T>,
  entry: Envelope<T> | undefined | Failed,
  start: number,
): Promise<T> {
  // Registered in `inflight` right after this returns its promise; every path below awaits
  // before `finally`, so the entry can't be cleared before it is registered.
  try {
    // Redis is not answering: don't spend another command timeout on fences or a write. (The
    // factory runs inside a promise, so a synchronous throw also settles after registration.)
    if (entry === FAILED) return await new Promise<T>((resolve) => resolve(request.factory()));
    return await (request.policy.lock
      ? loadLocked(store, request, load, entry, start)
      : compute(store, request, load, entry, start));
  } finally {
    // An eviction may have detached this load already (EntryStore.evict / evictMatching).
    if (store.runtime.inflight.get(request.key) === load) store.runtime.inflight.delete(request.key);
  }
}

/** Past its logical expiry (kept only for grace) counts as not fresh. */
export function isFresh(entry: Envelope<unknown>, now: number): boolean {
  return entry.e === undefined || now < entry.e;
}

async function loadLocked<T>(
  store: EntryStore<T>,
  request: LoadRequest<T>,
  load: Load<T>,
  stale: Envelope<T> | undefined,
  start: number,
): Promise<T> {
  const lock = request.policy.lock as { ttl: number; wait: number };
  const lockKey = store.keys.lockBase + request.key.slice(store.keys.base.length);
  const deadline = Date.now() + lock.wait;
  for (let pause = POLL_MIN_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
    const token = await acquireLock(store, lockKey, lock.ttl, request.id);
    if (token === FAILED) return compute(store, request, load, stale, start);
    if (token !== null) {
      try {
        // Another process may have stored the value between our miss and taking the lock.
        const entry = await store.read(request.key, request.id);
        if (entry !== FAILED && entry !== undefined && isFresh(entry, Date.now())) return entry.v;
        return await compute(store, request, load, stale, start);
      } finally {
        await releaseLock(store, lockKey, token, request.id);
      }
    }
    if (stale !== undefined) return serveStale(store, request, stale, start); // someone is refreshing it
    const left = deadline - Date.now();
    if (left <= 0) return compute(store, request, load, undefined, start); // waited long enough: load it ourselves
    await sleep(Math.min(pause, left));
    const entry = await store.read(request.key, request.id);
    if (entry === FAILED) return request.factory();
    if (entry !== undefined && isFresh(entry, Date.now())) return entry.v;
  }
}

/** Call the factory and store its value, fenced against evictions that happen meanwhile. */
async function compute<T>(
  store: EntryStore<T>,
  request: LoadRequest<T>,
  load: Load<T>,
  stale: Envelope<T> | undefined,
  start: number,
): Promise<T> {
  const fences = await store.readFences(request.key, request.id);
  const began = performance.now();
  const pending = new Promise<T>((resolve) => resolve(request.factory()));
  const { softTimeout } = request.policy;
  let value: T | typeof TIMED_OUT;
  try {
    value = stale !== undefined && softTimeout > 0 ? await raceTimeout(pending, softTimeout) : await pending;
  } catch (error) {
    if (stale === undefined) throw error; // the factory's own error reaches the caller, never cached
    return serveStale(store, request, stale, start, error);
  }
  if (value === TIMED_OUT) {
    pending.then(
      (late) => persist(store, request, load, late, fences, performance.now() - began),
      (error: unknown) => store.runtime.report(new CacheFactoryError(request.key, error), store.scope(request.key, request.id)),
    );
    return serveStale(store, request, stale!, start);
  }
  await persist(store, request, load, value, fences, performance.now() - began);
  return value;
}

function serveStale<T>(store: EntryStore<T>, request: LoadRequest<T>, stale: Envelope<T>, start: number, cause?: unknown): T {
  const error = cause === undefined ? undefined : new CacheFactoryError(request.key, cause);
  store.lookedUp('stale', request.key, request.id, start, error);
  return stale.v;
}

async function persist<T>(
  store: EntryStore<T>,
  request: LoadRequest<T>,
  load: Load<T>,
  value: T,
  fences: Fences | Failed,
  deltaMs: number,
): Promise<void> {
  if (fences === FAILED) return; // Redis is down: nothing to store, no eviction to miss
  const cacheable = value !== undefined && (request.shouldCache?.(value) ?? true);
  const meta = writeMeta(request.policy, deltaMs);
  const ttlMs = ttlToMs(request.ttl, store.jitterPercent);
  if (cacheable && (await store.write(request.key, request.id, value, ttlMs, meta, fences))) return;
  // Not stored (refused by a fence, not cacheable, or failed): if an eviction came meanwhile,
  // callers that joined this load must not trust its value.
  const now = await store.readFences(request.key, request.id);
  if (now !== FAILED && (now[0] !== fences[0] || now[1] !== fences[1])) load.trusted = false;
}

/** What a write records for a policy: expiry and compute time only when grace or early refresh needs them. */
export function writeMeta(policy: LoadPolicy, deltaMs?: number): WriteMeta {
  return { graceMs: policy.graceMs, withExpiry: policy.graceMs > 0 || policy.earlyRefresh > 0, deltaMs };
}

/** One background refresh per key per runtime; its failure is reported, never thrown. */
function refreshInBackground<T>(store: EntryStore<T>, request: LoadRequest<T>): void {
  const keys = store.runtime.refreshing;
  if (keys.has(request.key)) return;
  keys.add(request.key);
  const noStale = { ...request, policy: { ...request.policy, softTimeout: 0 } };
  compute(store, noStale, { promise: Promise.resolve(undefined as T), trusted: true }, undefined, performance.now())
    .catch((error: unknown) =>
      store.runtime.report(new CacheFactoryError(request.key, error), store.scope(request.key, request.id)),
    )
    .finally(() => keys.delete(request.key));
}

function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
