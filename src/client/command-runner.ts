import { DEFAULTS } from '../core/defaults.js';
import { redactError } from '../core/redact.js';
import { raceTimeout, withTimeout } from '../core/timeout.js';
import { CacheConnectionError, type CacheError, CacheNotInitializedError } from '../errors.js';
import { type BreakerSettings, CircuitBreaker } from './circuit-breaker.js';
import { type CacheEvent, type CacheEventName, CacheEvents } from './events.js';
import { GetBatcher } from './get-batcher.js';
import { connectionEpoch, isCluster, isEmbedded, type RedisClient, statusOf, timesOwnCommands } from './redis-client.js';
import { ShardBreakers, type Topology } from './shard-breakers.js';
import { StatsRecorder } from './stats.js';

/** Returned by `CommandRunner.run` when Redis could not be used; the failure is already reported. */
export const FAILED: unique symbol = Symbol('ts-rc.failed');
export type Failed = typeof FAILED;
const FAILED_PROMISE: Promise<Failed> = Promise.resolve(FAILED);

/** What an event is about. */
export type EventScope = Pick<CacheEvent, 'namespace' | 'key' | 'id'>;

export interface RunnerSettings {
  breaker: BreakerSettings | false;
  /** Applied here only for clients that don't time out their own commands (injected ones). */
  commandTimeoutMs: number;
  /** Secrets (passwords) to strip from reported errors. */
  secrets: readonly string[];
  /** `replicaAcks`: evictions wait for this many replicas, this long (see replica-acks.ts); off when undefined. */
  replicaAcks?: { readonly replicas: number; readonly timeoutMs: number } | undefined;
}

export const DEFAULT_SETTINGS: RunnerSettings = {
  breaker: DEFAULTS.circuitBreaker,
  commandTimeoutMs: DEFAULTS.socketTimeoutMs,
  secrets: [],
};

/** Statuses in which ioredis won't answer soon: fail at once instead of queueing. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * The only code that sends commands. `run` bounds each one (command timeout), guards it with the
 * circuit breaker, and turns every failure into a report (redacted, counted, emitted): callers
 * never see a Redis error, they get `FAILED` and choose their fallback.
 */
export class CommandRunner {
  readonly events = new CacheEvents();
  readonly stats = new StatsRecorder();
  #breaker = new CircuitBreaker(false);
  #settings = DEFAULT_SETTINGS;
  #clients: readonly RedisClient[] = [];
  #next = 0;
  #raceTimeoutMs = 0;
  #clustered = false;
  /** On a Cluster: a breaker per master, used for commands on a key (see shard-breakers.ts). */
  #shards: ShardBreakers | undefined;
  readonly #gets = new GetBatcher();

  /** Install the clients commands go to (round-robin). Events, stats and listeners survive re-attachment. */
  attach(clients: readonly RedisClient[], settings: RunnerSettings): void {
    this.#clients = clients;
    this.#next = 0;
    this.#settings = settings;
    this.#breaker = new CircuitBreaker(settings.breaker);
    this.#raceTimeoutMs = clients.every(timesOwnCommands) ? 0 : settings.commandTimeoutMs;
    const cluster = clients.find(isCluster);
    this.#clustered = cluster !== undefined;
    this.#shards = cluster && new ShardBreakers(cluster, settings.breaker);
    for (const client of clients) connectionEpoch(client); // start counting reconnections now
  }

  /** True when commands go to a Redis Cluster: keys then carry hash tags (see core/key-layout.ts). */
  get clustered(): boolean {
    return this.#clustered;
  }

  /** True for the embedded backend, whose SCAN differs from Redis (see store/pattern-unlink.ts). */
  get embedded(): boolean {
    return this.#clients.some(isEmbedded);
  }

  /** A Cluster's masters now, a signature of them and whether they serve every slot (see ShardBreakers.topology); undefined when not on a Cluster. */
  topology(): Topology | undefined {
    return this.#shards?.topology();
  }

