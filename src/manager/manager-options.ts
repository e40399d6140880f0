import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { configError } from '../core/config-error.js';
import { DEFAULTS } from '../core/defaults.js';
import { milliseconds } from '../core/option-schemas.js';
import { type CacheLogger, isCacheLogger } from './failure-logger.js';
import type { RedisEndpoint } from './redis-url.js';
import {
  type ReplicaAcksOptions,
  type ResolvedReplicaAcks,
  replicaAcksFit,
  replicaAcksSchema,
  resolveReplicaAcks,
} from './replica-acks-options.js';
import { maskTls, tlsSecrets } from './tls-secrets.js';
import {
  type ClusterOptions,
  exactlyOneTopology,
  maskEndpoint,
  resolveTopology,
  type SentinelOptions,
  type TopologyShown,
  topologyShape,
} from './topology-options.js';

/**
 * Options of `cacheManager.init()`: where to connect — exactly one of `redisUrl`, `cluster` and
 * `sentinel` — and how.
 */
export type CacheManagerOptions = ConnectionSettings &
  (
    | {
        /**
         * `redis://[user:pass@]host[:port][/db][?family=4|6&connectionName=…]`, `rediss://…` (TLS)
         * or `memory://` (embedded, in-process). The password may be percent-encoded or hold any
         * character raw (the credentials end at the last `@`); write a literal `%` as `%25`.
         */
        redisUrl: string;
        cluster?: never;
        sentinel?: never;
      }
    | { /** A Redis Cluster. */ cluster: ClusterOptions; redisUrl?: never; sentinel?: never }
    | { /** A master found through Redis Sentinel. */ sentinel: SentinelOptions; redisUrl?: never; cluster?: never }
  );

/** How a manager connects, whatever it connects to. */
export interface ConnectionSettings {
  /** Connections in the pool; commands are spread round-robin. See the README for the numbers. @default 1 */
  maxConnections?: number;
  /**
   * ms without an answer before a command's socket is considered dead (destroyed, then reconnected).
   * Checked by a sweep every tick (about an eighth of the shorter timeout, 5–250 ms): it acts
   * within `socketTimeout` + one tick. @default 5000
   */
  socketTimeout?: number;
  /** ms to establish a connection. @default 2000 */
  socketConnectTimeout?: number;
  /** ms a single command may take before it fails (and the cache is bypassed); it fails within `commandTimeout` + one tick (see `socketTimeout`). @default socketTimeout */
  commandTimeout?: number;
  /** Seconds between health-check pings. @default 30 */
  healthCheckInterval?: number;
  /** Reconnect backoff: first delay, ms, doubled per attempt. @default 50 */
  retryBaseDelay?: number;
  /** Reconnect backoff cap, ms. @default 2000 */
  retryMaxDelay?: number;
  /** Circuit breaker: open after `failureThreshold` consecutive failures for `cooldown` ms. `false` turns it off. @default { failureThreshold: 5, cooldown: 5000 } */
  circuitBreaker?: { failureThreshold?: number | undefined; cooldown?: number | undefined } | false | undefined;
  /**
   * ioredis auto-pipelining: commands issued in one tick share one write. Off by default: ts-rc
   * already sends the GETs of one tick as one MGET, and sends a lone command at once. @default false
   */
  autoPipelining?: boolean;
  /** TLS options for `rediss://` (CA, client certificate, `servername`…). `passphrase`, `key` and `pfx` are never shown. */
  tls?: ConnectionOptions;
  /**
   * Make every eviction (`delete`, `deleteMany`, `invalidatePattern`, `@CacheEvict`) and explicit
   * write (`set`, `setMany`, `@CachePut`) wait until `replicas` replicas have it (Redis `WAIT`), so
   * a failover can't undo it and bring the old value back. Costs the replicas' acknowledgement on
   * every such call (see the README, Scale-out). Not on `memory://`. @default undefined (off)
   */
  replicaAcks?: ReplicaAcksOptions | undefined;
  /**
   * Where failures nobody listens for are written: the first of each kind as one line, later ones
   * only counted; `'degraded'` and `'recovered'` each time. Any object with `warn` and `error`
   * (pino, winston); `false` silences. @default console
   */
  logger?: CacheLogger | false;
}

/** Options after validation, with every default applied; URLs shown with their password masked (`redis://user:***@host`). */
export interface ResolvedManagerOptions extends TopologyShown {
  /** What `redisUrl`, `cluster` or `sentinel` says to connect to; passwords are `***` in `cacheManager.options`. */
  endpoint: RedisEndpoint;
  maxConnections: number;
  socketTimeout: number;
  socketConnectTimeout: number;
  commandTimeout: number;
  healthCheckInterval: number;
  retryBaseDelay: number;
  retryMaxDelay: number;
  circuitBreaker: { failureThreshold: number; cooldown: number } | false;
  autoPipelining: boolean;
  tls: ConnectionOptions | undefined;
  /** Off when undefined. */
  replicaAcks: ResolvedReplicaAcks;
}

/** The resolved options plus what must never be shown: the secrets scrubbed from every report. */
export interface ManagerSettings extends ResolvedManagerOptions {
  /** The password (as written and decoded) and TLS passphrases. */
  readonly secrets: readonly string[];
  /** Not shown in `cacheManager.options`: a logger prints as a wall of methods. */
  readonly logger: CacheLogger | false;
}

