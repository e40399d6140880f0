import { expect } from 'chai';
import { CacheConnectionError, CacheDecodeError, CacheKeyError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { EVICT_MANY, STORE_AND_FENCE_MANY } from '../../src/store/lua-batch-scripts.js';
import { describeOnBackends } from '../support/backends.js';
import { countCommands, slotGroups } from '../support/command-counter.js';
import { asyncRejection, heldRead, recordEvents, sleep } from '../support/events.js';
import { freePort } from '../support/redis-process.js';
import { testBed } from '../support/test-bed.js';

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `id-${from + i}`);

describeOnBackends('batches: getMany, setMany, deleteMany', (backend) => {
  const bed = testBed(backend, { peer: true });
  const rows = () => bed.manager.service<string>('rows', { prefix: bed.prefix });

  it('getMany answers in the order asked, null for each miss, counted and announced per id', async () => {
    const service = rows();
    await service.set('a', 'A');
    await service.set('c', 'C', { params: { lang: 'en' } });
    const { events, stop } = recordEvents(bed.manager, ['hit', 'miss']);
    expect(await service.getMany(['a', 'b', 'c'])).to.deep.equal(['A', null, null]);
    expect(await service.getMany(['c', 'a'], { lang: 'en' })).to.deep.equal(['C', null]);
    stop();
    expect(events.hit!.map((e) => e.id)).to.deep.equal(['a', 'c']);
    expect(events.miss!.map((e) => e.id)).to.deep.equal(['b', 'c', 'a']);
    expect(events.hit![0]!.key).to.equal(service.key('a'));
    const stats = bed.manager.stats().namespaces.rows!;
    expect([stats.hits, stats.misses]).to.deep.equal([2, 3]);
    expect(await service.getMany([])).to.deep.equal([]);
  });

  it('getMany of 100 keys is one MGET on a standalone Redis, one per slot group on a Cluster', async () => {
    const service = rows();
    const hundred = ids(100);
    expect(await service.setMany(hundred.map((id) => ({ id, value: `v-${id}` })))).to.deep.equal(hundred.map(() => true));
    const count = countCommands(bed.manager, 'mget', 'get');
    const values = await service.getMany(hundred);
    expect(values).to.deep.equal(hundred.map((id) => `v-${id}`));
    const groups = backend.name === 'cluster' ? slotGroups(hundred.map((id) => service.key(id))) : 1;
    expect(count.calls.mget, `${groups} slot group(s)`).to.equal(groups);
    expect(count.calls.get, 'no GET per key').to.equal(0);
    if (backend.name === 'cluster') expect(groups, 'the keys spread over buckets').to.be.greaterThan(1);
  });

  it('setMany and deleteMany are one script per slot group', async () => {
    const service = rows();
    const hundred = ids(100);
    const groups = backend.name === 'cluster' ? slotGroups(hundred.map((id) => service.key(id))) : 1;
    const count = countCommands(bed.manager);
    await service.setMany(hundred.map((id) => ({ id, value: id })));
    expect(await service.deleteMany(hundred)).to.equal(100);
    // memory:// runs the scripts' JavaScript twins in-process: there is no EVALSHA to count.
    if (backend.name !== 'memory') {
      expect(count.scripts(STORE_AND_FENCE_MANY)).to.equal(groups);
      expect(count.scripts(EVICT_MANY)).to.equal(groups);
      expect(count.calls.evalsha, 'nothing else').to.equal(2 * groups);
    }
    expect(await service.getMany(hundred)).to.deep.equal(hundred.map(() => null));
  });

  it('setMany answers per item: its TTL and params, and false for a value that cannot be stored (reported)', async () => {
    const service = rows();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const errors = recordEvents(bed.manager, ['error']);
    const stored = await service.setMany([
      { id: 'a', value: 'A', ttl: 60 },
      { id: 'b', value: circular as never },
      { id: 'c', value: undefined as never },
      { id: 'd', value: 'D', params: { lang: 'en' } },
    ]);
    errors.stop();
    expect(stored).to.deep.equal([true, false, false, true]);
    expect(errors.events.error!.map((e) => e.id)).to.deep.equal(['b']);
    expect(await service.getMany(['a', 'b', 'c', 'd'])).to.deep.equal(['A', null, null, null]);
    expect(await service.get('d', { lang: 'en' })).to.equal('D');
    expect(await service.getTtl('a')).to.be.within(54, 66);
    expect(bed.manager.stats().namespaces.rows!.sets).to.equal(2);
    expect(await service.setMany([])).to.deep.equal([]);
  });

  it('deleteMany counts what it removed, and a later read in another process does not find it', async () => {
    const service = rows();
    await service.setMany(['a', 'b', 'c'].map((id) => ({ id, value: id })));
    const { events, stop } = recordEvents(bed.manager, ['evict']);
    expect(await service.deleteMany(['a', 'b', 'x', 'a'])).to.equal(2);
    stop();
    expect(events.evict!.map((e) => e.id)).to.deep.equal(['a', 'b', 'x']);
    expect(bed.manager.stats().namespaces.rows!.evictions).to.equal(2);
    const onPeer = bed.peer.service<string>('rows', { prefix: bed.prefix });
    expect(await onPeer.getMany(['a', 'b', 'c'])).to.deep.equal([null, null, 'c']);
  });

  it('deleteMany moves the fences: a load that began before it does not store its old value, in another process either', async () => {
    const onA = rows();
    const onB = bed.peer.service<string>('rows', { prefix: bed.prefix });
    const db = heldRead<string>();
    const slowRead = onA.getOrSet('1', db.read, { ttl: 600 });
    await db.entered;
    expect(await onB.deleteMany(['1', '2'])).to.equal(0);
    db.open('old');
    expect(await slowRead).to.equal('old');
    expect(await onA.get('1'), 'not stored').to.equal(null);
  });

  it('deleteMany detaches loads in flight here: a read that starts afterwards loads afresh, without waiting for them', async () => {
    const service = rows();
    const db = heldRead<string>();
    const slow = service.getOrSet('a', db.read);
    await db.entered;
    await service.deleteMany(['a']);
    expect(await service.getOrSet('a', async () => 'new'), 'while the older load is still held').to.equal('new');
    db.open('old');
    expect(await slow).to.equal('old');
    expect(await service.get('a')).to.equal('new');
  });

  it('setMany wins over an older load, here or in another process: it is not overwritten by what that load read', async () => {
    const service = rows();
    const onPeer = bed.peer.service<string>('rows', { prefix: bed.prefix });
    const here = heldRead<string>();
    const there = heldRead<string>();
    const slowHere = service.getOrSet('a', here.read);
    const slowThere = onPeer.getOrSet('b', there.read);
    await Promise.all([here.entered, there.entered]);
    expect(await service.setMany(['a', 'b'].map((id) => ({ id, value: `set-${id}` })))).to.deep.equal([true, true]);
    here.open('old-a');
    there.open('old-b');
    expect(await Promise.all([slowHere, slowThere])).to.deep.equal(['old-a', 'old-b']);
    expect(await service.getMany(['a', 'b'])).to.deep.equal(['set-a', 'set-b']);
  });

  it('a corrupt entry in a batch is a miss, reported and removed before getMany resolves', async () => {
    const service = rows();
    await service.setMany(['a', 'c'].map((id) => ({ id, value: id })));
    await bed.manager.client.set(service.key('b'), '{not json');
    const { events, stop } = recordEvents(bed.manager, ['error']);
    expect(await service.getMany(['a', 'b', 'c'])).to.deep.equal(['a', null, 'c']);
    stop();
    expect(events.error!.map((e) => e.error)).to.have.length(1);
    expect(events.error![0]!.error).to.be.instanceOf(CacheDecodeError);
    expect(await bed.peer.client.exists(service.key('b')), 'gone, seen by another connection').to.equal(0);
  });

  it('an entry past its TTL, kept only for grace, is a miss for getMany as for get', async () => {
    const service = bed.manager.service<string>('rows', { prefix: bed.prefix, grace: 60 });
    await service.setMany([
      { id: 'old', value: 'old', ttl: 0.05 },
      { id: 'new', value: 'new', ttl: 60 },
    ]);
    await sleep(80);
    expect(await service.getMany(['old', 'new'])).to.deep.equal([null, 'new']);
    expect(await service.exists('old'), 'still kept for grace').to.equal(true);
  });

  it('bad ids, params or items reject with a CacheKeyError, never a synchronous throw', async () => {
    const service = rows();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const calls: [string, () => Promise<unknown>][] = [
      ['getMany([NaN])', () => service.getMany(['a', Number.NaN])],
      ['getMany(not an array)', () => service.getMany('abc' as never)],
      ['getMany with cyclic params', () => service.getMany(['a'], cyclic)],
      ['setMany([{ id: {} }])', () => service.setMany([{ id: {} as never, value: 'x' }])],
      ['setMany([null])', () => service.setMany([null as never])],
      ['setMany(not an array)', () => service.setMany({} as never)],
      ['deleteMany([null])', () => service.deleteMany([null as never])],
      ['getOrSetMany([Infinity])', () => service.getOrSetMany([Number.POSITIVE_INFINITY], async () => [])],
    ];
    for (const [what, call] of calls) expect(await asyncRejection(call), what).to.be.instanceOf(CacheKeyError);
  });
});

