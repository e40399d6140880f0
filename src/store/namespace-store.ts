import { type CacheRuntime, type EventScope, FAILED, type Failed, type RedisClient } from '../client/command-runner.js';
import type { CacheEventName } from '../client/events.js';
import type { CacheCounters } from '../client/stats.js';
import type { Codec, Envelope } from '../core/codec.js';
import type { KeyLayout } from '../core/keys.js';
import { CacheError, CacheSerializationError } from '../errors.js';
import { BUMP_FENCE, EVICT, runScript, STORE_FENCED } from './lua-scripts.js';
import { unlinkMatching } from './pattern-unlink.js';

/** Fence values seen before a load began (`''` when absent); a write with them is refused if either moved. */
export type Fences = readonly [string, string];

/** Metadata written with a value: logical expiry and compute time, used by grace and early refresh. */
export interface WriteMeta {
  /** Extra ms the entry is kept after its TTL, to be served stale. */
  graceMs: number;
  /** Record the logical expiry in the envelope (grace, early refresh). */
  withExpiry: boolean;
  /** How long the value took to compute (ms), for early refresh. */
  deltaMs?: number | undefined;
}

/** How long an eviction fence outlives its eviction (ms): loads slower than this are not fenced. */
const FENCE_TTL_MS = 60 * 60 * 1000;

/**
 * The Redis side of one namespace: read, write (plain or fenced), evict, count and report.
 * Every command goes through the runtime, so failures arrive here as `FAILED`, already reported.
 */
export class EntryStore<T> {
  constructor(
    readonly runtime: CacheRuntime,
    readonly namespace: string,
    readonly keys: KeyLayout,
    private readonly codec: Codec<T>,
    private readonly counters: CacheCounters,
    /** ±fraction applied to every TTL this namespace writes. */
    readonly jitterPercent: number,
  ) {}

  /**
   * GET and decode. A corrupt or invalid entry is reported, removed and read as absent.
   * @returns FAILED when Redis could not answer (already reported), so callers skip further commands
   */
  async read(key: string, id: unknown): Promise<Envelope<T> | undefined | Failed> {
    const pending = this.fetch(key, id);
    if (pending === FAILED) return FAILED;
    try {
      return this.received(await pending, key, id);
    } catch (error) {
      return this.failedRead(error, key, id);
    }
  }

  /**
   * `read` in three steps, for the hit paths (`get`, `getOrSet`) to inline, so that a hit is one
   * `await` on ioredis: send the GET (FAILED when the cache is bypassed, already reported)...
   */
  fetch(key: string, id: unknown): Promise<string | null> | Failed {
    // No closure and no scope object unless something fails.
    const client = this.runtime.acquire('GET', this.namespace, key, id as EventScope['id']);
    return client === undefined ? FAILED : this.runtime.bound(client.get(key));
  }

  /** ...decode its answer (never throws)... */
  received(raw: string | null, key: string, id: unknown): Envelope<T> | undefined {
    this.runtime.succeeded();
    return raw === null ? undefined : this.decode(raw, key, id);
  }

  /** ...or report its failure. */
  failedRead(error: unknown, key: string, id: unknown): Failed {
    this.runtime.failed('GET', error, this.scope(key, id));
    return FAILED;
  }

  private decode(raw: string, key: string, id: unknown): Envelope<T> | undefined {
    try {
      return this.codec.decode(raw, key);
    } catch (error) {
      const scope = this.scope(key, id);
      this.runtime.report(error as CacheError, scope);
      void this.runtime.run('DEL', scope, (c) => c.unlink(key));
      return undefined;
    }
  }

  /** Count and announce a lookup's outcome. */
  lookedUp(outcome: 'hit' | 'miss' | 'stale', key: string, id: unknown, start: number, error?: CacheError): void {
    const counter = outcome === 'hit' ? 'hits' : outcome === 'miss' ? 'misses' : 'stale';
    this.counters[counter]++;
    this.runtime.stats.total[counter]++;
    this.announce(outcome, key, id, start, error);
  }

