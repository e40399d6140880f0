import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { CacheFactoryError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheService } from '../../src/service/cache-service.js';
import { READ_FENCES_MANY, STORE_FENCED_MANY } from '../../src/store/lua-batch-scripts.js';
import { describeOnBackends } from '../support/backends.js';
import { countCommands, slotGroups } from '../support/command-counter.js';
import { gate, heldRead, rejection, sleep } from '../support/events.js';
import { waitUntil } from '../support/redis-process.js';
import { type TestBed, testBed } from '../support/test-bed.js';
import { withoutFences } from '../support/unfenced-client.js';

type Id = string | number;

/** Counts 'miss' events by id: a read that missed has, in the same tick, joined or started the load of that id. */
/**
 * Waits until `id` has been looked up `n` times: its 'miss' events, plus the callers that joined a
 * load in flight (counted in stats, with no event of their own; the specs below join only `id`).
 */
function missesOf(manager: CacheManager) {
  const seen: unknown[] = [];
  manager.on('miss', (event) => seen.push(event.id));
  const joinedBefore = manager.stats().joined;
  const count = (id: Id) => seen.filter((seenId) => seenId === id).length + manager.stats().joined - joinedBefore;
  return { reached: (id: Id, n: number) => waitUntil(() => count(id) >= n, 5000, `${n} lookups of ${id}`) };
}

/** A `loadMany` that records the ids it is asked for and answers `value(id)`, optionally held until `open()`. */
function loader(value: (id: Id) => string | undefined = (id) => `loaded-${id}`) {
  const calls: Id[][] = [];
  const held = heldRead<void>();
  let holding = false;
  return {
    calls,
    entered: held.entered,
    hold() {
      holding = true;
      return this;
    },
    open: () => held.open(undefined),
    load: async (missing: Id[]) => {
      calls.push(missing);
      if (holding) await held.read();
      return missing.map(value);
    },
  };
}

