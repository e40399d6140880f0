import type RedisMock from 'ioredis-mock';
import type { RedisClient } from '../client/redis-client.js';
import { loadPeer, missingPeer } from '../core/optional-peer.js';
import { CacheConfigError } from '../errors.js';

/** Install command named when `memory://` is used without ioredis-mock. */
const EMBEDDED_INSTALL = 'npm install --save-dev ioredis-mock';

/**
 * The `memory://` store: an ioredis-mock client on its own `host` (ioredis-mock shares data
 * between clients of one host:port). ioredis-mock is an optional peer, loaded here on first use,
 * so a production install that never uses `memory://` doesn't carry it.
 * @throws CacheConfigError naming the install command when ioredis-mock is not installed
 */
export function createEmbeddedClient(host: string, load?: (id: string) => unknown): RedisClient {
  const Mock = loadPeer<typeof RedisMock>('ioredis-mock', load);
  if (!Mock)
    throw new CacheConfigError('redisUrl', [
      { path: 'redisUrl', message: missingPeer('memory://', 'ioredis-mock', EMBEDDED_INSTALL) },
    ]);
  return new Mock({ host, port: 6379 });
}