  announce(event: CacheEventName, key: string, id: unknown, start: number, error?: CacheError): void {
    if (this.runtime.events.listens(event)) {
      this.runtime.events.emit(event, { ...this.scope(key, id), durationMs: performance.now() - start, error });
    }
  }

  /** The entry's and the namespace's fence values, read before a load calls its factory. */
  async readFences(key: string, id: unknown): Promise<Fences | Failed> {
    const fences = await this.runtime.run('MGET', this.scope(key, id), (c) =>
      c.mget(this.fenceKey(key), this.keys.namespaceFence),
    );
    return fences === FAILED ? FAILED : [fences[0] ?? '', fences[1] ?? ''];
  }

  /** Encode and store; with `fences`, only if no eviction happened since they were read. */
  async write(key: string, id: unknown, value: T, ttlMs: number, meta: WriteMeta, fences?: Fences): Promise<boolean> {
    if (value === undefined) return false; // undefined is "nothing to cache", never stored
    const start = performance.now();
    let raw: string;
    try {
      const envelope: Envelope<T> = meta.withExpiry ? { v: value, e: Date.now() + ttlMs, d: meta.deltaMs } : { v: value };
      raw = this.codec.encode(envelope);
    } catch (error) {
      this.runtime.report(
        error instanceof CacheError ? error : new CacheSerializationError(String(error), error),
        this.scope(key, id),
      );
      return false;
    }
    const px = ttlMs + meta.graceMs;
    const stored = await this.runtime.run('SET', this.scope(key, id), (c) => this.store(c, key, raw, px, fences));
    if (stored !== true) return false;
    this.counters.sets++;
    this.runtime.stats.total.sets++;
    this.announce('set', key, id, start);
    return true;
  }

  /** Remove one entry and bump its fence. @returns whether an entry was removed (false when down) */
  async evict(key: string, id: unknown): Promise<boolean> {
    const start = performance.now();
    this.runtime.inflight.delete(key); // a read that starts after this must not join an older load
    const removed = await this.runtime.run('DEL', this.scope(key, id), (c) =>
      runScript(c, EVICT, [key, this.fenceKey(key)], [FENCE_TTL_MS]),
    );
    if (removed === FAILED) return false;
    this.evicted(removed as number, key, id, start);
    return removed === 1;
  }

  /** Bump the namespace fence, then SCAN + UNLINK `match`. @returns keys removed (0 when down) */
  async evictMatching(match: string): Promise<number> {
    const start = performance.now();
    const scope = this.scope(match, undefined);
    for (const key of this.runtime.inflight.keys()) if (key.startsWith(this.keys.base)) this.runtime.inflight.delete(key);
    // Fence first: any load already under way can no longer store what it read before this.
    const fenced = await this.runtime.run('INCR', scope, (c) =>
      runScript(c, BUMP_FENCE, [this.keys.namespaceFence], [FENCE_TTL_MS]),
    );
    if (fenced === FAILED) return 0;
    const memory = this.runtime.memory;
    const removed = await this.runtime.run('SCAN', scope, (c) => unlinkMatching(c, match, memory));
    if (removed === FAILED) return 0;
    this.evicted(removed, match, undefined, start);
    return removed;
  }

  scope(key: string, id: unknown): EventScope {
    return { namespace: this.namespace, key, id: id as EventScope['id'] };
  }

  private evicted(count: number, key: string, id: unknown, start: number): void {
    this.counters.evictions += count;
    this.runtime.stats.total.evictions += count;
    this.announce('evict', key, id, start);
  }

  private fenceKey(key: string): string {
    return this.keys.fenceBase + key.slice(this.keys.base.length);
  }

  private async store(client: RedisClient, key: string, raw: string, px: number, fences: Fences | undefined): Promise<boolean> {
    // ioredis-mock keeps an expired key's old expiry until the key is next read, and applies it
    // to a new SET PX of that key (the value vanishes at once). Reading it first purges it.
    if (this.runtime.memory) await client.exists(key);
    if (!fences) return (await client.set(key, raw, 'PX', px)) === 'OK';
    const keys = [key, this.fenceKey(key), this.keys.namespaceFence];
    return (await runScript(client, STORE_FENCED, keys, [raw, px, fences[0], fences[1]])) === 1;
  }
}
