import { expect } from 'chai';
import { z } from 'zod';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { countExisting, describeOnBackends, entryKey, keysMatching } from '../support/backends.js';
import { gate, recordEvents, sleep } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

class Profile {
  name = '';
  greet(): string {
    return `hi ${this.name}`;
  }
}

describeOnBackends(flavoured('@Cached'), (backend) => {
  const bed = testBed(backend, { namespaces: ['DecoratorSpecInventory'] });

  it('returns the cached result without running the method again, and keeps `this`', async () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      calls = 0;
      @Cached({ key: (id: string) => id })
      async find(id: string): Promise<{ id: string; by: string }> {
        this.calls++;
        return { id, by: this.constructor.name };
      }
    }
    const repo = new Repo();
    const first = repo.find('1');
    expect(first).to.be.instanceOf(Promise);
    expect(await first).to.deep.equal({ id: '1', by: 'Repo' });
    expect(await repo.find('1')).to.deep.equal({ id: '1', by: 'Repo' });
    expect(repo.calls).to.equal(1);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `1`))).to.equal(1);
  });

  it('keys by method name and arguments by default, whatever the property order', async () => {
    let calls = 0;
    class DecoratorSpecInventory {
      @Cached({ manager: bed.manager })
      async search(filter: { a: number; b: number }, page: number, _extra?: string): Promise<number> {
        return ++calls + filter.a + page * 0;
      }
    }
    const repo = new DecoratorSpecInventory();
    await repo.search({ a: 1, b: 2 }, 1);
    await repo.search({ b: 2, a: 1 }, 1, undefined);
    expect(calls).to.equal(1);
    await repo.search({ a: 1, b: 2 }, 2);
    await repo.search({ a: 1, b: 3 }, 1);
    expect(calls).to.equal(3);
    const keys = await keysMatching(bed.manager, 'cache:v1:DecoratorSpecInventory:*search:*');
    expect(keys).to.have.length(3);
    // On a Cluster the id is preceded by its hash tag (see core/key-layout.ts).
    const layout = /^cache:v1:DecoratorSpecInventory:(\{DecoratorSpecInventory:[0-9a-f]{2}\}:)?search:#[\w-]+,[12]$/;
    expect(keys.every((k) => layout.test(k))).to.equal(true);
  });

  it('tells 1 from "1" in default keys', async () => {
    const seen: unknown[] = [];
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached()
      async find(id: string | number): Promise<string> {
        seen.push(id);
        return typeof id;
      }
    }
    const repo = new Repo();
    expect(await repo.find(1)).to.equal('number');
    expect(await repo.find('1')).to.equal('string');
    expect(await repo.find(1)).to.equal('number');
    expect(seen).to.deep.equal([1, '1']);
  });

  it('stores with the ttl of the decorator, else of @CacheConfig', async () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager, ttl: 1000 })
    class Repo {
      @Cached({ key: () => 'short', ttl: 100 })
      async short(): Promise<number> {
        return 1;
      }
      @Cached({ key: () => 'long' })
      async long(): Promise<number> {
        return 2;
      }
    }
    await new Repo().short();
    await new Repo().long();
    expect(await bed.manager.client.ttl(entryKey(bed.manager, `${bed.namespace}`, `short`))).to.be.within(85, 110);
    expect(await bed.manager.client.ttl(entryKey(bed.manager, `${bed.namespace}`, `long`))).to.be.within(850, 1100);
  });

  it('checks values with a zod model and revives class models', async () => {
    const schema = z.object({ n: z.number() });
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: (n: number) => `n${n}`, model: schema })
      async number(n: number): Promise<{ n: number }> {
        return { n };
      }
      @Cached({ key: () => 'bad', model: schema })
      async bad(): Promise<{ n: number }> {
        return { n: 'x' } as unknown as { n: number };
      }
      @Cached({ key: () => 'profile', model: Profile })
      async profile(): Promise<Profile> {
        return Object.assign(new Profile(), { name: 'Ada' });
      }
    }
    const { events, stop } = recordEvents(bed.manager, ['error']);
    const repo = new Repo();
    expect(await repo.number(1)).to.deep.equal({ n: 1 });
    expect(await repo.bad()).to.deep.equal({ n: 'x' });
    expect(events.error?.map((e) => e.error?.code)).to.deep.equal(['E_CACHE_SERIALIZATION']);
    await repo.profile();
    const revived = await repo.profile();
    expect(revived).to.be.instanceOf(Profile);
    expect(revived.greet()).to.equal('hi Ada');
    stop();
  });

  it('bypasses the cache when condition is false, and does not store when unless is true', async () => {
    let calls = 0;
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: (id: number) => id, condition: (id: number) => id > 0, unless: (r: number | null) => r === 42 })
      async find(id: number): Promise<number> {
        calls++;
        return id === 2 ? 42 : id;
      }
    }
    const repo = new Repo();
    await repo.find(-1);
    await repo.find(-1);
    expect(calls).to.equal(2);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `-1`))).to.equal(0);
    await repo.find(2);
    await repo.find(2);
    expect(calls).to.equal(4);
    await repo.find(1);
    await repo.find(1);
    expect(calls).to.equal(5);
  });

  it('does not cache null unless cacheNull; a cached null is returned without running the method', async () => {
    const calls = { plain: 0, withNull: 0 };
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: () => 'plain' })
      async plain(): Promise<string | null> {
        calls.plain++;
        return null;
      }
      @Cached({ key: () => 'withNull', cacheNull: true })
      async withNull(): Promise<string | null> {
        calls.withNull++;
        return null;
      }
    }
    const repo = new Repo();
    for (let i = 0; i < 3; i++) {
      expect(await repo.plain()).to.equal(null);
      expect(await repo.withNull()).to.equal(null);
    }
    expect(calls).to.deep.equal({ plain: 3, withNull: 1 });
  });

  it('runs the method once for concurrent calls on one key, and shares its rejection uncached', async () => {
    let calls = 0;
    const db = gate<number>();
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: () => 'k' })
      async load(): Promise<number> {
        calls++;
        return db.promise;
      }
      @Cached({ key: () => 'fails' })
      async fails(): Promise<number> {
        calls++;
        await sleep(10);
        throw new RangeError('db down');
      }
    }
    const repo = new Repo();
    const results = Promise.all(Array.from({ length: 20 }, () => repo.load()));
    await sleep(10);
    db.open(7);
    expect(await results).to.deep.equal(Array(20).fill(7));
    expect(calls).to.equal(1);
    const outcomes = await Promise.allSettled([repo.fails(), repo.fails()]);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason)).to.satisfy((errors: unknown[]) =>
      errors.every((e) => e instanceof RangeError && e.message === 'db down'),
    );
    expect(calls).to.equal(2);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `fails`))).to.equal(0);
  });

  it('resolves the manager at call time: uncached and reported before init(), cached after', async () => {
    const late = new CacheManager();
    let calls = 0;
    @CacheConfig({ namespace: bed.namespace, manager: late })
    class Repo {
      @Cached({ key: () => 'k' })
      async load(): Promise<number> {
        return ++calls;
      }
    }
    const repo = new Repo();
    const { events, stop } = recordEvents(late, ['error']);
    expect(await repo.load()).to.equal(1);
    expect(await repo.load()).to.equal(2);
    expect(events.error?.map((e) => e.error?.code)).to.deep.equal(['E_CACHE_NOT_INITIALIZED', 'E_CACHE_NOT_INITIALIZED']);
    late.init(backend.options);
    try {
      expect(await repo.load()).to.equal(3);
      expect(await repo.load()).to.equal(3);
      expect(events.error).to.have.length(2);
    } finally {
      stop();
      await late.close();
    }
  });
});