  /** On a Cluster: `topology()` after asking for a fresh slot map, waiting for it no longer than the command timeout. */
  async refreshedTopology(): Promise<Topology | undefined> {
    if (!this.#shards) return undefined;
    await raceTimeout(this.#shards.refresh(), this.#settings.commandTimeoutMs);
    return this.#shards.topology();
  }

  /** Changes whenever one of the clients reconnects: a SCAN cursor from before means nothing after. */
  connectionEpoch(): number {
    let sum = 0;
    for (const client of this.#clients) sum += connectionEpoch(client);
    return sum;
  }

  detach(): void {
    this.#clients = [];
  }

  get commandTimeoutMs(): number {
    return this.#settings.commandTimeoutMs;
  }

  get replicaAcks(): RunnerSettings['replicaAcks'] {
    return this.#settings.replicaAcks;
  }

  /**
   * The connection a command for `key` went out on, given the client `run` handed it: that
   * client, or on a Cluster the master serving `key` now (undefined while the slot map is unknown).
   */
  connectionOf(client: RedisClient, key: string): RedisClient | undefined {
    return this.#shards ? this.#shards.nodeOf(key) : client;
  }

  /** True while the breaker bypasses Redis (on a Cluster: every shard's). */
  get breakerOpen(): boolean {
    return this.#breaker.state === 'open' || this.#shards?.allOpen === true;
  }

  /**
   * Run one Redis command. On failure (not initialised, breaker open, disconnected, error,
   * timeout) the error is reported and `FAILED` returned. Every command the breaker lets through
   * ends in `success` or `failure` here, so a half-open probe is always answered. On a Cluster,
   * `route` (default: the scope's key; null: none, e.g. a SCAN sent to one node) is the key whose
   * shard's breaker guards the command.
   */
  run<R>(
    operation: string,
    scope: EventScope,
    command: (client: RedisClient) => Promise<R>,
    route?: string | null,
  ): Promise<R | Failed> {
    const routeKey = route === undefined ? scope.key : route;
    const shard = this.#shards && routeKey != null ? this.#shards.shardOf(routeKey) : undefined;
    const breaker = shard === undefined ? this.#breaker : this.#shards!.breakerOf(shard);
    const client = this.#acquire(operation, scope, breaker, shard);
    if (client === undefined) return FAILED_PROMISE;
    let pending: Promise<R>;
    try {
      pending = command(client);
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (this.#raceTimeoutMs > 0) pending = withTimeout(pending, this.#raceTimeoutMs);
    // A plain `then`, not an async frame: this is on every hit, and every frame costs a tick.
    const succeeded = breaker === this.#breaker ? this.#succeeded : (result: R) => this.#answered(breaker, result);
    return pending.then(succeeded, (error: unknown) => {
      this.#failed(operation, error, scope, breaker);
      if (shard !== undefined) this.#shards!.suspect();
      return FAILED;
    });
  }

  #answered<R>(breaker: CircuitBreaker, result: R): R {
    if (breaker.success()) this.emit('recovered', { durationMs: 0 });
    return result;
  }

  readonly #succeeded = <R>(result: R): R => this.#answered(this.#breaker, result);

  /** GET one key, coalesced with the other GETs of this tick (see get-batcher.ts). */
  get(key: string, scope: EventScope): Promise<string | null | Failed> {
    return this.run('GET', scope, (client) => this.#gets.get(client, key));
  }

  /** A health-check answer: a success closes an open breaker. */
  healthy(): void {
    if (this.#breaker.success()) this.emit('recovered', { durationMs: 0 });
  }

  /** Report a failure that is not the caller's fault (Redis, decoding): count it, emit `'error'`. */
  report(error: CacheError, scope: EventScope, durationMs = 0): void {
    this.stats.total.errors++;
    if (scope.namespace !== undefined) this.stats.forNamespace(scope.namespace).errors++;
    if (this.events.listens('error')) this.events.emit('error', { ...scope, durationMs, error });
  }

  /** Report a command that failed, without failing the call (the WAIT after an eviction that did happen). */
  reportFailure(operation: string, cause: unknown, scope: EventScope): void {
    this.report(this.#connectionError(operation, cause), scope);
  }

  emit(event: CacheEventName, payload: CacheEvent): void {
    if (this.events.listens(event)) this.events.emit(event, payload);
  }

  #acquire(operation: string, scope: EventScope, breaker: CircuitBreaker, shard: string | undefined): RedisClient | undefined {
    const clients = this.#clients;
    if (clients.length === 0) {
      this.report(new CacheNotInitializedError(), scope);
      return undefined;
    }
    if (!breaker.allow()) return undefined;
    const client = clients.length === 1 ? clients[0]! : clients[this.#next++ % clients.length]!;
    const status = shard === undefined ? statusOf(client) : this.#shards!.statusOf(shard);
    if (status !== undefined && DOWN.has(status)) {
      this.#failed(
        operation,
        shard === undefined ? `connection is ${status}` : `connection to ${shard} is ${status}`,
        scope,
        breaker,
      );
      return undefined;
    }
    return client;
  }

  #connectionError(operation: string, cause: unknown): CacheConnectionError {
    return new CacheConnectionError(operation, redactError(cause, this.#settings.secrets));
  }

  #failed(operation: string, cause: unknown, scope: EventScope, breaker: CircuitBreaker): void {
    const error = this.#connectionError(operation, cause);
    if (breaker.failure()) this.emit('degraded', { durationMs: 0, error });
    this.report(error, scope);
  }
}
