import type { Cluster, Redis } from 'ioredis';
import { redactError } from '../core/redact.js';
import { CacheConnectionError, type CacheError, CacheNotInitializedError } from '../errors.js';
import { type BreakerSettings, CircuitBreaker } from './circuit-breaker.js';
import { type CacheEventName, CacheEvents } from './events.js';
import { StatsRecorder } from './stats.js';

/** An ioredis-compatible client: `Redis`, `Cluster`, or ioredis-mock. */
export type RedisClient = Redis | Cluster;

/** Returned by `CacheRuntime.run` when Redis could not be used; the failure is already reported. */
export const FAILED: unique symbol = Symbol('ts-rc.failed');
export type Failed = typeof FAILED;

/** What an event is about. */
export interface EventScope {
  namespace?: string | undefined;
  key?: string | undefined;
  id?: string | number | undefined;
}

/** A load shared by concurrent misses; `trusted` false: joiners must load again (see get-or-set.ts). */
export interface InflightLoad {
  promise: Promise<unknown>;
  trusted: boolean;
}

/** Where a manager keeps its runtime; services find it there without importing the manager. */
export const RUNTIME: unique symbol = Symbol.for('ts-rc.runtime');
export interface HasRuntime {
  readonly [RUNTIME]: CacheRuntime;
}

export interface RuntimeSettings {
  breaker: BreakerSettings | false;
  /** ms; applied here only for clients that don't time out their own commands (injected ones). */
  commandTimeout: number;
  /** Secrets (passwords) to strip from reported errors. */
  secrets: readonly string[];
}

const DEFAULT_SETTINGS: RuntimeSettings = {
  breaker: { failureThreshold: 5, cooldown: 5000 },
  commandTimeout: 5000,
  secrets: [],
};

/** Statuses in which ioredis won't answer soon: fail at once instead of queueing. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Everything services share per manager: the client(s), the breaker, single-flight map, events
 * and stats. Every Redis call goes through `run`, the one place where failures are turned into
 * reports, so callers never see a Redis error.
 */
export class CacheRuntime {
  readonly events = new CacheEvents();
  readonly stats = new StatsRecorder();
  /** In-flight loads per full key: concurrent misses in this process share one factory call. */
  readonly inflight = new Map<string, InflightLoad>();
  /** Keys being refreshed early in the background, so each is refreshed once at a time. */
  readonly refreshing = new Set<string>();
  breaker = new CircuitBreaker(false);
  settings: RuntimeSettings = DEFAULT_SETTINGS;
  /** True for the embedded backend, whose SCAN differs from Redis (see scan.ts). */
  memory = false;
  #clients: readonly RedisClient[] = [];
  #next = 0;
  #raceTimeout = 0;

  /**
   * Install the clients commands go to (round-robin). Events, stats and listeners survive
   * re-attachment, so handlers registered before `init()` keep working.
   */
  attach(clients: readonly RedisClient[], settings: RuntimeSettings): void {
    this.#clients = clients;
    this.#next = 0;
    this.settings = settings;
    this.breaker = new CircuitBreaker(settings.breaker);
    this.memory = clients.some(isEmbedded);
    this.#raceTimeout = clients.every(timesOwnCommands) ? 0 : settings.commandTimeout;
  }

  /** The first client: the one `cacheManager.client` returns. */
  get primary(): RedisClient | undefined {
    return this.#clients[0];
  }

  detach(): void {
    this.#clients = [];
    this.inflight.clear();
  }

  /**
   * Run one Redis operation. On failure (not initialised, breaker open, disconnected, error,
   * timeout) the error is reported and `FAILED` returned: the caller decides the fallback.
   */
  async run<R>(operation: string, scope: EventScope, fn: (client: RedisClient) => Promise<R>): Promise<R | Failed> {
    const client = this.acquire(operation, scope.namespace, scope.key, scope.id);
    if (client === undefined) return FAILED;
    try {
      const result = await this.bound(fn(client));
      this.succeeded();
      return result;
    } catch (error) {
      this.failed(operation, error, scope);
      return FAILED;
    }
  }

  /**
   * The client to send a command to now, or undefined when the cache must be bypassed (the
   * reason is reported). The hit path uses this with `bound`, `succeeded` and `failed` directly,
   * to stay one `await` away from ioredis.
   */
  acquire(operation: string, namespace?: string, key?: string, id?: EventScope['id']): RedisClient | undefined {
    // The scope is taken apart so the hit path allocates nothing here; it is built on failure only.
    const clients = this.#clients;
    if (clients.length === 0) {
      this.report(new CacheNotInitializedError(), { namespace, key, id });
      return undefined;
    }
    if (!this.breaker.allow()) return undefined;
    const client = clients.length === 1 ? clients[0]! : clients[this.#next++ % clients.length]!;
    const status = (client as { status?: string }).status;
    if (status !== undefined && DOWN.has(status)) {
      this.failed(operation, `connection is ${status}`, { namespace, key, id });
      return undefined;
    }
    return client;
  }

  /** The command's promise, raced against the command timeout when the client doesn't time out itself. */
  bound<R>(command: Promise<R>): Promise<R> {
    return this.#raceTimeout > 0 ? withTimeout(command, this.#raceTimeout) : command;
  }

  succeeded(): void {
    if (this.breaker.success()) this.emit('recovered', { durationMs: 0 });
  }

  failed(operation: string, cause: unknown, scope: EventScope): void {
    const error = new CacheConnectionError(operation, redactError(cause, this.settings.secrets));
    if (this.breaker.failure()) this.emit('degraded', { durationMs: 0, error });
    this.report(error, scope);
  }

  /** Report a failure that is not the caller's fault (Redis, decoding): count it, emit `'error'`. */
  report(error: CacheError, scope: EventScope, durationMs = 0): void {
    this.stats.total.errors++;
    if (scope.namespace !== undefined) this.stats.forNamespace(scope.namespace).errors++;
    if (this.events.listens('error')) this.events.emit('error', { ...scope, durationMs, error });
  }

  emit(event: CacheEventName, payload: Parameters<CacheEvents['emit']>[1]): void {
    if (this.events.listens(event)) this.events.emit(event, payload);
  }
}

/** `promise`, or a rejection after `ms` if it takes longer (the timer is cleared either way). */
export function withTimeout<R>(promise: Promise<R>, ms: number, what = 'Command'): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const standalone = new WeakMap<object, CacheRuntime>();

/** The runtime behind a manager, or a private one for a bare client (one per client). */
export function runtimeOf(source: RedisClient | HasRuntime): CacheRuntime {
  if (RUNTIME in source) return source[RUNTIME];
  let runtime = standalone.get(source);
  if (!runtime) {
    runtime = new CacheRuntime();
    runtime.attach([source], DEFAULT_SETTINGS);
    standalone.set(source, runtime);
  }
  return runtime;
}

/** ioredis-mock: an in-process client whose SCAN needs help (see scan.ts). */
export function isEmbedded(client: RedisClient): boolean {
  return /RedisMock/.test(client.constructor.name);
}

/** Clients with ioredis' own `commandTimeout` need no extra timer per command. */
export function timesOwnCommands(client: RedisClient): boolean {
  const options = (client as { options?: { commandTimeout?: unknown } }).options;
  return isEmbedded(client) || typeof options?.commandTimeout === 'number';
}
