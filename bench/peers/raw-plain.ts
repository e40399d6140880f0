/** The user's alternative, and the 1.00× baseline: a plain `new Redis()`, GET + JSON.parse; on a miss the loader, then SET EX. */
import { Redis, type RedisOptions } from 'ioredis';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, KEY_PREFIX, type Loader, type PeerAdapter, ready, TTL_SECONDS } from './adapter.js';

/** Hand-written cache-aside over one ioredis client made with `options`; its keys are `<prefix>:<tag>:<id>`. */
export function rawIoredis(tag: string, options: RedisOptions): PeerAdapter {
  const redis = new Redis(REDIS_URL, options);
  const base = `${KEY_PREFIX}:${tag}:`;
  return cacheAsideAdapter({
    setup: () => ready(redis),
    async getOrSet(id: string, loader: Loader) {
      const key = base + id;
      const cached = await redis.get(key);
      if (cached !== null) return JSON.parse(cached);
      const value = await loader();
      await redis.set(key, JSON.stringify(value), 'EX', TTL_SECONDS);
      return value;
    },
    close: () => redis.quit(),
    patterns: [`${base}*`],
  });
}

export const create = (): PeerAdapter => rawIoredis('plain', {});
