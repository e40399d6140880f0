/** ts-rc: a repository method decorated with `@Cached`, on a manager with default options. */
import { Cached, CacheManager } from '../../src/index.js';
import { REDIS_URL } from '../fixture.js';
import { cacheAsideAdapter, type Loader, notAHit, type PeerAdapter, type Row, TTL_SECONDS } from './adapter.js';

/** Decorators write under the default prefix (`cache`); the namespace is this benchmark's own. */
const NAMESPACE = 'ts-rc-peers-cached';

export function create(): PeerAdapter {
  const manager = new CacheManager().init({ redisUrl: REDIS_URL });
  class RowRepository {
    /** The method's body: the database query of the scenario being run. */
    load: Loader = notAHit;

    @Cached({ namespace: NAMESPACE, manager, key: (id: string) => id, ttl: TTL_SECONDS })
    async findById(_id: string): Promise<Row> {
      return this.load();
    }
  }
  const repository = new RowRepository();
  return cacheAsideAdapter({
    async setup() {
      if (!(await manager.ping())) throw new Error(`Redis at ${REDIS_URL} is unreachable`);
    },
    getOrSet(id, loader) {
      repository.load = loader;
      return repository.findById(id);
    },
    close: () => manager.close(),
    patterns: [`cache:v1:${NAMESPACE}:*`, `cache~:?:v1:${NAMESPACE}*`],
  });
}
