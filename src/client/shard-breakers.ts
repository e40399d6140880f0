import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { type BreakerSettings, CircuitBreaker } from './circuit-breaker.js';
import { connectionEpoch } from './redis-client.js';

/** A Cluster's masters at one moment (see ShardBreakers.topology). */
export interface Topology {
  masters: Redis[];
  /** Changes when the set of masters changes or one of their connections is re-made. */
  signature: string;
  /** Every slot of the slot map is served by one of `masters`. */
  covered: boolean;
}

/** How often a shard found down may trigger a slot-map refresh (ms). */
const REFRESH_MS = 500;

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
  #refreshedAt = 0;

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

  /** The connection to the master serving `key` now, when the slot map names one the cluster holds. */
  nodeOf(key: string): Redis | undefined {
    const shard = this.shardOf(key);
    return shard === undefined ? undefined : this.#connections().get(shard);
  }

  /**
   * The status of the connection to `shard` (`ready`, `reconnecting`…); `end` when the cluster
   * has dropped its connection (a dead master leaves the pool, while the slot map still names it).
   */
  statusOf(shard: string): string {
    const status = this.#connections().get(shard)?.status ?? 'end';
    if (status !== 'ready' && status !== 'wait') this.suspect();
    return status;
  }

  #connections(): Map<string, Redis> {
    this.#nodes ??= new Map(this.cluster.nodes('all').map((node) => [`${node.options.host}:${node.options.port}`, node]));
    return this.#nodes;
  }

  /**
   * A shard is down or failing: ask the cluster for its slot map again (at most every REFRESH_MS).
   * Calls to a dead shard fail fast, so no command of ours would otherwise tell ioredis that a
   * replica took over (ioredis refreshes on errors it sees, or on `slotsRefreshInterval`, off by default).
   */
  suspect(): void {
    if (Date.now() - this.#refreshedAt < REFRESH_MS) return;
    this.#refreshedAt = Date.now();
    this.cluster.refreshSlotsCache(() => {
      this.#nodes = undefined;
    });
  }

  /** Ask the cluster for its slot map now; resolves once it answered or every node failed to. */
  refresh(): Promise<void> {
    this.#refreshedAt = Date.now();
    return new Promise((resolve) =>
      this.cluster.refreshSlotsCache(() => {
        this.#nodes = undefined;
        resolve();
      }),
    );
  }

  /**
   * The masters now, with a signature that changes when the set of masters changes or one of
   * their connections is re-made (a failover, a restart): a SCAN walk compares it step by step.
   * `covered` is false while a slot of the slot map names a master that is not among them (a dead
   * master leaves the pool before its replica is promoted): scanning them all misses its keys.
   */
  topology(): Topology {
    const masters = this.cluster.nodes('master');
    const signature = masters
      .map((node) => `${node.options.host}:${node.options.port}#${connectionEpoch(node)}`)
      .sort()
      .join(',');
    const known = new Set(masters.map((node) => `${node.options.host}:${node.options.port}`));
    let covered = this.cluster.slots.length > 0;
    for (const nodes of this.cluster.slots) if (nodes !== undefined && !known.has(nodes[0]!)) covered = false;
    return { masters, signature, covered };
  }

  /** True while every known shard's breaker is open. */
  get allOpen(): boolean {
    if (this.#breakers.size === 0) return false;
    for (const breaker of this.#breakers.values()) if (breaker.state !== 'open') return false;
    return true;
  }
}
