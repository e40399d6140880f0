import { randomUUID } from 'node:crypto';
import { type CommandRunner, type EventScope, FAILED, type Failed } from '../client/command-runner.js';
import type { RedisClient } from '../client/redis-client.js';
import { ReplicaAcks } from '../client/replica-acks.js';
import type { CacheCounters } from '../client/stats.js';
import { type Codec, type Envelope, isFresh } from '../core/codec.js';
import { DEFAULTS } from '../core/defaults.js';
import type { KeyLayout } from '../core/key-layout.js';
import { CacheError, CacheSerializationError } from '../errors.js';
import {
  EVICT_ENTRY,
  READ_ENTRY_OR_FENCES,
  READ_FENCES,
  runEvicting,
  runScript,
  STORE_AND_FENCE,
  STORE_FENCED,
} from './lua-scripts.js';
import { unlinkMatching } from './pattern-unlink.js';

/** An entry as read: the decoded envelope and the text it came from (to tell a rewrite apart). */
export interface StoredEntry<T> {
  readonly envelope: Envelope<T>;
  readonly raw: string;
}

/** The fence tokens a load read before calling its factory: the entry's and the namespace's. */
export type Fences = readonly [string, string];

/** A load's first read (`readOrFences`): the entry, or the fences when there was none. */
export interface EntryOrFences<T> {
  readonly entry: StoredEntry<T> | undefined | Failed;
  /** Read (created when missing) in the same script, when the entry was absent. */
  readonly fences: Fences | undefined;
}

/** Metadata written with a value: logical expiry and compute time, used by grace and early refresh. */
export interface WriteMeta {
  /** Extra ms the entry is kept after its TTL, to be served stale. */
  graceMs: number;
  /** Record the logical expiry in the envelope (grace, early refresh). */
  withExpiry: boolean;
  /** How long the value took to compute (ms), for early refresh. */
  computeMs?: number | undefined;
}

/** A read that found an entry still within its TTL (one past it is kept only for grace). */
export function isFreshEntry<T>(entry: StoredEntry<T> | undefined | Failed, now: number): entry is StoredEntry<T> {
  return entry !== undefined && entry !== FAILED && isFresh(entry.envelope, now);
}

/** Lookup outcomes, as counted in stats and (all but `joined`) emitted as events. */
export type LookupOutcome = 'hit' | 'miss' | 'stale' | 'joined';
const COUNTER = { hit: 'hits', miss: 'misses', stale: 'stale', joined: 'joined' } as const;

/**
 * The Redis side of one namespace: read, write (plain or fenced), evict, count and announce.
 * Every command goes through the runner, so failures arrive here as `FAILED`, already reported.
 */
export class NamespaceStore<T> {
  constructor(
    readonly runner: CommandRunner,
    readonly namespace: string,
    /** The standalone layout and the Cluster one: which applies depends on the client attached. */
    private readonly layouts: { readonly standalone: KeyLayout; readonly cluster: KeyLayout },
    private readonly codec: Codec<T>,
    private readonly counters: CacheCounters,
  ) {}

  /** The key layout for the client the runner uses now (a manager may get its client after services are made). */
  get keys(): KeyLayout {
    return this.runner.clustered ? this.layouts.cluster : this.layouts.standalone;
  }

  scope(key: string, id: unknown): EventScope {
    return { namespace: this.namespace, key, id: id as EventScope['id'] };
  }

  /** GET and decode. A corrupt or invalid entry is reported and removed before this resolves, and reads as absent. */
  read(key: string, id: unknown): Promise<StoredEntry<T> | undefined | Failed> {
    return this.runner.get(key, this.scope(key, id)).then((raw) => this.decode(raw, key, id));
  }

  /** An entry's text as `read` decodes it (also for a batch read): corrupt or invalid → reported, removed, absent. */
  decode(raw: string | null | Failed, key: string, id: unknown): StoredEntry<T> | undefined | Failed | Promise<undefined> {
    if (raw === FAILED || raw === null) return raw === null ? undefined : FAILED;
    try {
      return { envelope: this.codec.decode(raw, key), raw };
    } catch (error) {
      const scope = this.scope(key, id);
      this.runner.report(error as CacheError, scope);
      return this.runner.run('DEL', scope, (c) => c.unlink(key)).then(() => undefined);
    }
  }

  /** The current text of an entry (null when absent, FAILED when Redis could not answer). */
  readRaw(key: string, id: unknown): Promise<string | null | Failed> {
    return this.runner.get(key, this.scope(key, id));
  }

  /**
   * The entry, or (when there is none) the fence tokens a load stores against, in one script: a
   * miss then costs two round trips, not three. A hit costs a script instead of a GET (and is not
   * coalesced), so callers choose it only when a miss is likely (see service/load-forecast.ts).
   */
  async readOrFences(key: string, id: unknown): Promise<EntryOrFences<T>> {
    const layout = this.keys;
    const keys = [key, layout.entryFence(key), layout.namespaceFenceOf(key)];
    const reply = await this.runner.run('GET', this.scope(key, id), (c) =>
      runScript(c, READ_ENTRY_OR_FENCES, keys, [randomUUID(), DEFAULTS.fenceTtlMs]),
    );
    if (Array.isArray(reply)) return { entry: undefined, fences: reply as unknown as Fences };
    return { entry: await this.decode(reply as string | Failed, key, id), fences: undefined };
  }