const ms = milliseconds;
const fields = z.strictObject({
  ...topologyShape,
  maxConnections: z.number().int().min(1).max(1000).optional(),
  socketTimeout: ms('a timeout').optional(),
  socketConnectTimeout: ms('a timeout').optional(),
  commandTimeout: ms('a timeout').optional(),
  healthCheckInterval: z.number({ error: 'expected seconds (a number)' }).positive().optional(),
  retryBaseDelay: ms('a delay').optional(),
  retryMaxDelay: ms('a delay').optional(),
  circuitBreaker: z
    .union([
      z.literal(false),
      z.strictObject({ failureThreshold: z.number().int().min(1).optional(), cooldown: ms('a cool-down').optional() }),
    ])
    .optional(),
  autoPipelining: z.boolean().optional(),
  replicaAcks: replicaAcksSchema,
  tls: z.looseObject({}).optional(),
  logger: z
    .custom<CacheLogger | false>((value) => value === false || isCacheLogger(value), {
      error: 'expected console, a pino or winston logger (an object with warn and error methods), or false',
    })
    .optional(),
});
const schema = fields.superRefine(exactlyOneTopology).superRefine((o, ctx) => {
  const embedded = o.redisUrl?.endpoint.kind === 'memory';
  replicaAcksFit(o.replicaAcks, { embedded, ...commandBound(o), boundBy: 'commandTimeout, socketTimeout' }, ctx);
});

/** Every command of a connection the manager makes answers within this (ms): its commandTimeout, or its socketTimeout when lower. */
function commandBound(o: { socketTimeout?: number | undefined; commandTimeout?: number | undefined }): { bound: number } {
  const socketTimeout = o.socketTimeout ?? DEFAULTS.socketTimeoutMs;
  return { bound: Math.min(o.commandTimeout ?? socketTimeout, socketTimeout) };
}

/** Validate once at the edge and apply defaults; throws a `CacheConfigError` naming each bad field. */
export function resolveManagerOptions(input: unknown): ManagerSettings {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw configError('cacheManager options', parsed.error);
  const o = parsed.data;
  const socketTimeout = o.socketTimeout ?? DEFAULTS.socketTimeoutMs;
  const tls = o.tls as ConnectionOptions | undefined;
  const { endpoint, shown, secrets } = resolveTopology(o);
  return {
    ...shown,
    endpoint,
    maxConnections: o.maxConnections ?? DEFAULTS.maxConnections,
    socketTimeout,
    socketConnectTimeout: o.socketConnectTimeout ?? DEFAULTS.socketConnectTimeoutMs,
    commandTimeout: o.commandTimeout ?? socketTimeout,
    healthCheckInterval: o.healthCheckInterval ?? DEFAULTS.healthCheckIntervalSeconds,
    retryBaseDelay: o.retryBaseDelay ?? DEFAULTS.retryBaseDelayMs,
    retryMaxDelay: o.retryMaxDelay ?? DEFAULTS.retryMaxDelayMs,
    circuitBreaker: resolveBreaker(o.circuitBreaker),
    autoPipelining: o.autoPipelining ?? DEFAULTS.autoPipelining,
    tls,
    replicaAcks: resolveReplicaAcks(o.replicaAcks, commandBound(o).bound),
    secrets: [...secrets, ...tlsSecrets(tls)],
    logger: o.logger ?? console,
  };
}

/** The options as `cacheManager.options` shows them: no password, passphrase or private key. */
export function publicOptions(settings: ManagerSettings): ResolvedManagerOptions {
  const { secrets: _, logger: __, endpoint, ...options } = settings;
  return { ...options, endpoint: maskEndpoint(endpoint), tls: maskTls(options.tls) };
}

/** Options of `useClient()`: how ts-rc guards a client it did not create. */
export type InjectedClientOptions = Pick<CacheManagerOptions, 'commandTimeout' | 'circuitBreaker' | 'replicaAcks' | 'logger'>;

type InjectedSettings = Pick<ManagerSettings, 'commandTimeout' | 'circuitBreaker' | 'replicaAcks' | 'logger'>;
const injectedFields = fields.pick({ commandTimeout: true, circuitBreaker: true, replicaAcks: true, logger: true });

/**
 * `commandTimeout` defaults to the default `socketTimeout`, as for clients the manager creates.
 * @param client what `replicaAcks` needs of the client: whether it is ioredis-mock (no replicas),
 *   and the timeouts of its own (ioredis `commandTimeout`, `socketTimeout`) that bound a WAIT too
 */
export function resolveInjectedOptions(
  input: unknown,
  client: { embedded: boolean; timeouts: readonly number[] },
): InjectedSettings {
  const boundOf = (commandTimeout: number | undefined) =>
    Math.min(commandTimeout ?? DEFAULTS.socketTimeoutMs, ...client.timeouts);
  const schema = injectedFields.superRefine((o, ctx) => {
    const target = {
      embedded: client.embedded,
      bound: boundOf(o.commandTimeout),
      boundBy: "commandTimeout, the client's own timeouts",
    };
    replicaAcksFit(o.replicaAcks, target, ctx);
  });
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw configError('useClient options', parsed.error);
  return {
    commandTimeout: parsed.data.commandTimeout ?? DEFAULTS.socketTimeoutMs,
    circuitBreaker: resolveBreaker(parsed.data.circuitBreaker),
    replicaAcks: resolveReplicaAcks(parsed.data.replicaAcks, boundOf(parsed.data.commandTimeout)),
    logger: parsed.data.logger ?? console,
  };
}

function resolveBreaker(input: CacheManagerOptions['circuitBreaker']): ResolvedManagerOptions['circuitBreaker'] {
  if (input === false) return false;
  const { failureThreshold, cooldownMs } = DEFAULTS.circuitBreaker;
  return { failureThreshold: input?.failureThreshold ?? failureThreshold, cooldown: input?.cooldown ?? cooldownMs };
}
