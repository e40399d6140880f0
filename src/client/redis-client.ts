import type { Cluster, Redis } from 'ioredis';
import { isSwept } from './command-sweep.js';

/** An ioredis-compatible client: `Redis`, `Cluster`, or ioredis-mock. */
export type RedisClient = Redis | Cluster;

/** ioredis-mock: an in-process client whose SCAN and SET PX need help (see store/). */
export function isEmbedded(client: RedisClient): boolean {
  return /RedisMock/.test(client.constructor.name);
}

/** An ioredis `Cluster` (its `isCluster` flag), whose keys must carry hash tags. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/** Clients a sweep bounds, or with ioredis' own `commandTimeout`, need no extra timer per command. */
export function timesOwnCommands(client: RedisClient): boolean {
  const options = (client as { options?: { commandTimeout?: unknown } }).options;
  return isEmbedded(client) || isSwept(client) || typeof options?.commandTimeout === 'number';
}

/** The client's own bounds on a command, ms: ioredis `commandTimeout` and `socketTimeout` (a Cluster's in `redisOptions`). */
export function ownTimeouts(client: RedisClient): number[] {
  type Bounds = { commandTimeout?: unknown; socketTimeout?: unknown };
  const options = (client as { options?: Bounds & { redisOptions?: Bounds } }).options;
  return [options, options?.redisOptions]
    .flatMap((bounds) => [bounds?.commandTimeout, bounds?.socketTimeout])
    .filter((ms): ms is number => typeof ms === 'number');
}

/** ioredis' connection status, when the client has one (ioredis-mock has none). */
export function statusOf(client: RedisClient): string | undefined {
  return (client as { status?: string }).status;
}

const epochs = new WeakMap<RedisClient, { value: number }>();
let connections = 0;

/**
 * Changes whenever `client` (re)connects, and differs between two client objects: a
 * multi-command walk (SCAN) compares it before and after each step; a change means the server
 * may be another one, so its cursor means nothing.
 */
export function connectionEpoch(client: RedisClient): number {
  let epoch = epochs.get(client);
  if (!epoch) {
    const counter = { value: ++connections * 1_000_000 };
    client.on('ready', () => counter.value++);
    epochs.set(client, counter);
    epoch = counter;
  }
  return epoch.value;
}
