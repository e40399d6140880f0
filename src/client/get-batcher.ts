import calculateSlot from 'cluster-key-slot';
import { isCluster, type RedisClient } from './redis-client.js';

interface Waiter {
  readonly key: string;
  readonly resolve: (raw: string | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * GETs coalesced under concurrency, never delayed without it: while no GET is in flight a GET is
 * sent at once (a lone caller pays nothing: no timer, no tick to wait); the GETs that come while
 * one is in flight are collected until the end of the tick and go out as one MGET per slot, each
 * caller getting its own answer. Under load that is one command and one reply to parse where
 * auto-pipelining would send N; a sequential caller never waits for a flush.
 */
export class GetBatcher {
  #inFlight = 0;
  #batch: Waiter[] | undefined;
  #client: RedisClient | undefined;
  readonly #settled = () => {
    this.#inFlight--;
  };
  readonly #flush = () => this.#send();

  get(client: RedisClient, key: string): Promise<string | null> {
    if (this.#inFlight === 0) {
      this.#inFlight++;
      const pending = client.get(key);
      pending.then(this.#settled, this.#settled);
      return pending;
    }
    if (this.#batch === undefined) {
      this.#batch = [];
      this.#client = client; // any of a pool's connections reaches the same server
      process.nextTick(this.#flush);
    }
    const batch = this.#batch;
    return new Promise((resolve, reject) => batch.push({ key, resolve, reject }));
  }

  #send(): void {
    const batch = this.#batch ?? [];
    const client = this.#client!;
    this.#batch = undefined;
    this.#client = undefined;
    for (const group of bySlot(client, batch)) {
      this.#inFlight++;
      const keys = group.map((w) => w.key);
      const pending = keys.length === 1 ? client.get(keys[0]!).then((raw) => [raw]) : client.mget(...keys);
      pending.then(
        (values) => {
          this.#inFlight--;
          for (const [i, w] of group.entries()) w.resolve(values[i] ?? null);
        },
        (error: unknown) => {
          this.#inFlight--;
          for (const w of group) w.reject(error);
        },
      );
    }
  }
}

/** On a Cluster the keys of one MGET must share a slot. */
function bySlot(client: RedisClient, waiters: readonly Waiter[]): Waiter[][] {
  if (!isCluster(client)) return [[...waiters]];
  const groups = new Map<number, Waiter[]>();
  for (const waiter of waiters) {
    const slot = calculateSlot(waiter.key);
    const group = groups.get(slot);
    if (group) group.push(waiter);
    else groups.set(slot, [waiter]);
  }
  return [...groups.values()];
}
