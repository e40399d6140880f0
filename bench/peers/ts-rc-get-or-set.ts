/** ts-rc: `CacheService.getOrSet` on a manager with default options. */
import { CacheManager } from '../../src/index.js';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, KEY_PREFIX, type PeerAdapter, type Row, TTL_SECONDS } from './adapter.js';

/** `getOrSet` on a manager made with `options` (besides the URL); its entries live in `namespace`. */
export function tsRcGetOrSet(namespace: string, options: { autoPipelining?: boolean }): PeerAdapter {
  const manager = new CacheManager().init({ ...options, redisUrl: REDIS_URL });
  const rows = manager.service<Row>(namespace, { defaultTtl: TTL_SECONDS, prefix: KEY_PREFIX });
  return cacheAsideAdapter({
    async setup() {
      if (!(await manager.ping())) throw new Error(`Redis at ${REDIS_URL} is unreachable`);
    },
    getOrSet: (id, loader) => rows.getOrSet(id, loader),
    close: () => manager.close(),
    // entries, then the eviction fences and locks ts-rc keeps under `<prefix>~`
    patterns: [`${KEY_PREFIX}:v1:${namespace}:*`, `${KEY_PREFIX}~:?:v1:${namespace}*`],
  });
}

export const create = (): PeerAdapter => tsRcGetOrSet('get-or-set', {});
