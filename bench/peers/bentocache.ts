/** bentocache, L2 only: its Redis driver (ioredis) and no memory tier, so every read goes to Redis. */
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, KEY_PREFIX, type PeerAdapter, ready, TTL_SECONDS } from './adapter.js';

const PREFIX = `${KEY_PREFIX}:bento`;

export function create(): PeerAdapter {
  const redis = new Redis(REDIS_URL);
  const bento = new BentoCache({
    default: 'redis',
    prefix: PREFIX,
    stores: { redis: bentostore().useL2Layer(redisDriver({ connection: redis })) },
  });
  return cacheAsideAdapter({
    setup: () => ready(redis),
    getOrSet: (id, loader) => bento.getOrSet({ key: id, factory: loader, ttl: TTL_SECONDS * 1000 }),
    async close() {
      await bento.disconnectAll();
      if (redis.status !== 'end') await redis.quit();
    },
    patterns: [`${PREFIX}*`],
  });
}
