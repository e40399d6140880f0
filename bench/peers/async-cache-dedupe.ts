/** async-cache-dedupe with its Redis storage: a defined function, deduplicated per key in the process. */
import { createCache } from 'async-cache-dedupe';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, KEY_PREFIX, type Loader, notAHit, type PeerAdapter, ready, TTL_SECONDS } from './adapter.js';

/** The defined function's name: storage keys are `<name>~<id>`. */
const NAME = `${KEY_PREFIX}:acd`;

export function create(): PeerAdapter {
  const redis = new Redis(REDIS_URL);
  let load: Loader = notAHit; // the defined function's body: the scenario's database query
  const cache = createCache({ ttl: TTL_SECONDS, storage: { type: 'redis', options: { client: redis } } }).define(
    NAME,
    (_id: string) => load(),
  );
  return cacheAsideAdapter({
    setup: () => ready(redis),
    getOrSet(id, loader) {
      load = loader;
      return cache[NAME](id);
    },
    close: () => redis.quit(),
    patterns: [`${NAME}~*`],
  });
}
