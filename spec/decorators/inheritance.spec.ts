import { expect } from 'chai';
import { DEFAULTS } from '../../src/core/defaults.js';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { getCacheOperations } from '../../src/decorators/registry.js';
import type { CacheManager } from '../../src/manager/cache-manager.js';
import { countExisting, describeOnBackends, entryKey } from '../support/backends.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

interface Row {
  id: string;
  name: string;
}

/** The TypeORM/NestJS repository pattern: the decorated methods live on a generic base class. */
function repositories(ns: string, manager?: CacheManager) {
  class BaseRepository<T extends Row> {
    readonly loads: string[] = [];
    constructor(readonly rows: Map<string, T>) {}
    // Its own manager (the others take the subclass's): a shared namespace would alias entries.
    @Cached({ key: (id: string) => id, manager })
    async findById(id: string): Promise<T | null> {
      this.loads.push(id);
      return this.rows.get(id) ?? null;
    }
    @CachePut({ keyFromResult: (row: Row) => row.id })
    async save(row: T): Promise<T> {
      this.rows.set(row.id, row);
      return row;
    }
    // Stacked: the lookup and the eviction both resolve in the runtime class's namespace.
    @Cached({ key: (id: string) => `reload:${id}` })
    @CacheEvict({ key: (id: string) => id })
    async reload(id: string): Promise<number> {
      this.loads.push(`reload:${id}`);
      return this.loads.length;
    }
    @Cached({ namespace: `shared-${ns}`, key: () => 'kind' })
    async kind(): Promise<string> {
      return this.constructor.name;
    }
    @Cached({ key: () => 'label' })
    static async label(): Promise<string> {
      // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the call came through
      return this.name;
    }
  }
  @CacheConfig({ namespace: `users-${ns}`, manager })
  class UsersRepository extends BaseRepository<Row> {}
  @CacheConfig({ namespace: `products-${ns}`, manager })
  class ProductsRepository extends BaseRepository<Row> {}
  return { BaseRepository, UsersRepository, ProductsRepository };
}

const rows = (...entries: Row[]) => new Map(entries.map((row) => [row.id, row]));

describeOnBackends(flavoured('decorated methods inherited by subclasses'), (backend) => {
  // BaseRepository: where a run without per-class scopes would write.
  const bed = testBed(backend, { namespaces: ['InheritanceSpecOrders', 'BaseRepository'] });

  it('cache under the subclass @CacheConfig: users and products never see each other', async () => {
    const { UsersRepository, ProductsRepository } = repositories(bed.namespace, bed.manager);
    const users = new UsersRepository(rows({ id: '1', name: 'Ada' }));
    const products = new ProductsRepository(rows({ id: '1', name: 'Lamp' }));
    // Alternating calls: one operation serves two namespaces in turn.
    for (let round = 0; round < 3; round++) {
      expect(await users.findById('1')).to.deep.equal({ id: '1', name: 'Ada' });
      expect(await products.findById('1')).to.deep.equal({ id: '1', name: 'Lamp' });
    }
    expect(users.loads).to.deep.equal(['1']);
    expect(products.loads).to.deep.equal(['1']);
    expect(await bed.manager.client.get(entryKey(bed.manager, `users-${bed.namespace}`, `1`))).to.include('Ada');
    expect(await bed.manager.client.get(entryKey(bed.manager, `products-${bed.namespace}`, `1`))).to.include('Lamp');
    expect(await countExisting(bed.manager, entryKey(bed.manager, 'BaseRepository', '1'))).to.equal(0);
    const { namespaces: counters } = bed.manager.stats();
    expect([counters[`users-${bed.namespace}`]?.hits, counters[`products-${bed.namespace}`]?.hits]).to.deep.equal([2, 2]);
  });

  it('puts, stacked lookups and evictions and static methods use the subclass namespace too', async () => {
    const { UsersRepository, ProductsRepository } = repositories(bed.namespace, bed.manager);
    const users = new UsersRepository(rows());
    const products = new ProductsRepository(rows({ id: '2', name: 'Desk' }));
    await users.save({ id: '2', name: 'Grace' });
    expect(await users.findById('2')).to.deep.equal({ id: '2', name: 'Grace' });
    expect(await products.findById('2')).to.deep.equal({ id: '2', name: 'Desk' });
    expect(users.loads).to.deep.equal([]);

    await users.reload('2');
    expect(await countExisting(bed.manager, entryKey(bed.manager, `users-${bed.namespace}`, `2`))).to.equal(0);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `users-${bed.namespace}`, `reload:2`))).to.equal(1);
    expect(await countExisting(bed.manager, entryKey(bed.manager, `products-${bed.namespace}`, `2`))).to.equal(1);

    expect(await UsersRepository.label()).to.equal('UsersRepository');
    expect(await ProductsRepository.label()).to.equal('ProductsRepository');
    expect(
      await countExisting(
        bed.manager,
        entryKey(bed.manager, `users-${bed.namespace}`, `label`),
        entryKey(bed.manager, `products-${bed.namespace}`, `label`),
      ),
    ).to.equal(2);
  });

  it("an operation's own namespace option still wins over the subclass's", async () => {
    const { UsersRepository, ProductsRepository } = repositories(bed.namespace, bed.manager);
    expect(await new UsersRepository(rows()).kind()).to.equal('UsersRepository');
    expect(await new ProductsRepository(rows()).kind()).to.equal('UsersRepository');
    expect(await countExisting(bed.manager, entryKey(bed.manager, `shared-${bed.namespace}`, `kind`))).to.equal(1);
  });

  it("a subclass without @CacheConfig uses its own name and inherits an intermediate class's @CacheConfig", async () => {
    const { BaseRepository } = repositories(bed.namespace, bed.manager);
    @CacheConfig({ manager: bed.manager })
    class Managed extends BaseRepository<Row> {}
    class InheritanceSpecOrders extends Managed {}
    @CacheConfig({ namespace: `catalog-${bed.namespace}`, manager: bed.manager, ttl: 120 })
    class Catalog extends BaseRepository<Row> {}
    class Books extends Catalog {}
    await new InheritanceSpecOrders(rows({ id: bed.namespace, name: 'order' })).findById(bed.namespace);
    await new Books(rows({ id: '3', name: 'Dune' })).findById('3');
    expect(await countExisting(bed.manager, entryKey(bed.manager, `InheritanceSpecOrders`, `${bed.namespace}`))).to.equal(1);
    expect(await bed.manager.client.ttl(entryKey(bed.manager, `catalog-${bed.namespace}`, `3`))).to.be.within(100, 135);
  });

  it('two subclasses sharing a namespace keep their own @CacheConfig ttl, called alternately', async () => {
    const { BaseRepository } = repositories(bed.namespace, bed.manager);
    @CacheConfig({ namespace: `catalog-${bed.namespace}`, manager: bed.manager, ttl: 100 })
    class Short extends BaseRepository<Row> {}
    @CacheConfig({ namespace: `catalog-${bed.namespace}`, manager: bed.manager, ttl: 1000 })
    class Long extends BaseRepository<Row> {}
    const short = new Short(rows({ id: 's1', name: 's' }, { id: 's2', name: 's' }));
    const long = new Long(rows({ id: 'l1', name: 'l' }, { id: 'l2', name: 'l' }));
    for (const i of [1, 2]) {
      await short.findById(`s${i}`);
      await long.findById(`l${i}`);
    }
    for (const id of ['s1', 's2'])
      expect(await bed.manager.client.ttl(entryKey(bed.manager, `catalog-${bed.namespace}`, `${id}`))).to.be.within(85, 110);
    for (const id of ['l1', 'l2'])
      expect(await bed.manager.client.ttl(entryKey(bed.manager, `catalog-${bed.namespace}`, `${id}`))).to.be.within(850, 1100);
  });
});

