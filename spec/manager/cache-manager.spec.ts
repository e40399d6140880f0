import { expect } from 'chai';
import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheConfigError, CacheError, CacheNotInitializedError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { type Backend, describeOnBackends, describeOnRedis, REDIS_URL, uniquePrefix } from '../support/backends.js';
import { recordEvents } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

/** The CacheConfigError `init(options)` throws; fails the test when it doesn't throw one. */
function configErrorOf(options: unknown): CacheConfigError {
  const manager = new CacheManager();
  try {
    manager.init(options as Parameters<CacheManager['init']>[0]);
  } catch (error) {
    expect(error).to.be.instanceOf(CacheConfigError);
    expect(manager.isAvailable, 'a rejected init leaves the manager idle').to.equal(false);
    return error as CacheConfigError;
  }
  void manager.close();
  expect.fail(`init(${JSON.stringify(options)}) did not throw`);
}

describe('CacheManager', () => {
  describe('options', () => {
    const invalid: [string, Record<string, unknown>, string][] = [
      ['unknown option', { redisUrl: 'memory://', maxConnection: 2 }, 'maxConnection'],
      ['missing redisUrl', {}, 'redisUrl'],
      ['redisUrl not a string', { redisUrl: 6379 }, 'redisUrl'],
      ['redisUrl with another scheme', { redisUrl: 'http://localhost:6379' }, 'redisUrl'],
      ['negative socketTimeout', { redisUrl: 'memory://', socketTimeout: -1 }, 'socketTimeout'],
      ['zero socketConnectTimeout', { redisUrl: 'memory://', socketConnectTimeout: 0 }, 'socketConnectTimeout'],
      ['fractional commandTimeout', { redisUrl: 'memory://', commandTimeout: 1.5 }, 'commandTimeout'],
      ['string socketTimeout', { redisUrl: 'memory://', socketTimeout: '5000' }, 'socketTimeout'],
      ['zero healthCheckInterval', { redisUrl: 'memory://', healthCheckInterval: 0 }, 'healthCheckInterval'],
      ['zero maxConnections', { redisUrl: 'memory://', maxConnections: 0 }, 'maxConnections'],
      ['fractional maxConnections', { redisUrl: 'memory://', maxConnections: 2.5 }, 'maxConnections'],
      ['negative retryBaseDelay', { redisUrl: 'memory://', retryBaseDelay: -50 }, 'retryBaseDelay'],
      ['circuitBreaker: true', { redisUrl: 'memory://', circuitBreaker: true }, 'circuitBreaker'],
      [
        'zero failureThreshold',
        { redisUrl: 'memory://', circuitBreaker: { failureThreshold: 0 } },
        'circuitBreaker.failureThreshold',
      ],
      ['negative cooldown', { redisUrl: 'memory://', circuitBreaker: { cooldown: -1 } }, 'circuitBreaker.cooldown'],
      ['unknown breaker option', { redisUrl: 'memory://', circuitBreaker: { threshold: 3 } }, 'circuitBreaker.threshold'],
      ['autoPipelining not a boolean', { redisUrl: 'memory://', autoPipelining: 'yes' }, 'autoPipelining'],
    ];
    for (const [what, options, field] of invalid) {
      it(`rejects ${what} with a CacheConfigError naming ${field}`, () => {
        const error = configErrorOf(options);
        expect(error.code).to.equal('E_CACHE_CONFIG');
        expect(error.issues.map((i) => i.path)).to.include(field);
        expect(error.message).to.include(field);
      });
    }

    it('names every offending field at once, with what was expected', () => {
      const error = configErrorOf({ redisUrl: 'localhost', socketTimeout: 0, commandTimeout: -5, colour: 'red' });
      expect(error.issues.map((i) => i.path)).to.have.members(['redisUrl', 'socketTimeout', 'commandTimeout', 'colour']);
      expect(error.message).to.match(/redisUrl: expected a URL starting with redis:\/\//);
      expect(error.message).to.match(/colour: unknown option/);
      for (const issue of error.issues) expect(issue.message, issue.path).to.be.a('string').that.is.not.empty;
    });

    it('rejects a non-object', () => {
      expect(configErrorOf(undefined).code).to.equal('E_CACHE_CONFIG');
      expect(configErrorOf('redis://localhost').code).to.equal('E_CACHE_CONFIG');
    });

    it('applies the documented defaults once, commandTimeout following socketTimeout', async () => {
      const manager = new CacheManager().init({ redisUrl: 'memory://', socketTimeout: 700 });
      expect(manager.options).to.deep.include({
        maxConnections: 1,
        socketTimeout: 700,
        socketConnectTimeout: 2000,
        commandTimeout: 700,
        healthCheckInterval: 30,
        retryBaseDelay: 50,
        retryMaxDelay: 2000,
        circuitBreaker: { failureThreshold: 5, cooldown: 5000 },
        autoPipelining: false,
      });
      await manager.close();
      const custom = new CacheManager().init({ redisUrl: 'memory://', circuitBreaker: { cooldown: 10 } });
      expect(custom.options?.circuitBreaker).to.deep.equal({ failureThreshold: 5, cooldown: 10 });
      await custom.close();
    });
  });

  describe('lifecycle', () => {
    it('throws CacheNotInitializedError for client before init() and after close()', async () => {
      const manager = new CacheManager();
      expect(() => manager.client).to.throw(CacheNotInitializedError, 'init(');
      manager.init({ redisUrl: 'memory://' });
      expect(manager.client).to.be.an('object');
      await manager.close();
      expect(() => manager.client).to.throw(CacheNotInitializedError);
    });

    it('refuses init() twice and useClient() on a manager with a client', async () => {
      const manager = new CacheManager().init({ redisUrl: 'memory://' });
      expect(() => manager.init({ redisUrl: 'memory://' })).to.throw(CacheError, 'close()');
      expect(() => manager.useClient(new RedisMock())).to.throw(CacheError, 'close()');
      await manager.close();
      const injected = new CacheManager().useClient(new RedisMock());
      expect(() => injected.useClient(new RedisMock())).to.throw(CacheError);
      expect(() => injected.init({ redisUrl: 'memory://' })).to.throw(CacheError);
      await injected.close();
    });

    it('closes twice safely and can be initialised again after close()', async () => {
      const manager = new CacheManager().init({ redisUrl: 'memory://' });
      await manager.close();
      await manager.close();
      manager.init({ redisUrl: 'memory://' });
      const users = manager.service<number>('users');
      expect(await users.set('1', 1)).to.equal(true);
      expect(await users.get('1')).to.equal(1);
      await manager.close();
    });

    it('gives every memory:// manager its own keyspace', async () => {
      const a = new CacheManager().init({ redisUrl: 'memory://' });
      const b = new CacheManager().init({ redisUrl: 'memory://' });
      await a.service<number>('n').set('k', 1);
      expect(await b.service<number>('n').get('k')).to.equal(null);
      await Promise.all([a.close(), b.close()]);
    });

    it('does not quit an injected client on close()', async () => {
      const client = new RedisMock();
      const manager = new CacheManager().useClient(client);
      await manager.service<number>('n').set('k', 1);
      await manager.close();
      expect(await client.get('cache:v1:n:k')).to.equal('{"v":1}');
      expect(await client.ping()).to.equal('PONG');
      client.disconnect();
    });
  });

  describe('before init()', () => {
    it('a service answers as a miss and reports CacheNotInitializedError on "error"', async () => {
      const manager = new CacheManager();
      const users = manager.service<string>('users');
      const { events, stop } = recordEvents(manager, ['error']);
      expect(await users.get('1')).to.equal(null);
      expect(await users.set('1', 'x')).to.equal(false);
      expect(await users.delete('1')).to.equal(false);
      expect(await users.exists('1')).to.equal(false);
      expect(await users.getTtl('1')).to.equal(-2);
      expect(await users.invalidatePattern()).to.equal(0);
      expect(await users.getOrSet('1', () => 'loaded')).to.equal('loaded');
      stop();
      expect(events.error).to.have.length.at.least(7);
      for (const event of events.error ?? []) {
        expect(event.error).to.be.instanceOf(CacheNotInitializedError);
        expect(event.error?.code).to.equal('E_CACHE_NOT_INITIALIZED');
        expect(event.namespace).to.equal('users');
      }
      expect(manager.stats().errors).to.equal(events.error?.length);
    });

    it('does not throw when nobody listens to "error"', async () => {
      const users = new CacheManager().service<string>('users');
      expect(await users.get('1')).to.equal(null);
      expect(await users.getOrSet('1', () => 'x')).to.equal('x');
    });

    it('is not available and ping() is false', async () => {
      const manager = new CacheManager();
      expect(manager.isAvailable).to.equal(false);
      expect(await manager.ping()).to.equal(false);
    });
  });

  describe('event handlers', () => {
    it('a handler that throws does not break a cache call or the other handlers', async () => {
      const manager = new CacheManager().init({ redisUrl: 'memory://' });
      const seen: CacheEvent[] = [];
      for (const name of ['hit', 'miss', 'set'] as const) {
        manager.on(name, () => {
          throw new Error('observer bug');
        });
      }
      manager.on('hit', (event) => seen.push(event));
      const users = manager.service<string>('users');
      expect(await users.get('1')).to.equal(null);
      expect(await users.set('1', 'x')).to.equal(true);
      expect(await users.get('1')).to.equal('x');
      expect(seen).to.have.length(1);
      await manager.close();
    });

    it('keeps handlers registered before init() and removes them with off()', async () => {
      const manager = new CacheManager();
      const misses: CacheEvent[] = [];
      const handler = (event: CacheEvent) => misses.push(event);
      manager.on('miss', handler).init({ redisUrl: 'memory://' });
      await manager.service('a').get('1');
      manager.off('miss', handler);
      await manager.service('a').get('2');
      expect(misses.map((e) => e.id)).to.deep.equal(['1']);
      await manager.close();
    });
  });

  describeOnBackends('CacheManager', (backend: Backend) => {
    const bed = testBed(backend);
    beforeEach(() => bed.manager.ping()); // wait for the connection

    it('ping() answers true and isAvailable is true once connected', async () => {
      expect(await bed.manager.ping()).to.equal(true);
      expect(bed.manager.isAvailable).to.equal(true);
      await bed.manager.close();
      expect(bed.manager.isAvailable).to.equal(false);
      expect(await bed.manager.ping()).to.equal(false);
    });

    it('pipeline() is a MULTI transaction by default and a plain pipeline on request', async () => {
      const transaction = bed.manager.pipeline();
      expect((transaction as unknown as { _transactions: number })._transactions).to.equal(1);
      const results = await transaction.set(`${bed.prefix}:a`, '1').incr(`${bed.prefix}:a`).exec();
      expect(results).to.deep.equal([
        [null, 'OK'],
        [null, 2],
      ]);
      const plain = bed.manager.pipeline(false);
      expect((plain as unknown as { _transactions: number })._transactions).to.equal(0);
      expect(await plain.get(`${bed.prefix}:a`).del(`${bed.prefix}:a`).exec()).to.deep.equal([
        [null, '2'],
        [null, 1],
      ]);
    });

    it('stats() counts per namespace and in total, and resetStats() clears them', async () => {
      const users = bed.manager.service<number>('users', { prefix: bed.prefix });
      const posts = bed.manager.service<number>('posts', { prefix: bed.prefix });
      await users.get(1);
      await users.set(1, 1);
      await users.get(1);
      await users.get(1);
      await posts.getOrSet(1, () => 1);
      await posts.delete(1);
      const stats = bed.manager.stats();
      expect(stats).to.deep.include({ hits: 2, misses: 2, sets: 2, evictions: 1, errors: 0, stale: 0, hitRatio: 0.5 });
      expect(stats.namespaces.users).to.deep.equal({
        hits: 2,
        misses: 1,
        joined: 0,
        sets: 1,
        evictions: 0,
        errors: 0,
        stale: 0,
        hitRatio: 2 / 3,
      });
      expect(stats.namespaces.posts).to.include({ hits: 0, misses: 1, sets: 1, evictions: 1, hitRatio: 0 });
      bed.manager.resetStats();
      expect(bed.manager.stats()).to.deep.equal({
        hits: 0,
        misses: 0,
        joined: 0,
        sets: 0,
        evictions: 0,
        errors: 0,
        stale: 0,
        hitRatio: 0,
        namespaces: {
          users: { hits: 0, misses: 0, joined: 0, sets: 0, evictions: 0, errors: 0, stale: 0, hitRatio: 0 },
          posts: { hits: 0, misses: 0, joined: 0, sets: 0, evictions: 0, errors: 0, stale: 0, hitRatio: 0 },
        },
      });
      await users.get(1);
      expect(bed.manager.stats().namespaces.users?.hits, 'services keep counting after a reset').to.equal(1);
    });
  });

  describeOnRedis('CacheManager on real Redis', () => {
    it('pipeline() is atomic: one bad command aborts the whole transaction', async () => {
      const manager = new CacheManager().init({ redisUrl: REDIS_URL });
      const key = `${uniquePrefix()}:atomic`;
      try {
        const error = await manager
          .pipeline()
          .set(key, '1')
          .call('set', key)
          .exec()
          .catch((e: unknown) => e);
        expect(String((error as Error).message)).to.match(/EXECABORT/);
        expect(await manager.client.exists(key)).to.equal(0);
      } finally {
        await manager.client.del(key);
        await manager.close();
      }
    });

    it('does not quit an injected ioredis client on close()', async () => {
      const client = new Redis(REDIS_URL);
      const manager = new CacheManager().useClient(client);
      expect(await manager.ping()).to.equal(true);
      await manager.close();
      expect(client.status).to.equal('ready');
      expect(await client.ping()).to.equal('PONG');
      await client.quit();
    });

    it('quits the connections it created on close()', async () => {
      const manager = new CacheManager().init({ redisUrl: REDIS_URL, maxConnections: 3 });
      await manager.ping();
      const client = manager.client;
      await manager.close();
      expect(client.status, 'close() resolves once the socket is closed').to.equal('end');
    });

    it('init() does not throw for an unreachable Redis; ping() is false and bounded', async function () {
      this.timeout(5000);
      const manager = new CacheManager().init({
        redisUrl: 'redis://127.0.0.1:1',
        socketConnectTimeout: 200,
        commandTimeout: 300,
      });
      const start = performance.now();
      expect(await manager.ping()).to.equal(false);
      expect(performance.now() - start).to.be.below(1500);
      expect(manager.isAvailable).to.equal(false);
      expect(await manager.service<number>('n').get('1')).to.equal(null);
      await manager.close();
    });
  });
});