describeOnBackends('batches: getOrSetMany', (backend) => {
  const bed = testBed(backend, { peer: true });
  const rows = (options: object = {}) => bed.manager.service<string>('rows', { prefix: bed.prefix, ...options });

  it('calls loadMany once with only the ids that miss, and stores what it returns', async () => {
    const service = rows();
    await service.setMany([
      { id: 'b', value: 'cached-b' },
      { id: 'd', value: 'cached-d' },
    ]);
    const db = loader();
    const values = await service.getOrSetMany(['a', 'b', 'c', 'd', 'a', 1, '1'], db.load);
    expect(values).to.deep.equal(['loaded-a', 'cached-b', 'loaded-c', 'cached-d', 'loaded-a', 'loaded-1', 'loaded-1']);
    expect(db.calls, 'once, each missing entry once (1 and "1" are one entry)').to.deep.equal([['a', 'c', 1]]);
    expect(await service.getMany(['a', 'c', 1])).to.deep.equal(['loaded-a', 'loaded-c', 'loaded-1']);
    expect(await service.getOrSetMany(['a', 'b'], db.load), 'all hits: no call').to.deep.equal(['loaded-a', 'cached-b']);
    expect(db.calls).to.have.length(1);
    expect(await service.getOrSetMany([], db.load)).to.deep.equal([]);
  });

  it('round trips: one read, one fence read and one fenced write per slot group', async () => {
    const service = rows();
    const hundred = Array.from({ length: 100 }, (_, i) => `id-${i}`);
    await service.setMany(hundred.slice(0, 50).map((id) => ({ id, value: id })));
    const count = countCommands(bed.manager, 'mget', 'get');
    const db = loader();
    await service.getOrSetMany(hundred, db.load);
    const groups = (keys: string[]) => (backend.name === 'cluster' ? slotGroups(keys.map((id) => service.key(id))) : 1);
    expect(db.calls).to.deep.equal([hundred.slice(50)]);
    expect(count.calls.mget).to.equal(groups(hundred));
    expect(count.calls.get).to.equal(0);
    // memory:// runs the scripts' JavaScript twins in-process: there is no EVALSHA to count.
    if (backend.name !== 'memory') {
      expect(count.scripts(READ_FENCES_MANY)).to.equal(groups(hundred.slice(50)));
      expect(count.scripts(STORE_FENCED_MANY)).to.equal(groups(hundred.slice(50)));
      expect(count.calls.evalsha, 'nothing else').to.equal(2 * groups(hundred.slice(50)));
    }
  });

  it('loadMany may answer with a Map; an id it leaves out is null and not stored, an explicit null is cached', async () => {
    const service = rows();
    const calls: Id[][] = [];
    const load = async (missing: Id[]) => {
      calls.push(missing);
      return new Map<Id, string | null>([
        ['a', 'A'],
        [7, 'seven'], // a number key answers the id '7'
        ['gone', null],
      ]) as Map<Id, string>;
    };
    expect(await service.getOrSetMany(['a', 'absent', '7', 'gone'], load)).to.deep.equal(['A', null, 'seven', null]);
    expect(await service.getOrSetMany(['a', 'absent', '7', 'gone'], load)).to.deep.equal(['A', null, 'seven', null]);
    expect(calls, 'only the id it left out is asked again').to.deep.equal([['a', 'absent', '7', 'gone'], ['absent']]);
    expect(await service.exists('gone'), 'the null was stored').to.equal(true);
  });

  it('an array not aligned with missingIds rejects with a CacheFactoryError and stores nothing', async () => {
    const service = rows();
    const error = await rejection(service.getOrSetMany(['a', 'b'], async () => ['only one']));
    expect(error)
      .to.be.instanceOf(CacheFactoryError)
      .and.match(/1 values for 2 ids/);
    expect(await service.getMany(['a', 'b'])).to.deep.equal([null, null]);
  });

  it("loadMany's error reaches the caller unchanged and is never cached; shouldCache and ttl apply per entry", async () => {
    const service = rows();
    const failure = new Error('database down');
    expect(
      await rejection(
        service.getOrSetMany(['a'], async () => {
          throw failure;
        }),
      ),
    ).to.equal(failure);
    expect(await rejection(service.getOrSetMany(['a'], () => Promise.reject(failure)))).to.equal(failure);
    const values = await service.getOrSetMany(['a', 'skip'], async (missing) => missing.map(String), {
      ttl: 60,
      shouldCache: (value) => value !== 'skip',
    });
    expect(values).to.deep.equal(['a', 'skip']);
    expect(await service.getMany(['a', 'skip'])).to.deep.equal(['a', null]);
    expect(await service.getTtl('a')).to.be.within(54, 66);
  });

  describe('single-flight per key', () => {
    it('joins a getOrSet in flight for one of its ids instead of loading it again', async () => {
      const service = rows();
      const single = heldRead<string>();
      const first = service.getOrSet('b', single.read);
      await single.entered;
      const db = loader();
      const misses = missesOf(bed.manager);
      const many = service.getOrSetMany(['a', 'b', 'c'], db.load);
      await misses.reached('b', 1); // its read missed b and joined the load in flight
      single.open('from-getOrSet');
      expect(await many).to.deep.equal(['loaded-a', 'from-getOrSet', 'loaded-c']);
      expect(await first).to.equal('from-getOrSet');
      expect(db.calls).to.deep.equal([['a', 'c']]);
    });

    it('a getOrSet, or another getOrSetMany, for an id being loaded joins the batch', async () => {
      const service = rows();
      const db = loader().hold();
      const many = service.getOrSetMany(['a', 'b'], db.load);
      await db.entered;
      let factoryCalls = 0;
      const misses = missesOf(bed.manager);
      const single = service.getOrSet('b', async () => `factory-${++factoryCalls}`);
      const other = loader();
      const overlapping = service.getOrSetMany(['b', 'c'], other.load);
      await misses.reached('b', 2);
      db.open();
      expect(await Promise.all([many, single, overlapping])).to.deep.equal([
        ['loaded-a', 'loaded-b'],
        'loaded-b',
        ['loaded-b', 'loaded-c'],
      ]);
      expect(factoryCalls).to.equal(0);
      expect(other.calls).to.deep.equal([['c']]);
    });

    it("a getOrSet joined to an id the batch's loader does not return loads it itself", async () => {
      const service = rows();
      const db = loader((id) => (id === 'b' ? undefined : `loaded-${id}`)).hold();
      const many = service.getOrSetMany(['a', 'b'], db.load);
      await db.entered;
      const misses = missesOf(bed.manager);
      const single = service.getOrSet('b', async () => 'factory-b');
      await misses.reached('b', 1);
      db.open();
      expect(await many).to.deep.equal(['loaded-a', null]);
      expect(await single).to.equal('factory-b');
    });

    it("every caller joined to a batch shares loadMany's rejection", async () => {
      const service = rows();
      const failure = new Error('database down');
      const held = heldRead<void>();
      const many = service.getOrSetMany(['a', 'b'], async () => {
        await held.read();
        throw failure;
      });
      await held.entered;
      const misses = missesOf(bed.manager);
      const single = service.getOrSet('b', async () => 'factory');
      await misses.reached('b', 1);
      held.open();
      expect(await rejection(many)).to.equal(failure);
      expect(await rejection(single)).to.equal(failure);
      expect(await service.getOrSet('b', async () => 'next'), 'never cached; the key is free').to.equal('next');
    });

    it('hardTimeout bounds a batch load: its callers get a CacheFactoryError, the keys are freed, the late values are not stored', async () => {
      const service = rows({ hardTimeout: 80 });
      const late = gate<string[]>();
      const started = performance.now();
      const misses = missesOf(bed.manager);
      const many = service.getOrSetMany(['a', 'b'], () => late.promise);
      await misses.reached('a', 1);
      const joined = service.getOrSet('a', async () => 'factory');
      const errors = await Promise.all([rejection(many), rejection(joined)]);
      expect(performance.now() - started).to.be.below(1000);
      for (const error of errors) expect(error, error.message).to.be.instanceOf(CacheFactoryError);
      expect(errors.map((error) => /hardTimeout/.test(error.message))).to.deep.equal([true, true]);
      expect(await service.getOrSet('a', async () => 'fresh'), 'the key is free').to.equal('fresh');
      late.open(['late-a', 'late-b']);
      await sleep(30);
      expect(await service.getMany(['a', 'b'])).to.deep.equal(['fresh', null]);
    });
  });

  describe('fenced like getOrSet', () => {
    it('an eviction in another process during a slow loadMany: that id is not stored, a read after the delete never gets the old value', async () => {
      const outcome = await evictionRace(bed, bed.manager);
      expect(outcome.slow, 'its own caller still gets what it loaded').to.deep.equal(['old', 'old-other']);
      expect(outcome.later, 'began after the delete resolved').to.deep.equal(['new']);
      expect(outcome.storedAfterDelete, 'the old value was not stored').to.equal('new');
      expect(outcome.other, 'the id nobody evicted was stored').to.equal('old-other');
    });

    it('a delete here during a slow loadMany detaches it: a read that starts afterwards loads afresh', async () => {
      const service = rows();
      const db = loader(() => 'old').hold();
      const slow = service.getOrSetMany(['a', 'b'], db.load);
      await db.entered;
      await service.deleteMany(['a']);
      const later = service.getOrSetMany(['a'], async () => ['new']);
      db.open();
      expect(await slow).to.deep.equal(['old', 'old']);
      expect(await later).to.deep.equal(['new']);
      expect(await service.getMany(['a', 'b'])).to.deep.equal(['new', 'old']);
    });

    it('invalidatePattern during a slow loadMany: nothing it loaded is stored', async () => {
      const onA = rows();
      const onB = bed.peer.service<string>('rows', { prefix: bed.prefix });
      const db = loader(() => 'old').hold();
      const slow = onA.getOrSetMany(['a', 'b', 'c'], db.load);
      await db.entered;
      await onB.invalidatePattern('*');
      db.open();
      await slow;
      expect(await onA.getMany(['a', 'b', 'c'])).to.deep.equal([null, null, null]);
    });

    it('negative control: with fenced writes that store unconditionally, the same eviction lets the old value through', async () => {
      const unfenced = new CacheManager().useClient(withoutFences(bed.manager.client as Redis));
      try {
        const stale = await evictionRace(bed, unfenced);
        expect(stale.storedAfterDelete, 'without fences the old value is stored after the delete').to.equal('old');
      } finally {
        await unfenced.close();
      }
    });
  });
});

/**
 * A getOrSetMany on `manager` reads 'old' for id 1 and is held; the peer deletes id 1; a
 * getOrSetMany that begins after the delete resolves asks again. What each saw, and what is stored.
 */
async function evictionRace(bed: TestBed, manager: CacheManager) {
  const onA: CacheService<string> = manager.service<string>('rows', { prefix: bed.prefix });
  const onB = bed.peer.service<string>('rows', { prefix: bed.prefix });
  const db = loader((id) => (id === '1' ? 'old' : 'old-other')).hold();
  const misses = missesOf(manager);
  const slow = onA.getOrSetMany(['1', '2'], db.load, { ttl: 600 });
  await db.entered; // the load has read its fence tokens and waits on the database
  expect(await onB.delete('1')).to.equal(false);
  const later = onA.getOrSetMany(['1'], async () => ['new']); // joins the held load, then must read again
  await misses.reached('1', 2);
  db.open();
  const result = { slow: await slow, later: await later };
  return { ...result, storedAfterDelete: await onB.get('1'), other: await onB.get('2') };
}
