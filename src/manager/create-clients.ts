import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../client/redis-client.js';
import { definedOnly } from '../core/config-error.js';
import { createEmbeddedClient } from './embedded-client.js';
import type { ResolvedManagerOptions } from './manager-options.js';
import type { RedisServer } from './redis-url.js';

let embeddedCount = 0;

/** The clients a manager owns for these options: one embedded store, or a pool of connections. */
export function createClients(options: ResolvedManagerOptions): RedisClient[] {
  const { endpoint } = options;
  if (endpoint.kind === 'memory') {
    // ioredis-mock shares data between instances with the same host:port; a unique host gives
    // every manager its own keyspace.
    return [createEmbeddedClient(`ts-rc-memory-${++embeddedCount}`)];
  }
  const server = serverOptions(endpoint, options.tls);
  return Array.from(
    { length: options.maxConnections },
    () =>
      new Redis({
        ...server,
        connectTimeout: options.socketConnectTimeout,
        socketTimeout: options.socketTimeout,
        commandTimeout: options.commandTimeout,
        enableAutoPipelining: options.autoPipelining,
        // A cache command is worth one reconnect attempt, not a queue that grows while Redis is away.
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => Math.min(options.retryBaseDelay * 2 ** (attempt - 1), options.retryMaxDelay),
      }),
  );
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
