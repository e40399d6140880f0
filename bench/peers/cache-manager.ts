/**
 * cache-manager v7 with the Redis store its README names: a Keyv over `@keyv/redis` (which uses
 * node-redis, not ioredis). keyv 5, not 6: keyv 6 needs Node ≥ 22.19.
 */
import { createKeyv } from '@keyv/redis';
import { createCache } from 'cache-manager';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, KEY_PREFIX, type PeerAdapter, type Row, TTL_SECONDS } from './adapter.js';

/** Keyv's namespace: keys are `<namespace>::<id>`. */
const NAMESPACE = `${KEY_PREFIX}:cm`;

export function create(): PeerAdapter {
  const cache = createCache({ stores: [createKeyv(REDIS_URL, { namespace: NAMESPACE })] });
  return cacheAsideAdapter({
    async setup() {
      await cache.get('never-stored'); // connects
    },
    getOrSet: (id, loader) => cache.wrap<Row>(id, loader, TTL_SECONDS * 1000),
    close: () => cache.disconnect(),
    patterns: [`${NAMESPACE}::*`],
  });
}
