import { expect } from 'chai';
import { CacheConfigError, CacheFactoryError } from '../../src/errors.js';
import { describeOnBackends } from '../support/backends.js';
import { recordEvents, rejection, sleep } from '../support/events.js';
import { waitUntil } from '../support/redis-process.js';
import { testBed } from '../support/test-bed.js';

describeOnBackends('stale-while-revalidate, fail-safe and early refresh', (backend) => {
  const bed = testBed(backend);

  it('grace: serves the expired value when the factory fails, and reports it as stale', async () => {
    const users = bed.manager.service<string>('users', { prefix: bed.prefix, defaultTtl: 0.1, useJitter: false, grace: 30 });
    const { events, stop } = recordEvents(bed.manager, ['stale']);
    expect(await users.getOrSet('k', () => 'v1')).to.equal('v1');
    await sleep(150);
    expect(await users.get('k'), 'past its TTL, get misses').to.equal(null);
    expect(await users.getTtl('k')).to.equal(-2);
    expect(
      await users.getOrSet('k', () => {
        throw new Error('db down');
      }),
    ).to.equal('v1');
    expect(events.stale).to.have.length(1);
    expect(events.stale?.[0]?.error).to.be.instanceOf(CacheFactoryError);
    expect((events.stale?.[0]?.error?.cause as Error | undefined)?.message).to.equal('db down');
    expect(bed.manager.stats().namespaces.users?.stale).to.equal(1);
    expect(await users.getOrSet('k', () => 'v2'), 'a working factory refreshes it').to.equal('v2');
    expect(await users.get('k')).to.equal('v2');
    stop();
  });

  it('without grace, an expired entry is gone and factory errors reach the caller', async () => {
    const users = bed.manager.service<string>('users', { prefix: bed.prefix, defaultTtl: 0.1, useJitter: false });
    await users.getOrSet('k', () => 'v1');
    await sleep(150);
    let error: unknown;
    await users
      .getOrSet('k', () => {
        throw new Error('db down');
      })
      .catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('db down');
  });

  it('softTimeout: returns the stale value when the factory is slow, and stores the fresh one when it lands', async () => {
    const users = bed.manager.service<string>('users', {
      prefix: bed.prefix,
      defaultTtl: 0.1,
      useJitter: false,
      grace: 30,
      softTimeout: 30,
    });
    await users.getOrSet('k', () => 'v1');
    await sleep(150);
    const start = performance.now();
    const value = await users.getOrSet('k', async () => (await sleep(600), 'v2'), { ttl: 60 });
    expect(value).to.equal('v1');
    // Served at the soft timeout (30 ms), long before the factory's 600 ms (slack for a loaded machine).
    expect(performance.now() - start).to.be.below(400);
    await sleep(700);
    expect(await users.get('k')).to.equal('v2');
  });

  it('softTimeout needs grace', () => {
    expect(() => bed.manager.service('users', { prefix: bed.prefix, softTimeout: 10 })).to.throw(CacheConfigError, /softTimeout/);
  });

  it('earlyRefresh: a hit near expiry refreshes in the background while callers get the cached value', async function () {
    this.timeout(5000);
    const users = bed.manager.service<number>('users', { prefix: bed.prefix, defaultTtl: 1, useJitter: false, earlyRefresh: 1 });
    let calls = 0;
    // The factory takes 400 ms, so 400 ms before expiry each hit refreshes with probability
    // e^-1: among 30 hits, at least one does (all missing it: 1e-6).
    const factory = async () => (await sleep(400), ++calls);
    expect(await users.getOrSet('k', factory)).to.equal(1);
    await sleep(600);
    const seen: number[] = [];
    for (let i = 0; i < 30; i++) seen.push(await users.getOrSet('k', factory));
    expect(
      seen.every((v) => v === 1),
      'hits are served from the cache meanwhile',
    ).to.equal(true);
    await waitUntil(() => calls === 2, 2000, 'no early refresh happened');
    await sleep(50);
    expect(calls, 'one refresh, not a herd').to.equal(2);
    expect(await users.get('k')).to.equal(2);
  });

  it('earlyRefresh leaves entries far from expiry alone', async () => {
    const users = bed.manager.service<number>('users', { prefix: bed.prefix, defaultTtl: 60, earlyRefresh: 1 });
    let calls = 0;
    for (let i = 0; i < 50; i++) await users.getOrSet('k', async () => ++calls);
    expect(calls).to.equal(1);
  });

  it('validates resilience options per call', async () => {
    const users = bed.manager.service<number>('users', { prefix: bed.prefix });
    const beta = await rejection(users.getOrSet('k', () => 1, { earlyRefresh: 2 }));
    expect(beta)
      .to.be.instanceOf(CacheConfigError)
      .and.match(/earlyRefresh/);
    const lockTtl = await rejection(users.getOrSet('k', () => 1, { lock: { ttl: -1 } }));
    expect(lockTtl)
      .to.be.instanceOf(CacheConfigError)
      .and.match(/lock\.ttl/);
  });
});
