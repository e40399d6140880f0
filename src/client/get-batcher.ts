import calculateSlot from 'cluster-key-slot';
import { isCluster, type RedisClient } from './redis-client.js';

interface Waiter {
  readonly key: string;
  readonly resolve: (raw: string | null) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * GETs coalesced per client: the first GET of a tick is sent at once (a lone caller pays no
 * wait), the others of that tick go out together as one MGET per slot when the tick ends, and
 * each caller gets its own answer. Under concurrency that is one command (one reply to parse)
 * where auto-pipelining would send N, and sequential callers never wait for a flush.
 */
export class GetBatcher {
  readonly #pending = new Map<RedisClient, Waiter[]>();
  readonly #flush = () => this.#flushAll();

  get(client: RedisClient, key: string): Promise<string | null> {
    const queued = this.#pending.get(client);
    if (queued === undefined) {
      this.#pending.set(client, []); // this tick's first GET: straight out
      process.nextTick(this.#flush);
      return client.get(key);
    }
    return new Promise((resolve, reject) => queued.push({ key, resolve, reject }));
  }

  #flushAll(): void {
    for (const [client, waiters] of this.#pending) {
      if (waiters.length === 1) send(client, waiters);
      else if (waiters.length > 1) for (const group of bySlot(client, waiters)) send(client, group);
    }
    this.#pending.clear();
  }
}

function send(client: RedisClient, waiters: readonly Waiter[]): void {
  if (waiters.length === 1) {
    const [waiter] = waiters as [Waiter];
    client.get(waiter.key).then(waiter.resolve, waiter.reject);
    return;
  }
  client.mget(...waiters.map((w) => w.key)).then(
    (values) => {
      for (const [i, w] of waiters.entries()) w.resolve(values[i] ?? null);
    },
    (error: unknown) => {
      for (const w of waiters) w.reject(error);
    },
  );
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
