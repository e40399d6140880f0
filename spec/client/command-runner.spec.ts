import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import { CacheConfigError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { CacheService } from '../../src/service/cache-service.js';
import { sleep } from '../support/events.js';

describe('runtime: bare clients and injected clients', () => {
  it('a CacheService on a bare client works, and services on one client share single-flight', async () => {
    const client = new RedisMock({ host: `bare-${process.pid}-${Math.random()}` });
    const a = new CacheService<number>(client, 'ns');
    const b = new CacheService<number>(client, 'ns');
    let calls = 0;
    const slow = async () => (calls++, await sleep(30), 7);
    expect(await Promise.all([a.getOrSet('k', slow), b.getOrSet('k', slow)])).to.deep.equal([7, 7]);
    expect(calls).to.equal(1);
    expect(await b.get('k')).to.equal(7);
    client.disconnect();
  });

  it('useClient validates its options', () => {
    expect(() => new CacheManager().useClient(new RedisMock(), { commandTimeout: -1 })).to.throw(
      CacheConfigError,
      /commandTimeout/,
    );
    expect(() => new CacheManager().useClient(new RedisMock(), { circuitBreaker: { cooldown: 0 } })).to.throw(
      CacheConfigError,
      /circuitBreaker\.cooldown/,
    );
  });
});
