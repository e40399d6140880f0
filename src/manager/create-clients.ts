import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../client/redis-client.js';
import { definedOnly } from '../core/config-error.js';
import { createEmbeddedClient } from './embedded-client.js';
import { followFailovers } from './follow-failovers.js';
import type { ResolvedManagerOptions } from './manager-options.js';
import type { ClusterEndpoint, RedisServer, SentinelEndpoint } from './redis-url.js';

let embeddedCount = 0;

/** The clients a manager owns for these options: one embedded store, a pool of connections, one Cluster client, or one Sentinel-managed connection. */
export function createClients(options: ResolvedManagerOptions): RedisClient[] {
  const { endpoint } = options;
  switch (endpoint.kind) {
    case 'memory':
      // ioredis-mock shares data between instances with the same host:port; a unique host gives
      // every manager its own keyspace.
      return [createEmbeddedClient(`ts-rc-memory-${++embeddedCount}`)];
    case 'redis':
      return Array.from(
        { length: options.maxConnections },
        () => new Redis({ ...serverOptions(endpoint, options.tls), ...connectionOptions(options) }),
      );
    case 'cluster':
      return [clusterClient(endpoint, options)];
    case 'sentinel':
      return [sentinelClient(endpoint, options)];
  }
}

/**
 * What every connection gets: backoff on reconnect, no queue that grows while Redis is away. No
 * `commandTimeout` or `socketTimeout`: the manager's sweep (client/command-sweep.ts) bounds
 * commands and sockets without ioredis' timer per command; a Cluster keeps ioredis' own.
 */
function connectionOptions(options: ResolvedManagerOptions): RedisOptions {
  return {
    connectTimeout: options.socketConnectTimeout,
    enableAutoPipelining: options.autoPipelining,
    // A cache command is worth one reconnect attempt, not a queue that grows while Redis is away.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(options.retryBaseDelay * 2 ** (attempt - 1), options.retryMaxDelay),
  };
}

/** Seed nodes; credentials and TLS from the first node URL that has them, for every node. */
function clusterClient(endpoint: ClusterEndpoint, options: ResolvedManagerOptions): Cluster {
  const seeds = endpoint.nodes.map(({ host, port }) => ({ host, port }));
  const auth = endpoint.nodes.find((node) => node.password !== undefined || node.username !== undefined) ?? endpoint.nodes[0]!;
  const { host: _h, port: _p, db: _db, ...credentials } = serverOptions(auth, options.tls);
  // Pipelining is the cluster client's (it groups commands by node); a node connection that the
  // cluster replaces on a topology refresh must not hold an auto-pipeline of its own.
  const { retryStrategy, enableAutoPipelining: _pipelining, ...perNode } = connectionOptions(options);
  return new Cluster(seeds, {
    // ioredis' own timeouts on node connections: a command redirected (MOVED, TRYAGAIN, a
    // failover) waits in the Cluster's retry queue, which no sweep can see; ioredis' timer, armed
    // when the command first reaches a node, keeps running there.
    redisOptions: { ...perNode, ...credentials, commandTimeout: options.commandTimeout, socketTimeout: options.socketTimeout },
    enableAutoPipelining: options.autoPipelining,
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? null,
    // MOVED/ASK and failovers: follow them, but don't queue commands for long while slots move.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
  });
}

/** The master named `endpoint.name`, found through the sentinels; it follows a failover by itself. */
function sentinelClient(endpoint: SentinelEndpoint, options: ResolvedManagerOptions): Redis {
  const [first] = endpoint.sentinels;
  const master = endpoint.master ? serverOptions(endpoint.master, options.tls) : {};
  const { host: _h, port: _p, ...masterCredentials } = master;
  const connection = connectionOptions(options);
  const sentinelAuth = {
    ...definedOnly({ username: first?.username, password: first?.password }),
    ...(first?.tls && { tls: options.tls ?? {} }),
  };
  const client = new Redis({
    sentinels: endpoint.sentinels.map(({ host, port }) => ({ host, port })),
    name: endpoint.name,
    ...definedOnly({ sentinelUsername: sentinelAuth.username, sentinelPassword: sentinelAuth.password }),
    ...(sentinelAuth.tls && { enableTLSForSentinelMode: true, sentinelTLS: sentinelAuth.tls }),
    ...masterCredentials,
    ...connection,
    // ioredis asks one sentinel at a time and, by default, waits for its answer forever: a hung
    // sentinel (it accepts the connection, answers nothing) would stop every (re)connection, so a
    // failover would never be followed. Bounded like any command, it moves on to the next one.
    sentinelCommandTimeout: options.commandTimeout,
    // When no sentinel answered: the same backoff as a reconnection (retryBaseDelay, retryMaxDelay).
    sentinelRetryStrategy: (attempt) => connection.retryStrategy?.(attempt) ?? null,
  });
  // One subscription per sentinel to +switch-master (see follow-failovers.ts for why not ioredis'
  // failoverDetector); it waits for its sentinel as long as it takes (no retry limit, no timeout).
  const subscribers = endpoint.sentinels.map(
    ({ host, port }) =>
      new Redis({
        host,
        port,
        ...sentinelAuth,
        connectTimeout: options.socketConnectTimeout,
        retryStrategy: connection.retryStrategy,
        maxRetriesPerRequest: null,
      }),
  );
  followFailovers(client, endpoint.name, subscribers);
  return client;
}

/** Connection fields from the parsed URL: ioredis never sees (and never re-parses) the URL itself. */
function serverOptions(server: RedisServer, tls: ConnectionOptions | undefined): RedisOptions {
  const { host, port, db, username, password, family, connectionName } = server;
  return {
    host,
    port,
    db,
    ...definedOnly({ username, password, family, connectionName }),
    ...(server.tls && { tls: tls ?? {} }),
  };
}
