import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { type BreakerSettings, CircuitBreaker } from './circuit-breaker.js';

/**
 * On a Redis Cluster, one circuit breaker per master, so a dead shard (a third of the slots) is
 * bypassed on its own while the healthy shards keep caching; and each command is checked against
 * the status of the connection that would carry it, so a call to a dead shard fails at once
 * instead of waiting the command timeout until the failover (the cluster client itself stays
 * `ready` meanwhile).
 */
export class ShardBreakers {
  readonly #breakers = new Map<string, CircuitBreaker>();
  #nodes: Map<string, Redis> | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: BreakerSettings | false,
  ) {
    const forget = () => {
      this.#nodes = undefined;
    };
    cluster.on('+node', forget);
    cluster.on('-node', forget);
  }

  /** The master serving `key` now (`host:port`), or undefined when the slot map is not known yet. */
  shardOf(key: string): string | undefined {
    return this.cluster.slots[calculateSlot(key)]?.[0];
  }

  breakerOf(shard: string): CircuitBreaker {
    let breaker = this.#breakers.get(shard);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settings);
      this.#breakers.set(shard, breaker);
    }
    return breaker;
  }

  /** The status of the connection to `shard` (`ready`, `reconnecting`…), if the cluster has one. */
  statusOf(shard: string): string | undefined {
    this.#nodes ??= new Map(this.cluster.nodes('all').map((node) => [`${node.options.host}:${node.options.port}`, node]));
    return this.#nodes.get(shard)?.status;
  }

  /** True while every known shard's breaker is open. */
  get allOpen(): boolean {
    if (this.#breakers.size === 0) return false;
    for (const breaker of this.#breakers.values()) if (breaker.state !== 'open') return false;
    return true;
  }
}
