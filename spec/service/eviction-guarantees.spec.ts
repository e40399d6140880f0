import { expect } from 'chai';
import { CacheFactoryError, CacheKeyError } from '../../src/errors.js';
import type { CacheManager } from '../../src/manager/cache-manager.js';
import { deleteKeys, describeOnBackends } from '../support/backends.js';
import { gate, heldRead, recordEvents, rejection, sleep } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

/** Every fence key of a prefix (`<prefix>~:f:…`): what Redis loses on FLUSHALL, a restart or maxmemory eviction. */
function dropFences(manager: CacheManager, prefix: string): Promise<number> {
  return deleteKeys(manager, `${prefix}~:f:*`);
}

describeOnBackends('eviction guarantees', (backend) => {
  const bed = testBed(backend, { peer: true });

  describe('fences survive loss', () => {
    it('a load that straddles a delete and the loss of its fence does not store its old value', async () => {
      const onA = bed.manager.service<string>('rows', { prefix: bed.prefix });
      const onB = bed.peer.service<string>('rows', { prefix: bed.prefix });
      const db = heldRead<string>();
      const slowRead = onA.getOrSet('1', db.read, { ttl: 600 });
      await db.entered; // the load has read its fence tokens and waits on the database
      expect(await onB.delete('1')).to.equal(false);
      expect(await dropFences(bed.manager, bed.prefix), 'fences were there to lose').to.be.greaterThan(0);
      db.open('old');
      expect(await slowRead, 'its own caller still gets what it loaded').to.equal('old');
      expect(await onB.get('1'), 'but the old value was not stored').to.equal(null);
    });

    it('a load that began before the fences existed is refused once an eviction creates them', async () => {
      const onA = bed.manager.service<string>('rows', { prefix: bed.prefix });
      const db = heldRead<string>();
      const slowRead = onA.getOrSet('1', db.read);
      await db.entered;
      await dropFences(bed.manager, bed.prefix); // lost before any eviction: the load holds tokens nobody has now
      db.open('v1');
      await slowRead;
      expect(await onA.get('1'), 'refused, never accepted: at worst a write is lost').to.equal(null);
      expect(await onA.getOrSet('1', async () => 'v2')).to.equal('v2');
      expect(await onA.get('1'), 'the next load stores again').to.equal('v2');
    });
  });

  describe('an explicit write wins over an older load', () => {
    it('a load that began before set() does not overwrite the value set, in another process either', async () => {
      const onA = bed.manager.service<string>('rows', { prefix: bed.prefix });
      const onB = bed.peer.service<string>('rows', { prefix: bed.prefix });
      const db = heldRead<string>();
      const slowRead = onA.getOrSet('1', db.read, { ttl: 600 });
      await db.entered;
      expect(await onB.set('1', 'v2')).to.equal(true);
      const later = onA.getOrSet('1', async () => 'reloaded');
      db.open('v1');
      expect(await slowRead).to.equal('v1');
      expect(await later, 'began after the write: never the older load value').to.not.equal('v1');
      expect(await onA.get('1'), 'the older load did not overwrite the write').to.equal('v2');
    });
  });

  describe('serving stale never crosses an eviction', () => {
    const staleEntry = async (manager: CacheManager, options: object) => {
      const rows = manager.service<string>('rows', { prefix: bed.prefix, grace: 60, ...options });
      await rows.set('1', 'old', { ttl: 0.05 });
      await sleep(80); // past its TTL, kept for grace
      return rows;
    };

    it('grace: a read that starts after another process deleted the entry does not get it when the factory fails', async () => {
      const onA = await staleEntry(bed.manager, {});
      const onB = bed.peer.service<string>('rows', { prefix: bed.prefix, grace: 60 });
      const db = heldRead<void>();
      const failing = async () => {
        await db.read();
        throw new Error('database down');
      };
      const first = onA.getOrSet('1', failing);
      await db.entered;
      await onB.delete('1');
      const later = onA.getOrSet('1', failing); // joins the load that holds the stale value
      db.open(undefined);
      expect(await first, 'began before the delete: may be served stale').to.equal('old');
      const error = await rejection(later);
      expect(error.message, 'began after the delete: the factory error, not the deleted value').to.equal('database down');
    });

    it('softTimeout: a read that starts after the delete waits for the fresh value instead', async () => {
      const onA = await staleEntry(bed.manager, { softTimeout: 30 });
      const onB = bed.peer.service<string>('rows', { prefix: bed.prefix, grace: 60 });
      const db = heldRead<string>();
      const first = onA.getOrSet('1', db.read);
      await db.entered;
      await onB.delete('1');
      const later = onA.getOrSet('1', db.read);
      expect(await first, 'began before the delete: served stale at the soft timeout').to.equal('old');
      setTimeout(() => db.open('new'), 60);
      expect(await later).to.equal('new');
    });

    it('a read that starts while the entry is still there is served stale (the check is not a blanket refusal)', async () => {
      const onA = await staleEntry(bed.manager, { softTimeout: 30 });
      const db = gate<string>();
      const first = onA.getOrSet('1', () => db.promise);
      await sleep(5);
      const joiner = onA.getOrSet('1', () => db.promise);
      expect(await Promise.all([first, joiner])).to.deep.equal(['old', 'old']);
      db.open('new');
    });
  });

  describe('hardTimeout', () => {
    it('rejects every caller of a load that never settles with a CacheFactoryError, and frees the key', async () => {
      const rows = bed.manager.service<string>('rows', { prefix: bed.prefix, hardTimeout: 80 });
      const never = () => new Promise<string>(() => {});
      const started = performance.now();
      const errors = await Promise.all([rejection(rows.getOrSet('1', never)), rejection(rows.getOrSet('1', never))]);
      expect(performance.now() - started).to.be.below(1000);
      for (const error of errors)
        expect(error)
          .to.be.instanceOf(CacheFactoryError)
          .and.match(/hardTimeout/);
      expect(await rows.getOrSet('1', async () => 'fresh'), 'the next call loads afresh').to.equal('fresh');
    });

    it('serves the stale value under grace, and never stores the late value', async () => {
      const rows = bed.manager.service<string>('rows', { prefix: bed.prefix, hardTimeout: 60, grace: 60 });
      await rows.set('1', 'old', { ttl: 0.05 });
      await sleep(80);
      const late = gate<string>();
      const { events, stop } = recordEvents(bed.manager, ['stale']);
      expect(await rows.getOrSet('1', () => late.promise)).to.equal('old');
      stop();
      expect(events.stale![0]?.error).to.be.instanceOf(CacheFactoryError);
      late.open('late');
      await sleep(30);
      expect(await rows.getTtl('1'), 'still the stale entry, kept for grace').to.equal(-2);
      expect(await rows.exists('1')).to.equal(true);
    });
  });

  describe('Promise-returning methods never throw synchronously', () => {
    it('bad ids and params reject with a CacheKeyError', async () => {
      const rows = bed.manager.service<string>('rows', { prefix: bed.prefix });
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const calls: [string, () => Promise<unknown>][] = [
        ['getOrSet(NaN)', () => rows.getOrSet(Number.NaN, async () => 'x')],
        ['getOrSet({})', () => rows.getOrSet({} as never, async () => 'x')],
        ['delete(NaN)', () => rows.delete(Number.NaN)],
        ['get(Infinity)', () => rows.get(Number.POSITIVE_INFINITY)],
        ['set(undefined)', () => rows.set(undefined as never, 'x')],
        ['exists(null)', () => rows.exists(null as never)],
        ['getTtl(NaN)', () => rows.getTtl(Number.NaN)],
        ['get with cyclic params', () => rows.get('1', cyclic)],
        ['getOrSet with cyclic params', () => rows.getOrSet('1', async () => 'x', { params: cyclic })],
      ];
      for (const [what, call] of calls) {
        let pending: Promise<unknown> | undefined;
        expect(() => {
          pending = call();
        }, what).to.not.throw();
        expect(await rejection(pending!), what).to.be.instanceOf(CacheKeyError);
      }
    });
  });

  it('a corrupt entry is gone before the get() that found it resolves', async () => {
    const rows = bed.manager.service<string>('rows', { prefix: bed.prefix });
    for (let i = 0; i < 20; i++) {
      await bed.manager.client.set(rows.key(`bad-${i}`), '{not json');
      expect(await rows.get(`bad-${i}`)).to.equal(null);
      expect(await bed.peer.client.exists(rows.key(`bad-${i}`)), 'seen by another connection at once').to.equal(0);
    }
  });
});
