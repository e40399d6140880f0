import type { Cluster, Redis } from 'ioredis';
import { sleep } from './events.js';

export interface NaiveOptions {
  /** Seconds. */
  ttl: number;
  /** Seconds an expired entry is kept to be served stale. */
  grace?: number | undefined;
  /** ms: with a stale value at hand, serve it if the factory is slower. */
  softTimeout?: number | undefined;
  /** ms: take a lock (SET NX PX) before loading; without it, poll for the holder's value for `wait` ms, then serve the stale value (or load). */
  lock?: { ttl: number; wait: number } | undefined;
}

/** How a naive read was answered. */
export type NaivePath = 'hit' | 'load' | 'stale';

interface Entry<T> {
  v: T;
  /** Logical expiry, epoch ms. */
  e: number;
}

/** What a load answers when it has only the stale value to offer (the lock's holder did not deliver within `wait`). */
const STALE: unique symbol = Symbol('naive.stale');
const TIMED_OUT: unique symbol = Symbol('naive.timed-out');

interface Load<T> {
  /** The expired entry the load's first caller read, served to everyone who joins. */
  readonly stale: Entry<T> | undefined;
  readonly value: Promise<T | typeof STALE>;
}

/** Store only if the eviction counter still holds what the load read. KEYS: entry, counter. ARGV: text, ms, count. */
const FENCED_SET = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
/** KEYS: entry, counter. */
const EVICT = `
redis.call('DEL', KEYS[1])
return redis.call('INCR', KEYS[2])`;

/**
 * Negative controls only: the cache-aside a user writes by hand. GET; on a miss one load per key
 * in this process, joined by concurrent misses; a write fenced by an eviction counter, so no value
 * older than an eviction is ever stored. But with `grace` it keeps the expired entry and serves it
 * when the factory fails, is slower than `softTimeout`, or the lock's holder did not deliver, to
 * every caller that joined, without checking that it is still stored.
 */
export class NaiveCacheAside<T> {
  readonly #loads = new Map<string, Load<T>>();

  constructor(
    private readonly client: Redis | Cluster,
    private readonly options: NaiveOptions,
  ) {}

  async getOrSet(key: string, factory: () => Promise<T>): Promise<{ value: T; via: NaivePath }> {
    const raw = await this.client.get(key);
    const entry = raw === null ? undefined : (JSON.parse(raw) as Entry<T>);
    if (entry && Date.now() < entry.e) return { value: entry.v, via: 'hit' };
    let load = this.#loads.get(key);
    if (!load) {
      const stale = this.options.grace ? entry : undefined;
      load = { stale, value: this.#load(key, factory, stale).finally(() => this.#loads.delete(key)) };
      this.#loads.set(key, load);
    }
    const { stale } = load;
    const softTimeout = this.options.softTimeout;
    try {
      const value =
        stale && softTimeout
          ? await Promise.race([load.value, sleep(softTimeout).then((): typeof TIMED_OUT => TIMED_OUT)])
          : await load.value;
      if (value === STALE || value === TIMED_OUT) return { value: stale!.v, via: 'stale' };
      return { value, via: 'load' };
    } catch (error) {
      if (stale) return { value: stale.v, via: 'stale' };
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.eval(EVICT, 2, key, `${key}:evictions`);
  }

  async #load(key: string, factory: () => Promise<T>, stale: Entry<T> | undefined): Promise<T | typeof STALE> {
    const lock = this.options.lock;
    let locked = false;
    if (lock) {
      const deadline = Date.now() + lock.wait;
      for (;;) {
        locked = (await this.client.set(`${key}:lock`, '1', 'PX', lock.ttl, 'NX')) === 'OK';
        if (locked) break;
        if (Date.now() >= deadline) {
          if (stale) return STALE; // its holder did not deliver in time: serve what we have
          break;
        }
        await sleep(5);
        const raw = await this.client.get(key);
        const stored = raw === null ? undefined : (JSON.parse(raw) as Entry<T>);
        if (stored && Date.now() < stored.e) return stored.v;
      }
    }
    try {
      const evictions = (await this.client.get(`${key}:evictions`)) ?? '0';
      const value = await factory();
      const ttlMs = this.options.ttl * 1000;
      const text = JSON.stringify({ v: value, e: Date.now() + ttlMs });
      await this.client.eval(FENCED_SET, 2, key, `${key}:evictions`, text, ttlMs + (this.options.grace ?? 0) * 1000, evictions);
      return value;
    } finally {
      if (locked) await this.client.del(`${key}:lock`);
    }
  }
}
