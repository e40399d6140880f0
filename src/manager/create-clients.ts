import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisClient } from '../client/redis-client.js';
import type { ResolvedManagerOptions } from './manager-options.js';

let embeddedCount = 0;

/** The clients a manager owns for these options: one embedded store, or a pool of connections. */
export function createClients(options: ResolvedManagerOptions): RedisClient[] {
  if (options.redisUrl.startsWith('memory://')) {
    // ioredis-mock shares data between instances with the same host:port; a unique host gives
    // every manager its own keyspace.
    return [new RedisMock({ host: `ts-rc-memory-${++embeddedCount}`, port: 6379 })];
  }
  const tls = options.redisUrl.startsWith('rediss://') ? (options.tls ?? {}) : undefined;
  return Array.from(
    { length: options.maxConnections },
    () =>
      new Redis(options.redisUrl, {
        connectTimeout: options.socketConnectTimeout,
        socketTimeout: options.socketTimeout,
        commandTimeout: options.commandTimeout,
        enableAutoPipelining: options.autoPipelining,
        // A cache command is worth one reconnect attempt, not a queue that grows while Redis is away.
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => Math.min(options.retryBaseDelay * 2 ** (attempt - 1), options.retryMaxDelay),
        ...(tls && { tls }),
      }),
  );
}

/** The password in a Redis URL, so errors can be scrubbed of it. */
export function urlSecrets(redisUrl: string): string[] {
  try {
    const { password } = new URL(redisUrl);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
