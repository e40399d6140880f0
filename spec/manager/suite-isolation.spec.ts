import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import { Cached } from '../../src/decorators/cached.js';
import { CacheManager, cacheManager } from '../../src/manager/cache-manager.js';

/**
 * The README's "Testing your code" recipes, each run as two test suites one after the other
 * (suite A's hooks and test, then suite B's): suite B never reads what suite A cached.
 */
interface Recipe {
  /** What a suite's `beforeAll` does; returns the manager the suite's code uses. */
  setUp(suite: string): CacheManager;
  /** What its `afterAll` does. */
  tearDown(manager: CacheManager): Promise<void>;
}

/** Suite A caches users:1, then suite B looks it up: what B finds (null when isolated). */
async function suiteBSees(recipe: Recipe): Promise<string | null> {
  const a = recipe.setUp('a');
  await a.service<string>('users').set(1, 'cached by suite A');
  await recipe.tearDown(a);
  const b = recipe.setUp('b');
  try {
    return await b.service<string>('users').get(1);
  } finally {
    await b.service<string>('users').delete(1);
    await recipe.tearDown(b);
  }
}

const unique = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

describe('testing recipes: two suites, one after the other', () => {
  it("cacheManager.init({ redisUrl: 'memory://' }) in each suite, close() after it: isolated", async () => {
    expect(
      await suiteBSees({
        setUp: () => cacheManager.init({ redisUrl: 'memory://' }),
        tearDown: (manager) => manager.close(),
      }),
    ).to.equal(null);
  });

  it("a new CacheManager().init({ redisUrl: 'memory://' }) per suite: isolated", async () => {
    expect(
      await suiteBSees({
        setUp: () => new CacheManager().init({ redisUrl: 'memory://' }),
        tearDown: (manager) => manager.close(),
      }),
    ).to.equal(null);
  });

  it('useClient(new RedisMock({ host: <the suite> })) per suite: isolated', async () => {
    expect(
      await suiteBSees({
        setUp: (suite) => cacheManager.useClient(new RedisMock({ host: `${suite}-${unique}` })),
        tearDown: (manager) => manager.close(),
      }),
    ).to.equal(null);
  });

  it('useClient(new RedisMock()) in both suites shares one keyspace: the recipe that leaked', async () => {
    expect(
      await suiteBSees({
        setUp: () => new CacheManager().useClient(new RedisMock()),
        tearDown: (manager) => manager.close(),
      }),
    ).to.equal('cached by suite A');
  });

  it('decorated methods on the default manager: suite B calls the method again', async () => {
    let calls = 0;
    class Users {
      @Cached({ namespace: `users-${unique}`, key: (id: number) => id })
      async find(id: number): Promise<string> {
        calls++;
        return `user ${id}`;
      }
    }
    for (let suite = 0; suite < 2; suite++) {
      cacheManager.init({ redisUrl: 'memory://' });
      await new Users().find(1);
      await new Users().find(1);
      await cacheManager.close();
    }
    expect(calls, 'one call per suite: suite B did not get suite A’s cached value').to.equal(2);
  });
});
