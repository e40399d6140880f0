import { expect } from 'chai';
import { Cached } from '../../src/decorators/cached.js';
import { CacheConfigError, CacheFactoryError } from '../../src/errors.js';
import { describeOnBackends } from '../support/backends.js';
import { recordEvents, sleep } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

describeOnBackends(flavoured('@Cached resilience options'), (backend) => {
  const bed = testBed(backend);

  it('grace: a failing method is answered with the stale result, reported as stale', async () => {
    class Prices {
      fail = false;
      @Cached({ namespace: bed.namespace, manager: bed.manager, key: (sku: string) => sku, ttl: 0.1, grace: 30 })
      async price(sku: string): Promise<number> {
        if (this.fail) throw new Error('pricing service down');
        return sku.length;
      }
    }
    const prices = new Prices();
    const { events, stop } = recordEvents(bed.manager, ['stale']);
    expect(await prices.price('abc')).to.equal(3);
    prices.fail = true;
    await sleep(150);
    expect(await prices.price('abc')).to.equal(3);
    expect(events.stale?.[0]?.error).to.be.instanceOf(CacheFactoryError);
    stop();
  });

  it('softTimeout: a slow method is answered with the stale result at once', async () => {
    class Reports {
      calls = 0;
      @Cached({ namespace: bed.namespace, manager: bed.manager, key: () => 'daily', ttl: 0.1, grace: 30, softTimeout: 20 })
      async daily(): Promise<number> {
        this.calls++;
        if (this.calls > 1) await sleep(700);
        return this.calls;
      }
    }
    const reports = new Reports();
    expect(await reports.daily()).to.equal(1);
    await sleep(150);
    const start = performance.now();
    expect(await reports.daily()).to.equal(1);
    expect(performance.now() - start, 'at the soft timeout (20 ms), long before the method (700 ms)').to.be.below(400);
  });

  it('lock: concurrent calls run the method once', async () => {
    class Slow {
      calls = 0;
      @Cached({ namespace: bed.namespace, manager: bed.manager, key: () => 'k', lock: { ttl: 2000, wait: 2000 } })
      async load(): Promise<string> {
        this.calls++;
        await sleep(50);
        return 'v';
      }
    }
    const slow = new Slow();
    expect(await Promise.all([slow.load(), slow.load(), slow.load()])).to.deep.equal(['v', 'v', 'v']);
    expect(slow.calls).to.equal(1);
    expect(await bed.manager.client.exists(`cache~:l:v1:${bed.namespace}:k`), 'lock released').to.equal(0);
  });

  it('rejects bad resilience options where the decorator is applied', () => {
    expect(() => Cached({ softTimeout: 10 })).to.throw(CacheConfigError, /softTimeout/);
    expect(() => Cached({ earlyRefresh: 0 })).to.throw(CacheConfigError, /earlyRefresh/);
  });
});
