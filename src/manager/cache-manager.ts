import type { ChainableCommander } from 'ioredis';
import type { BreakerSettings } from '../client/circuit-breaker.js';
import { CommandRunner, type RunnerSettings } from '../client/command-runner.js';
import { CommandSweep } from '../client/command-sweep.js';
import type { CacheEventHandler, CacheEventName } from '../client/events.js';
import { isEmbedded, ownTimeouts, type RedisClient, statusOf } from '../client/redis-client.js';
import { bindRunner } from '../client/runner-registry.js';
import type { CacheStats } from '../client/stats.js';
import { withTimeout } from '../core/timeout.js';
import { CacheAlreadyInitializedError, CacheNotInitializedError } from '../errors.js';
import { CacheService, type CacheServiceOptions } from '../service/cache-service.js';
import { singleFlightOf } from '../service/single-flight.js';
import { createClients } from './create-clients.js';
import { FailureLogger } from './failure-logger.js';
import {
  type CacheManagerOptions,
  type InjectedClientOptions,
  type ManagerSettings,
  publicOptions,
  type ResolvedManagerOptions,
  resolveInjectedOptions,
  resolveManagerOptions,
} from './manager-options.js';

type State =
  | { kind: 'idle' }
  | {
      kind: 'ready';
      client: RedisClient;
      owned: readonly RedisClient[];
      options?: ManagerSettings;
      health?: NodeJS.Timeout;
      sweep?: CommandSweep | undefined;
    };

/**
 * Owns the Redis connection(s), the health check, events and stats. Use the default
 * `cacheManager`, or create one per Redis.
 * @example cacheManager.init({ redisUrl: 'redis://localhost:6379/0' })
 */
export class CacheManager {
  readonly #runner = new CommandRunner();
  /** Logs to console until init() or useClient() says otherwise: a call before init() is a failure too. */
  readonly #failures = new FailureLogger(this.#runner.events);
  #state: State = { kind: 'idle' };

  constructor() {
    bindRunner(this, this.#runner); // services find the runner from the manager without importing it
  }

  /** Validate options and connect in the background. Never throws because Redis is unreachable. */
  init(options: CacheManagerOptions): this {
    if (this.#state.kind !== 'idle') throw new CacheAlreadyInitializedError('is already initialised');
    const resolved = resolveManagerOptions(options);
    this.#failures.use(resolved.logger);
    const clients = createClients(resolved);
    const { secrets } = resolved;
    for (const client of clients) client.on('error', () => {}); // reported through run() and the health check
    // Before attach(): the runner races no command on a connection the sweep already bounds.
    const sweep = CommandSweep.start(clients, {
      commandTimeoutMs: resolved.commandTimeout,
      socketTimeoutMs: resolved.socketTimeout,
    });
    this.#runner.attach(clients, {
      breaker: breakerSettings(resolved.circuitBreaker),
      commandTimeoutMs: resolved.commandTimeout,
      secrets,
      replicaAcks: ackSettings(resolved.replicaAcks),
    });
    const health = setInterval(() => void this.ping(), resolved.healthCheckInterval * 1000);
    health.unref();
    this.#state = { kind: 'ready', client: clients[0]!, owned: clients, options: resolved, health, sweep };
    return this;
  }

