import { expect } from 'chai';
import { describeOnBackends } from '../support/backends.js';
import { recordEvents, sleep } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

describeOnBackends('getOrSet callers that join a running load', (backend) => {
  const bed = testBed(backend);

  it('count as joined, not as misses: one miss per load, no miss event for a joiner, hitRatio over hits and misses only', async () => {
    const products = bed.manager.service<number>('products', { prefix: bed.prefix });
    const { events, stop } = recordEvents(bed.manager, ['hit', 'miss']);
    let loads = 0;
    const load = async () => (loads++, await sleep(50), 2);
    await Promise.all(Array.from({ length: 50 }, () => products.getOrSet(2, load)));
    await Promise.all(Array.from({ length: 50 }, () => products.getOrSet(2, load)));
    stop();

    expect(loads).to.equal(1);
    expect(events.miss).to.have.length(1);
    expect(events.hit).to.have.length(50);
    const stats = bed.manager.stats();
    expect(stats).to.include({ hits: 50, misses: 1, joined: 49, hitRatio: 50 / 51 });
    expect(stats.namespaces.products).to.include({ hits: 50, misses: 1, joined: 49, hitRatio: 50 / 51 });
  });

  it('a join that ends in the load failing is still a join; the next call is a miss of its own', async () => {
    const products = bed.manager.service<number>('products', { prefix: bed.prefix });
    const failing = async () => {
      await sleep(20);
      throw new Error('db down');
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => products.getOrSet(1, failing)));
    expect(outcomes.map((o) => o.status)).to.deep.equal(Array(5).fill('rejected'));
    expect(await products.getOrSet(1, async () => 1)).to.equal(1);
    expect(bed.manager.stats()).to.include({ hits: 0, misses: 2, joined: 4, hitRatio: 0 });
  });
});
