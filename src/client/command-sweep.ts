import type { Cluster, Redis } from 'ioredis';
import { ConnectionDeadlines, type SweepBounds, type SweptConnection, sweepTick } from './connection-deadlines.js';

const swept = new WeakSet<object>();

/** True while a sweep bounds every command on `client`: nothing else needs to time its commands. */
export function isSwept(client: object): boolean {
  return swept.has(client);
}

/**
 * One unref'd timer per manager that bounds every command on the connections it created (theirs
 * and the app's through `cacheManager.client`): a command fails within `commandTimeoutMs` plus
 * one tick, a socket silent for `socketTimeoutMs` plus one tick is destroyed (see
 * connection-deadlines.ts). It replaces ioredis' `commandTimeout` and `socketTimeout`, which cost
 * a timer per command.
 */
export class CommandSweep {
  readonly #connections: { readonly queues: SweptConnection; readonly deadlines: ConnectionDeadlines }[];
  readonly #timer: NodeJS.Timeout;

  private constructor(clients: readonly Redis[], bounds: SweepBounds) {
    this.#connections = clients.map((client) => ({ queues: queuesOf(client), deadlines: new ConnectionDeadlines(bounds) }));
    for (const client of clients) swept.add(client);
    this.#timer = setInterval(this.#sweep, sweepTick(bounds));
    this.#timer.unref();
  }

  /**
   * Sweep the clients that are single ioredis connections; undefined if none is (a Cluster, whose
   * commands also wait in a retry queue the sweep can't see, or ioredis-mock).
   */
  static start(clients: readonly (Redis | Cluster)[], bounds: SweepBounds): CommandSweep | undefined {
    const connections = clients.filter(hasQueues);
    return connections.length > 0 ? new CommandSweep(connections, bounds) : undefined;
  }

  /** Stop the timer; the clients are no longer bounded. Safe to call twice. */
  stop(): void {
    clearInterval(this.#timer);
    for (const { queues } of this.#connections) swept.delete(queues);
  }

  readonly #sweep = (): void => {
    const now = performance.now();
    for (const { queues, deadlines } of this.#connections) deadlines.sweep(queues, now);
  };
}

/**
 * ioredis 5 keeps `commandQueue` public but `offlineQueue` and `prevCommandQueue` private, and
 * types queued commands without `isResolved`: this cast is the one place that reaches them.
 */
function queuesOf(client: Redis): SweptConnection {
  return client as unknown as SweptConnection;
}

/** A single ioredis connection with the queues the sweep reads (a Cluster and ioredis-mock have none). */
function hasQueues(client: Redis | Cluster): client is Redis {
  const { commandQueue, offlineQueue } = client as unknown as Partial<
    Record<'commandQueue' | 'offlineQueue', { peekAt?: unknown }>
  >;
  return typeof commandQueue?.peekAt === 'function' && typeof offlineQueue?.peekAt === 'function';
}
