import { expect } from 'chai';
import { MAX_NAMED_NAMESPACES } from '../../src/client/stats.js';
import { CacheManager } from '../../src/manager/cache-manager.js';

describe('stats() with many namespaces', () => {
  let manager: CacheManager;
  beforeEach(() => {
    manager = new CacheManager().init({ redisUrl: 'memory://', logger: false });
  });
  afterEach(() => manager.close());

  it(`names the first ${MAX_NAMED_NAMESPACES} namespaces and counts the rest together, totals exact`, async () => {
    const users = manager.service<number>('users');
    await users.get(1);
    const tenants = 10_000;
    for (let i = 0; i < tenants; i++) await manager.service<number>(`tenant-${i}`).get(1);
    await users.get(1); // a namespace named early stays named
    await manager.service<number>(`tenant-${tenants - 1}`).set(1, 1); // a late one keeps counting into the others

    const stats = manager.stats();
    expect(Object.keys(stats.namespaces)).to.have.length(MAX_NAMED_NAMESPACES);
    expect(stats.namespaces.users).to.include({ misses: 2 });
    expect(stats.namespaces[`tenant-${MAX_NAMED_NAMESPACES - 2}`]).to.include({ misses: 1 });
    expect(stats.namespaces[`tenant-${MAX_NAMED_NAMESPACES - 1}`]).to.equal(undefined);
    const others = tenants - (MAX_NAMED_NAMESPACES - 1);
    expect(stats.otherNamespaces).to.include({ misses: others, sets: 1, hitRatio: 0 });
    expect(stats).to.include({ misses: tenants + 2, sets: 1 });
    const named = Object.values(stats.namespaces).reduce((sum, counters) => sum + counters.misses, 0);
    expect(named + (stats.otherNamespaces?.misses ?? 0), 'named + other = total').to.equal(stats.misses);

    manager.resetStats();
    expect(manager.stats().otherNamespaces).to.include({ misses: 0, sets: 0 });
  });

  it('has no otherNamespaces while every namespace has a name', async () => {
    await manager.service<number>('users').get(1);
    expect(manager.stats()).to.not.have.property('otherNamespaces');
  });
});
