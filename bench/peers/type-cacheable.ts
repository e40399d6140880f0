/** type-cacheable: `@Cacheable` on a repository method, through its ioredis adapter. */
import { Cacheable } from '@type-cacheable/core';
import { useAdapter } from '@type-cacheable/ioredis-adapter';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../fixture.js';
import {
  cacheAsideAdapter,
  KEY_PREFIX,
  type Loader,
  notAHit,
  type PeerAdapter,
  type Row,
  ready,
  TTL_SECONDS,
} from './adapter.js';

const BASE = `${KEY_PREFIX}:tc:`;

export function create(): PeerAdapter {
  const redis = new Redis(REDIS_URL);
  const client = useAdapter(redis);
  class RowRepository {
    /** The method's body: the database query of the scenario being run. */
    load: Loader = notAHit;

    @Cacheable({ client, cacheKey: (args: unknown[]) => BASE + String(args[0]), ttlSeconds: TTL_SECONDS })
    async findById(_id: string): Promise<Row> {
      return this.load();
    }
  }
  const repository = new RowRepository();
  return cacheAsideAdapter({
    setup: () => ready(redis),
    getOrSet(id, loader) {
      repository.load = loader;
      return repository.findById(id);
    },
    close: () => redis.quit(),
    patterns: [`${BASE}*`],
  });
}