describe(flavoured('getCacheOperations on subclasses'), () => {
  const ns = 'listing';

  it('lists inherited operations resolved for the subclass, an overridden method once', () => {
    const { BaseRepository, UsersRepository } = repositories(ns);
    @CacheConfig({ namespace: 'products', ttl: 60 })
    class ProductsRepository extends BaseRepository<Row> {
      @Cached({ key: (id: string) => `p:${id}`, ttl: 5 })
      override async findById(id: string): Promise<Row | null> {
        return { id, name: 'p' };
      }
      // An undecorated override hides the decorated one: nothing cached, nothing listed.
      override async save(row: Row): Promise<Row> {
        return row;
      }
    }
    const ttl = DEFAULTS.ttlSeconds;
    expect(getCacheOperations(UsersRepository)).to.deep.equal([
      { method: 'findById', kind: 'cached', namespace: `users-${ns}`, ttl },
      { method: 'save', kind: 'put', namespace: `users-${ns}`, ttl },
      { method: 'reload', kind: 'cached', namespace: `users-${ns}`, ttl },
      { method: 'reload', kind: 'evict', namespace: `users-${ns}`, ttl: undefined },
      { method: 'kind', kind: 'cached', namespace: `shared-${ns}`, ttl },
      { method: 'label', kind: 'cached', namespace: `users-${ns}`, ttl },
    ]);
    expect(getCacheOperations(ProductsRepository)).to.deep.equal([
      { method: 'reload', kind: 'cached', namespace: 'products', ttl: 60 },
      { method: 'reload', kind: 'evict', namespace: 'products', ttl: undefined },
      { method: 'kind', kind: 'cached', namespace: `shared-${ns}`, ttl: 60 },
      { method: 'findById', kind: 'cached', namespace: 'products', ttl: 5 },
      { method: 'label', kind: 'cached', namespace: 'products', ttl: 60 },
    ]);
    expect(getCacheOperations(BaseRepository).map((op) => op.namespace)).to.deep.equal([
      'BaseRepository',
      'BaseRepository',
      'BaseRepository',
      'BaseRepository',
      `shared-${ns}`,
      'BaseRepository',
    ]);
  });
});
