import { expect } from 'chai';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { countExisting, describeOnBackends, entryKey } from '../support/backends.js';
import { gate } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

interface Item {
  id: string;
  name: string;
}

describeOnBackends(flavoured('@CachePut and @CacheEvict'), (backend) => {
  const bed = testBed(backend);
  const lists = () => `${bed.namespace}-lists`;
  const db = new Map<string, Item>();
  let reads = 0;

  const makeRepo = () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: (id: string) => id })
      async find(id: string): Promise<Item | null> {
        reads++;
        return db.get(id) ?? null;
      }
      @Cached({ namespace: lists(), key: (page: number) => `page:${page}` })
      async list(page: number): Promise<Item[]> {
        return [...db.values()].slice(page * 10, page * 10 + 10);
      }
      @CachePut({
        key: () => 'ignored',
        keyFromResult: (item: Item) => item.id,
        unless: (item: Item | null) => item?.name === 'secret',
      })
      async save(item: Item): Promise<Item> {
        db.set(item.id, item);
        return item;
      }
      @CacheEvict({ key: (id: string) => id })
      @CacheEvict({ namespace: lists(), allEntries: true })
      async remove(id: string, fail = false): Promise<void> {
        if (fail) throw new TypeError('refused');
        db.delete(id);
      }
      @CacheEvict({ key: (id: string) => id, beforeInvocation: true })
      async removeEarly(id: string): Promise<void> {
        throw new TypeError(`refused ${id}`);
      }
      @CacheEvict({ namespace: lists(), pattern: (page: number) => `page:${page}` })
      async touchPage(_page: number): Promise<void> {}
    }
    return new Repo();
  };

  beforeEach(() => {
    db.clear();
    reads = 0;
  });

  it('@CachePut stores the result under keyFromResult (over key), read back by @Cached', async () => {
    const repo = makeRepo();
    await repo.save({ id: '1', name: 'Ada' });
    expect(await repo.find('1')).to.deep.equal({ id: '1', name: 'Ada' });
    expect(reads).to.equal(0);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `ignored`))).to.equal(0);
  });

  it('@CachePut honours unless and condition', async () => {
    const repo = makeRepo();
    await repo.save({ id: '2', name: 'secret' });
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `2`))).to.equal(0);
    let calls = 0;
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Writer {
      @CachePut({ key: (id: string) => id, condition: (id: string) => id !== 'skip' })
      async write(id: string): Promise<string> {
        return `${id}-${++calls}`;
      }
    }
    const writer = new Writer();
    await writer.write('skip');
    await writer.write('keep');
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `skip`))).to.equal(0);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `keep`))).to.equal(1);
    expect(await writer.write('keep')).to.equal('keep-3');
  });

  it('stacked @CacheEvict remove the key and every list entry after the method resolves', async () => {
    const repo = makeRepo();
    await repo.save({ id: '1', name: 'Ada' });
    expect(await repo.list(0)).to.have.length(1);
    await repo.remove('1');
    expect(await repo.find('1')).to.equal(null);
    expect(await repo.list(0)).to.deep.equal([]);
  });

  it('evicts nothing when the method throws, and the error reaches the caller unchanged', async () => {
    const repo = makeRepo();
    await repo.save({ id: '1', name: 'Ada' });
    await repo.list(0);
    let error: unknown;
    await repo.remove('1', true).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError).with.property('message', 'refused');
    expect(
      await countExisting(
        bed.manager,
        entryKey(bed.manager, `${bed.namespace}`, `1`),
        entryKey(bed.manager, `${lists()}`, `page:0`),
      ),
    ).to.equal(2);
  });

  it('beforeInvocation evicts even when the method throws', async () => {
    const repo = makeRepo();
    await repo.save({ id: '1', name: 'Ada' });
    const outcome = await repo.removeEarly('1').catch((e: unknown) => e);
    expect(outcome).to.be.instanceOf(TypeError);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${bed.namespace}`, `1`))).to.equal(0);
  });

  it('pattern evicts only the matching entries', async () => {
    const repo = makeRepo();
    await repo.list(0);
    await repo.list(1);
    await repo.touchPage(1);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${lists()}`, `page:0`))).to.equal(1);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `${lists()}`, `page:1`))).to.equal(0);
  });

  it('once an eviction resolves, a read does not get a value loaded before it', async () => {
    const slowDb = gate<string>();
    const reading = gate();
    let version = 'old';
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached({ key: () => 'row' })
      async read(): Promise<string> {
        if (version !== 'old') return version;
        reading.open();
        return slowDb.promise;
      }
      @CacheEvict({ key: () => 'row' })
      async update(): Promise<void> {
        version = 'new';
      }
    }
    const repo = new Repo();
    const slowRead = repo.read();
    await reading.promise; // the slow read is in the database (a fresh Cluster connection takes a while)
    await repo.update();
    const laterRead = repo.read();
    slowDb.open('old');
    expect(await slowRead).to.equal('old');
    expect(await laterRead).to.equal('new');
    expect(await repo.read()).to.equal('new');
  });
});
