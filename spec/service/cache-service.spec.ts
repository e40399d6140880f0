import 'reflect-metadata';
import { expect } from 'chai';
import { Type } from 'class-transformer';
import { z } from 'zod';
import { CacheConfigError, CacheDecodeError, CacheSerializationError } from '../../src/errors.js';
import type { CacheService } from '../../src/service/cache-service.js';
import { describeOnBackends } from '../support/backends.js';
import { gate, recordEvents, sleep } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

class Address {
  city = '';
}
class User {
  id = '';
  name = '';
  @Type(() => Date) createdAt = new Date(0);
  @Type(() => Address) address?: Address;
  greet(): string {
    return `hi ${this.name}`;
  }
}
/** A source the test answers by hand; `entered` resolves once a load has called it (its read has missed). */
function slowSource<T>(): { load: () => Promise<T>; entered: Promise<void>; open: (value: T) => void } {
  const answer = gate<T>();
  const called = gate();
  return {
    load: () => {
      called.open();
      return answer.promise;
    },
    entered: called.promise,
    open: answer.open,
  };
}

const userSchema = z.object({ id: z.string(), name: z.string().min(1), age: z.number().int() });

describeOnBackends('CacheService', (backend) => {
  const bed = testBed(backend);
  const service = <T>(namespace = 'users', options: ConstructorParameters<typeof CacheService<T>>[2] = {}) =>
    bed.manager.service<T>(namespace, { prefix: bed.prefix, ...options });

  describe('get / set / delete / exists', () => {
    it('misses, stores, reads back and deletes under the documented key', async () => {
      const users = service<{ name: string }>();
      expect(await users.get('1')).to.equal(null);
      expect(await users.set('1', { name: 'Ada' })).to.equal(true);
      expect(await users.get('1')).to.deep.equal({ name: 'Ada' });
      // The documented layout; on a Cluster the id is preceded by its hash tag (core/key-layout.ts).
      const tag = backend.name === 'cluster' ? '\\{users:[0-9a-f]{2}\\}:' : '';
      expect(users.key('1')).to.match(new RegExp(`^${bed.prefix}:v1:users:${tag}1$`));
      expect(await bed.manager.client.exists(users.key('1'))).to.equal(1);
      expect(await users.exists('1')).to.equal(true);
      expect(await users.delete('1')).to.equal(true);
      expect(await users.delete('1')).to.equal(false);
      expect(await users.exists('1')).to.equal(false);
      expect(await users.get('1')).to.equal(null);
    });

    it('keys params independent of their order, and apart from other params', async () => {
      const search = service<string[]>('search');
      await search.set('q', ['a'], { params: { page: 1, filter: { b: 2, a: 1 } } });
      expect(await search.get('q', { filter: { a: 1, b: 2 }, page: 1 })).to.deep.equal(['a']);
      expect(await search.get('q', { page: 2, filter: { a: 1, b: 2 } })).to.equal(null);
      expect(await search.get('q', { page: '1', filter: { a: 1, b: 2 } })).to.equal(null);
      expect(await search.get('q')).to.equal(null);
    });

    it('tells a cached null from a miss', async () => {
      const users = service<string | null>();
      await users.set('gone', null);
      expect(await users.exists('gone')).to.equal(true);
      let calls = 0;
      expect(await users.getOrSet('gone', () => (calls++, 'x'))).to.equal(null);
      expect(calls).to.equal(0);
    });

    it('never stores undefined', async () => {
      const users = service<string | undefined>();
      expect(await users.set('u', undefined)).to.equal(false);
      expect(await users.exists('u')).to.equal(false);
    });

    it('round-trips unicode, glob characters, colons, empty and very long identifiers', async () => {
      const users = service<string>();
      const ids = ['', 'a:b', 'x*y?[z]\\', 'ünïcødé 🚀', 'x'.repeat(5000)];
      for (const id of ids) await users.set(id, `v-${id.length}`);
      for (const id of ids) expect(await users.get(id)).to.equal(`v-${id.length}`);
      expect(users.key('x'.repeat(5000)).length).to.be.below(1024);
      expect(await users.invalidatePattern('x\\*y*')).to.equal(1);
      expect(await users.get('x*y?[z]\\')).to.equal(null);
      expect(await users.get('a:b')).to.equal('v-3');
    });
  });

  describe('TTL', () => {
    it('writes the default TTL with ±10% jitter, and -2 for a missing entry', async () => {
      const users = service<number>('users', { defaultTtl: 100 });
      expect(await users.getTtl('none')).to.equal(-2);
      const ttls: number[] = [];
      for (let i = 0; i < 20; i++) {
        await users.set(i, i);
        ttls.push(await users.getTtl(i));
      }
      for (const ttl of ttls) expect(ttl).to.be.within(89, 110);
      expect(new Set(ttls).size).to.be.greaterThan(1);
    });

    it('uses the exact TTL with useJitter: false, and an explicit TTL per call', async () => {
      const users = service<number>('users', { defaultTtl: 100, useJitter: false });
      await users.set('a', 1);
      await users.set('b', 1, 50);
      await users.set('c', 1, { ttl: 20 });
      expect(await users.getTtl('a')).to.be.within(99, 100);
      expect(await users.getTtl('b')).to.be.within(49, 50);
      expect(await users.getTtl('c')).to.be.within(19, 20);
    });

    it('expires entries (sub-second TTLs are kept in milliseconds)', async () => {
      const users = service<number>('users', { useJitter: false });
      await users.set('short', 1, 0.15);
      expect(await users.get('short')).to.equal(1);
      await sleep(250);
      expect(await users.get('short')).to.equal(null);
    });

    it('rejects a bad TTL as a programmer error', async () => {
      const users = service<number>();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        let error: unknown;
        await users.set('x', 1, ttl).catch((e: unknown) => (error = e));
        expect(error, String(ttl)).to.be.instanceOf(CacheConfigError);
      }
    });
  });

  describe('getOrSet', () => {
    it('calls the factory on a miss only, and stores its value', async () => {
      const users = service<{ n: number }>();
      let calls = 0;
      const factory = async () => ({ n: ++calls });
      expect(await users.getOrSet('a', factory)).to.deep.equal({ n: 1 });
      expect(await users.getOrSet('a', factory)).to.deep.equal({ n: 1 });
      expect(calls).to.equal(1);
      expect(await users.get('a')).to.deep.equal({ n: 1 });
    });

    it('runs the factory once for 200 concurrent misses on one cold key', async () => {
      const users = service<string>();
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(100);
        return 'loaded';
      };
      const results = await Promise.all(Array.from({ length: 200 }, () => users.getOrSet('cold', factory)));
      expect(calls).to.equal(1);
      expect(new Set(results)).to.deep.equal(new Set(['loaded']));
      expect(bed.manager.stats().namespaces.users?.sets).to.equal(1);
    });

    it('shares single-flight across services that resolve to the same key', async () => {
      let calls = 0;
      const factory = async () => (calls++, await sleep(50), 1);
      await Promise.all([service<number>().getOrSet('k', factory), service<number>().getOrSet('k', factory)]);
      expect(calls).to.equal(1);
    });

    it('propagates factory errors to every joined caller and caches nothing', async () => {
      const users = service<string>();
      let calls = 0;
      const failing = async () => {
        calls++;
        await sleep(20);
        throw new Error('db down');
      };
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => users.getOrSet('e', failing)));
      expect(calls).to.equal(1);
      for (const outcome of outcomes) {
        expect(outcome.status).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.message).to.equal('db down');
      }
      expect(await users.exists('e')).to.equal(false);
      expect(await users.getOrSet('e', async () => 'ok')).to.equal('ok');
    });

    it('does not store a value loaded before a delete of its key', async () => {
      const users = service<string>();
      const db = slowSource<string>();
      const slowRead = users.getOrSet('row', db.load);
      await db.entered; // the read has missed and is waiting on the database
      expect(await users.delete('row')).to.equal(false);
      db.open('old');
      expect(await slowRead).to.equal('old');
      expect(await users.get('row')).to.equal(null);
    });

    it('does not let a read that starts after a delete join a load that began before it', async () => {
      const users = service<string>();
      const db = slowSource<string>();
      const slowRead = users.getOrSet('row', db.load);
      await db.entered;
      await users.delete('row');
      const laterRead = users.getOrSet('row', async () => 'new');
      db.open('old');
      expect(await slowRead).to.equal('old');
      expect(await laterRead).to.equal('new');
      expect(await users.get('row')).to.equal('new');
    });

    it('does not let a read that starts after an invalidation join a load that began before it', async () => {
      const users = service<string>();
      const db = slowSource<string>();
      const slowRead = users.getOrSet('row', db.load);
      await db.entered;
      await users.invalidatePattern('r*');
      const laterRead = users.getOrSet('row', async () => 'new');
      db.open('old');
      expect(await slowRead).to.equal('old');
      expect(await laterRead).to.equal('new');
    });

    it('does not store a value loaded before an invalidation of its namespace', async () => {
      const users = service<string>();
      const db = slowSource<string>();
      const slowRead = users.getOrSet('row', db.load);
      await db.entered;
      await users.invalidatePattern();
      db.open('old');
      await slowRead;
      expect(await users.get('row')).to.equal(null);
      expect(await users.getOrSet('row', () => 'new')).to.equal('new');
      expect(await users.get('row')).to.equal('new');
    });
  });

  describe('invalidatePattern', () => {
    it('removes only the namespace keys that match, over many SCAN pages', async function () {
      this.timeout(20_000);
      const users = service<number>('users');
      const userLists = service<number>('user-lists');
      const other = bed.manager.service<number>('users', { prefix: `${bed.prefix}x` });
      const write = async (svc: CacheService<number>, ids: string[]) => {
        // One SET per key (not one pipeline): on a Cluster the keys live in different slots.
        const client = bed.manager.client;
        await Promise.all(ids.map((id) => client.set(svc.key(id), JSON.stringify({ v: 1 }), 'EX', 600)));
      };
      const range = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
      await write(users, [...range(1200, 'a:'), ...range(300, 'b:')]);
      await write(userLists, range(100, 'a:'));
      await write(other, range(100, 'a:'));

      expect(await users.invalidatePattern('a:*')).to.equal(1200);
      expect(await users.get('b:7')).to.equal(1);
      expect(await userLists.get('a:7')).to.equal(1);
      expect(await other.get('a:7')).to.equal(1);
      expect(await users.invalidatePattern()).to.equal(300);
      expect(await userLists.invalidatePattern()).to.equal(100);
      expect(await other.get('a:99')).to.equal(1);
    });

    it('escapes glob characters in the namespace, so it never matches another namespace', async () => {
      const star = service<number>('user*');
      const users = service<number>('users');
      await users.set('1', 1);
      await star.set('1', 2);
      expect(await star.invalidatePattern()).to.equal(1);
      expect(await users.get('1')).to.equal(1);
    });
  });

  describe('models and bad data', () => {
    it('validates with a zod schema on write and on read', async () => {
      const users = service<z.infer<typeof userSchema>>('users', { model: userSchema });
      const { events, stop } = recordEvents(bed.manager, ['error']);
      expect(await users.set('1', { id: '1', name: 'Ada', age: 36 })).to.equal(true);
      expect(await users.get('1')).to.deep.equal({ id: '1', name: 'Ada', age: 36 });
      expect(await users.set('2', { id: '2', name: '', age: 1 })).to.equal(false);
      expect(events.error?.[0]?.error).to.be.instanceOf(CacheSerializationError);
      await bed.manager.client.set(users.key('3'), JSON.stringify({ v: { id: '3', name: 'x', age: 'old' } }));
      expect(await users.get('3')).to.equal(null);
      expect(events.error?.[1]?.error).to.be.instanceOf(CacheDecodeError);
      expect(events.error?.[1]?.key).to.equal(users.key('3'));
      await sleep(20);
      expect(await bed.manager.client.exists(users.key('3'))).to.equal(0);
      stop();
    });

    it('revives class instances with methods and @Type fields', async () => {
      const users = service<User>('users', { model: User });
      const user = Object.assign(new User(), { id: '1', name: 'Ada', createdAt: new Date('2020-01-02T03:04:05Z') });
      user.address = Object.assign(new Address(), { city: 'London' });
      await users.set('1', user);
      const back = await users.get('1');
      expect(back).to.be.instanceOf(User);
      expect(back?.greet()).to.equal('hi Ada');
      expect(back?.createdAt).to.be.instanceOf(Date);
      expect(back?.createdAt.toISOString()).to.equal('2020-01-02T03:04:05.000Z');
      expect(back?.address).to.be.instanceOf(Address);
    });

    it('treats corrupt JSON and foreign values as a miss, removes and reports them', async () => {
      const users = service<number>();
      const { events, stop } = recordEvents(bed.manager, ['error']);
      await bed.manager.client.set(users.key('bad'), '{not json');
      await bed.manager.client.set(users.key('foreign'), '42');
      expect(await users.get('bad')).to.equal(null);
      expect(await users.getOrSet('foreign', () => 7)).to.equal(7);
      expect(events.error?.map((e) => e.error?.code)).to.deep.equal(['E_CACHE_DECODE', 'E_CACHE_DECODE']);
      await sleep(20);
      expect(await bed.manager.client.exists(users.key('bad'))).to.equal(0);
      expect(await users.get('foreign')).to.equal(7);
      stop();
    });

    it('does not let __proto__ or constructor keys in cached data pollute a prototype', async () => {
      const plain = service<Record<string, unknown>>('plain');
      const users = service<User>('users', { model: User });
      const hostile =
        '{"v":{"id":"1","name":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"\\u005f_proto__":{"polluted":true}}}';
      await bed.manager.client.set(plain.key('1'), hostile);
      await bed.manager.client.set(users.key('1'), hostile);
      const value = await plain.get('1');
      const user = await users.get('1');
      expect(value).to.not.equal(null);
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
      expect(user).to.be.instanceOf(User);
      expect(user?.greet()).to.equal('hi x');
      expect(({} as { polluted?: boolean }).polluted).to.equal(undefined);
      expect((user as unknown as { polluted?: boolean }).polluted).to.equal(undefined);
    });

    it('refuses unserialisable and oversize values without failing the caller', async () => {
      const users = service<unknown>('users', { maxValueBytes: 1000 });
      const { events, stop } = recordEvents(bed.manager, ['error']);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(await users.set('c', circular)).to.equal(false);
      expect(await users.set('b', { n: 10n })).to.equal(false);
      expect(await users.set('big', 'x'.repeat(2000))).to.equal(false);
      expect(await users.getOrSet('c2', () => circular)).to.equal(circular);
      expect(events.error).to.have.length(4);
      for (const event of events.error ?? []) expect(event.error).to.be.instanceOf(CacheSerializationError);
      expect(await users.exists('big')).to.equal(false);
      stop();
    });
  });

  describe('events and stats', () => {
    it('emits hit, miss, set and evict with namespace, key, id and duration, and counts them', async () => {
      const users = service<number>();
      const { events, stop } = recordEvents(bed.manager, ['hit', 'miss', 'set', 'evict']);
      await users.get(1);
      await users.set(1, 1);
      await users.get(1);
      await users.delete(1);
      stop();
      for (const name of ['hit', 'miss', 'set', 'evict']) {
        const [event] = events[name]!;
        expect(event, name).to.include({ namespace: 'users', key: users.key(1), id: 1 });
        expect(event?.durationMs, name).to.be.a('number').and.at.least(0);
      }
      const stats = bed.manager.stats();
      expect(stats.namespaces.users).to.deep.equal({
        hits: 1,
        misses: 1,
        joined: 0,
        sets: 1,
        evictions: 1,
        errors: 0,
        stale: 0,
        hitRatio: 0.5,
      });
      expect(stats.hitRatio).to.equal(0.5);
    });
  });
});