  /** The fence tokens to store against, created when missing. */
  async readFences(key: string, id: unknown): Promise<Fences | Failed> {
    const layout = this.keys;
    const keys = [layout.entryFence(key), layout.namespaceFenceOf(key)];
    const tokens = await this.runner.run('FENCES', this.scope(key, id), (c) =>
      runScript(c, READ_FENCES, keys, [randomUUID(), DEFAULTS.fenceTtlMs]),
    );
    return tokens === FAILED ? FAILED : (tokens as [string, string]);
  }

  /**
   * Encode and store. With `fences` (a load), only if no eviction or write happened since they
   * were read; without (an explicit write), the entry's fence moves, so older loads can't overwrite it.
   */
  async write(key: string, id: unknown, value: T, ttlMs: number, meta: WriteMeta, fences?: Fences): Promise<boolean> {
    if (value === undefined) return false; // undefined is "nothing to cache", never stored
    const start = performance.now();
    const raw = this.encode(key, id, value, ttlMs, meta);
    if (raw === undefined) return false;
    const px = ttlMs + meta.graceMs;
    const scope = this.scope(key, id);
    // An explicit write moves the entry's fence: losing it in a failover would bring the old value back, as a lost eviction would.
    const acks = fences ? undefined : ReplicaAcks.of(this.runner, 'SET', scope);
    const stored = await this.runner.run('SET', scope, (c) => this.#setRaw(c, key, raw, px, fences, acks));
    if (stored !== true) return false;
    this.countSet(key, id, start);
    return true;
  }

  /** Count and announce one stored entry. */
  countSet(key: string, id: unknown, start: number): void {
    this.counters.sets++;
    this.runner.stats.total.sets++;
    this.announce('set', key, id, start);
  }

  /** Remove one entry and fence it. @returns whether an entry was removed, FAILED when Redis could not */
  async evict(key: string, id: unknown): Promise<boolean | Failed> {
    const start = performance.now();
    const scope = this.scope(key, id);
    const acks = ReplicaAcks.of(this.runner, 'DEL', scope);
    const removed = await this.runner.run('DEL', scope, (c) =>
      runEvicting(c, EVICT_ENTRY, [key, this.keys.entryFence(key)], [randomUUID(), DEFAULTS.fenceTtlMs], acks),
    );
    if (removed === FAILED) return FAILED;
    this.evicted(removed as number, key, id, start);
    return removed === 1;
  }

  /** Fence the namespace, then remove every entry whose identifier part matches the glob `pattern`. @returns entries removed */
  async evictMatching(pattern: string): Promise<number> {
    const start = performance.now();
    const layout = this.keys;
    const match = layout.match(pattern);
    const removed = await unlinkMatching(this.runner, layout.namespaceFences(), match, this.scope(match, undefined));
    if (removed === FAILED) return 0; // not fenced: nothing evicted, no 'evict' event (the failure is reported)
    this.evicted(removed, match, undefined, start);
    return removed;
  }

  exists(key: string, id: unknown): Promise<number | Failed> {
    return this.runner.run('EXISTS', this.scope(key, id), (c) => c.exists(key));
  }

  pttl(key: string, id: unknown): Promise<number | Failed> {
    return this.runner.run('PTTL', this.scope(key, id), (c) => c.pttl(key));
  }

  /** Count and announce a lookup's outcome. A caller that joined a running load is counted only: the miss that started it was announced. */
  lookedUp(outcome: LookupOutcome, key: string, id: unknown, start: number, error?: CacheError): void {
    const counter = COUNTER[outcome];
    this.counters[counter]++;
    this.runner.stats.total[counter]++;
    if (outcome !== 'joined') this.announce(outcome, key, id, start, error);
  }

  announce(
    event: Exclude<LookupOutcome, 'joined'> | 'set' | 'evict',
    key: string,
    id: unknown,
    start: number,
    error?: CacheError,
  ): void {
    if (this.runner.events.listens(event)) {
      this.runner.events.emit(event, { ...this.scope(key, id), durationMs: performance.now() - start, error });
    }
  }

  /** Count `count` removed entries and announce the eviction of `key`. */
  evicted(count: number, key: string, id: unknown, start: number): void {
    this.counters.evictions += count;
    this.runner.stats.total.evictions += count;
    this.announce('evict', key, id, start);
  }

  /** The text to store for `value`, or undefined when it can't be stored (reported). */
  encode(key: string, id: unknown, value: T, ttlMs: number, meta: WriteMeta): string | undefined {
    try {
      const envelope: Envelope<T> = meta.withExpiry ? { v: value, e: Date.now() + ttlMs, d: meta.computeMs } : { v: value };
      return this.codec.encode(envelope);
    } catch (error) {
      const reported = error instanceof CacheError ? error : new CacheSerializationError(String(error), error);
      this.runner.report(reported, this.scope(key, id));
      return undefined;
    }
  }

  async #setRaw(
    client: RedisClient,
    key: string,
    raw: string,
    px: number,
    fences: Fences | undefined,
    acks: ReplicaAcks | undefined,
  ): Promise<boolean> {
    if (!fences) {
      const args = [raw, px, randomUUID(), DEFAULTS.fenceTtlMs];
      return (await runEvicting(client, STORE_AND_FENCE, [key, this.keys.entryFence(key)], args, acks)) === 1;
    }
    const layout = this.keys;
    const keys = [key, layout.entryFence(key), layout.namespaceFenceOf(key)];
    return (await runScript(client, STORE_FENCED, keys, [raw, px, fences[0], fences[1]])) === 1;
  }
}