  /**
   * Use a client you made (ioredis, ioredis-mock). `close()` will not quit it. Commands are
   * bounded by `commandTimeout` (ms, default 5000) unless the client has its own.
   */
  useClient(client: RedisClient, options?: InjectedClientOptions): this {
    if (this.#state.kind !== 'idle') throw new CacheAlreadyInitializedError('already has a client');
    const { commandTimeout, circuitBreaker, replicaAcks, logger } = resolveInjectedOptions(options, {
      embedded: isEmbedded(client),
      timeouts: ownTimeouts(client),
    });
    this.#failures.use(logger);
    this.#runner.attach([client], {
      breaker: breakerSettings(circuitBreaker),
      commandTimeoutMs: commandTimeout,
      secrets: [],
      replicaAcks: ackSettings(replicaAcks),
    });
    this.#state = { kind: 'ready', client, owned: [] };
    return this;
  }

  /** The ioredis client, for anything custom. @throws CacheNotInitializedError before init() */
  get client(): RedisClient {
    if (this.#state.kind === 'idle') throw new CacheNotInitializedError();
    return this.#state.client;
  }

  /** The resolved options with defaults applied, every secret masked; undefined before init() or with useClient(). */
  get options(): Readonly<ResolvedManagerOptions> | undefined {
    const options = this.#state.kind === 'ready' ? this.#state.options : undefined;
    return options && publicOptions(options);
  }

  /** Initialised, connected, and the circuit breaker is not open. The embedded backend is always ready. */
  get isAvailable(): boolean {
    if (this.#state.kind === 'idle') return false;
    const status = statusOf(this.#state.client);
    return (status === undefined || status === 'ready') && !this.#runner.breakerOpen;
  }

  /** PING Redis within the command timeout. Never throws; a success closes an open breaker. */
  async ping(): Promise<boolean> {
    if (this.#state.kind === 'idle') return false;
    try {
      const answer = await withTimeout(this.#state.client.ping(), this.#runner.commandTimeoutMs, 'PING');
      this.#runner.healthy();
      return answer === 'PONG';
    } catch {
      return false;
    }
  }

  /** A MULTI (transaction, default) or plain pipeline on the client. */
  pipeline(transaction = true): ChainableCommander {
    return transaction ? this.client.multi() : this.client.pipeline();
  }

  /** A `CacheService` bound to this manager. */
  service<T>(namespace: string, options?: CacheServiceOptions<T>): CacheService<T> {
    return new CacheService<T>(this, namespace, options);
  }

  /**
   * Call `handler` on every `event` (`'hit' | 'miss' | 'set' | 'evict' | 'stale' | 'error' | 'degraded' | 'recovered'`).
   * A handler that throws never breaks the cache call. Listeners survive `close()` and `init()`.
   * @example cacheManager.on('error', ({ error }) => log.warn(error?.code, error?.cause))
   */
  on(event: CacheEventName, handler: CacheEventHandler): this {
    this.#runner.events.on(event, handler);
    return this;
  }

  /** Stop calling `handler` (the same function given to `on` or `once`) on `event`. */
  off(event: CacheEventName, handler: CacheEventHandler): this {
    this.#runner.events.off(event, handler);
    return this;
  }

  /** Call `handler` on the next `event` only. */
  once(event: CacheEventName, handler: CacheEventHandler): this {
    this.#runner.events.once(event, handler);
    return this;
  }

  /** Counters since start (or the last `resetStats()`), in total and per namespace. */
  stats(): CacheStats {
    return this.#runner.stats.snapshot();
  }

  /** Zero every counter of `stats()`, in total and per namespace; services keep counting from there. */
  resetStats(): void {
    this.#runner.stats.reset();
  }

  /** Stop the health check and quit the clients this manager created. Safe to call twice. */
  async close(): Promise<void> {
    const state = this.#state;
    if (state.kind === 'idle') return;
    this.#state = { kind: 'idle' };
    clearInterval(state.health);
    state.sweep?.stop();
    this.#runner.detach();
    singleFlightOf(this.#runner).clear();
    await Promise.all(state.owned.map(quitQuietly));
  }
}

/** QUIT, then wait (briefly) for the socket to close, so `close()` resolves with the connection gone. */
async function quitQuietly(client: RedisClient): Promise<void> {
  // ioredis-mock keeps each host's keyspace in a module-level map for the life of the process:
  // the one a manager made for memory:// is its own, and goes with it.
  if (isEmbedded(client)) await client.flushall().catch(() => undefined);
  if (statusOf(client) !== 'ready') return void client.disconnect();
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    setTimeout(resolve, 1000).unref();
  });
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
  await ended;
}

function breakerSettings(breaker: ResolvedManagerOptions['circuitBreaker']): BreakerSettings | false {
  return breaker && { failureThreshold: breaker.failureThreshold, cooldownMs: breaker.cooldown };
}

function ackSettings(acks: ResolvedManagerOptions['replicaAcks']): RunnerSettings['replicaAcks'] {
  return acks && { replicas: acks.replicas, timeoutMs: acks.timeout };
}

/** The default manager. */
export const cacheManager = new CacheManager();