describe('batches while Redis is down (a port nothing listens on)', () => {
  let manager: CacheManager;
  beforeEach(async () => {
    const port = await freePort();
    manager = new CacheManager().init({
      redisUrl: `redis://127.0.0.1:${port}`,
      commandTimeout: 200,
      socketConnectTimeout: 200,
      retryMaxDelay: 200,
    });
  });
  afterEach(() => manager.close());

  it('getMany → nulls, setMany → falses, deleteMany → 0, getOrSetMany → loadMany for all; reported, never thrown, bounded', async () => {
    const service = manager.service<string>('rows');
    const errors = recordEvents(manager, ['error']);
    const loaded: (string | number)[][] = [];
    const started = performance.now();
    expect(await service.getMany(['a', 'b'])).to.deep.equal([null, null]);
    expect(await service.setMany([{ id: 'a', value: 'A' }])).to.deep.equal([false]);
    expect(await service.deleteMany(['a', 'b'])).to.equal(0);
    const values = await service.getOrSetMany(['a', 'b', 'a'], async (missing) => {
      loaded.push(missing);
      return missing.map((id) => `loaded-${id}`);
    });
    errors.stop();
    expect(performance.now() - started, 'no call waits for a timeout').to.be.below(2000);
    expect(values).to.deep.equal(['loaded-a', 'loaded-b', 'loaded-a']);
    expect(loaded).to.deep.equal([['a', 'b']]);
    expect(errors.events.error!.length).to.be.greaterThan(0);
    for (const event of errors.events.error!) expect(event.error).to.be.instanceOf(CacheConnectionError);
  });
});
