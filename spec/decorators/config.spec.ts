import { expect } from 'chai';
import { DEFAULTS } from '../../src/core/defaults.js';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { getCacheOperations } from '../../src/decorators/registry.js';
import { CacheConfigError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { recordEvents, thrown } from '../support/events.js';
import { flavoured } from '../support/flavour.js';

describe(flavoured('decorator options and getCacheOperations'), () => {
  it('rejects bad options where the decorator is applied, naming the field', () => {
    const cases: [() => unknown, string][] = [
      [() => CacheEvict({ allEntries: true, pattern: () => 'a*' }), 'allEntries'],
      [() => CacheEvict({ key: () => 1, allEntries: true }), 'key'],
      [() => Cached({ ttl: 0 }), 'ttl'],
      [() => Cached({ namespace: 'a:b' }), 'namespace'],
      [() => CachePut({ keyFromResult: 'id' as never }), 'keyFromResult'],
      [() => Cached({ ttl: 10, cacheNul: true } as never), 'cacheNul'],
      [() => CacheConfig({ manager: {} as never }), 'manager'],
    ];
    for (const [make, field] of cases) {
      const error = thrown(make);
      expect(error, field).to.be.instanceOf(CacheConfigError);
      expect(
        (error as CacheConfigError).issues.map((i) => i.path),
        field,
      ).to.include(field);
    }
  });

  it('rejects a class decoration at class definition time', () => {
    const error = thrown(() => {
      class Bad {
        @CacheEvict({ namespace: 'x', allEntries: true, pattern: () => '*' })
        async remove(): Promise<void> {}
      }
      return Bad;
    });
    expect(error).to.be.instanceOf(CacheConfigError);
  });

  it('lists the operations declared on a class, with resolved namespace and effective ttl', () => {
    @CacheConfig({ namespace: 'users', ttl: 600 })
    class UserRepository {
      @Cached({ key: (id: string) => id })
      async findById(id: string): Promise<string> {
        return id;
      }
      @CachePut({ keyFromResult: (u: string) => u, ttl: 60 })
      async save(u: string): Promise<string> {
        return u;
      }
      @CacheEvict({ key: (id: string) => id })
      @CacheEvict({ namespace: 'user-lists', allEntries: true })
      async remove(_id: string): Promise<void> {}
    }
    class Plain {
      label = 'plain';
      @Cached()
      static async count(): Promise<number> {
        return 1;
      }
    }
    expect(getCacheOperations(UserRepository)).to.deep.equal([
      { method: 'findById', kind: 'cached', namespace: 'users', ttl: 600 },
      { method: 'save', kind: 'put', namespace: 'users', ttl: 60 },
      { method: 'remove', kind: 'evict', namespace: 'users', ttl: undefined },
      { method: 'remove', kind: 'evict', namespace: 'user-lists', ttl: undefined },
    ]);
    // Without a ttl anywhere, the effective one: the service default.
    expect(getCacheOperations(Plain)).to.deep.equal([
      { method: 'count', kind: 'cached', namespace: 'Plain', ttl: DEFAULTS.ttlSeconds },
    ]);
  });

  it('keeps working, uncached, when Redis is unreachable', async function () {
    this.timeout(5000);
    const down = new CacheManager().init({ redisUrl: 'redis://127.0.0.1:1', commandTimeout: 200, socketConnectTimeout: 200 });
    const { events, stop } = recordEvents(down, ['error']);
    let calls = 0;
    @CacheConfig({ namespace: 'down', manager: down })
    class Repo {
      @Cached({ key: () => 'k' })
      async load(): Promise<number> {
        return ++calls;
      }
      @CacheEvict({ key: () => 'k' })
      async remove(): Promise<string> {
        return 'removed';
      }
    }
    const repo = new Repo();
    const start = performance.now();
    expect(await repo.load()).to.equal(1);
    expect(await repo.load()).to.equal(2);
    expect(await repo.remove()).to.equal('removed');
    expect(performance.now() - start).to.be.below(2000);
    expect(events.error?.length).to.be.greaterThan(0);
    stop();
    await down.close();
  });
});
