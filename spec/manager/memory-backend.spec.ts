import { expect } from 'chai';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { CacheManager } from '../../src/manager/cache-manager.js';

/** Another client on the keyspace `client` uses (ioredis-mock shares data per host:port). */
function sameKeyspaceAs(client: Redis): Redis {
  const { host = 'localhost', port = 6379 } = client.options;
  return new RedisMock({ host, port }) as unknown as Redis;
}

describe('memory:// keyspaces', () => {
  it('close() drops the keyspace the manager made (ioredis-mock would keep it for the life of the process)', async () => {
    const manager = new CacheManager().init({ redisUrl: 'memory://' });
    const users = manager.service<number>('users');
    for (let i = 0; i < 20; i++) await users.getOrSet(`u-${i}`, async () => i);
    const observer = sameKeyspaceAs(manager.client as Redis);
    try {
      expect(await observer.dbsize(), 'entries and fences while open').to.be.greaterThan(20);
      await manager.close();
      expect(await observer.dbsize(), 'after close()').to.equal(0);
    } finally {
      observer.disconnect();
    }
  });

  it('close() leaves an injected ioredis-mock and its keyspace alone', async () => {
    const injected = new RedisMock({ host: `memory-backend-spec-${process.pid}` }) as unknown as Redis;
    const manager = new CacheManager().useClient(injected);
    try {
      await manager.service<number>('users').set('u-1', 1);
      const keys = await injected.dbsize();
      await manager.close();
      expect(await injected.dbsize(), 'not flushed').to.equal(keys);
      expect(await injected.get('cache:v1:users:u-1')).to.not.equal(null);
    } finally {
      await injected.flushall();
      injected.disconnect();
    }
  });

  it('two managers never share a keyspace, and closing one leaves the other', async () => {
    const [a, b] = [new CacheManager().init({ redisUrl: 'memory://' }), new CacheManager().init({ redisUrl: 'memory://' })];
    try {
      await a.service<string>('rows').set('r', 'a');
      await b.service<string>('rows').set('r', 'b');
      await a.close();
      expect(await b.service<string>('rows').get('r')).to.equal('b');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
