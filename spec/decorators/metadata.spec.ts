import 'reflect-metadata';
import { expect } from 'chai';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { decoratorFlavour, flavoured } from '../support/flavour.js';
import { uniqueNamespace } from '../support/namespaces.js';

type Tagged = ((...args: never[]) => unknown) & Record<string, unknown>;

/**
 * Like Nest's `@Get` or `@UseGuards`: reflect-metadata (and, like some libraries, a plain
 * property) on the method function itself. In the legacy flavour also on target + key, like
 * `design:*` metadata. Works in both flavours.
 */
function tag(key: string, value: unknown): (...args: unknown[]) => void {
  return (...args) => {
    const fn = (args.length === 2 ? args[0] : (args[2] as PropertyDescriptor).value) as Tagged;
    Reflect.defineMetadata(key, value, fn);
    fn[`own:${key}`] = value;
    if (args.length === 3) Reflect.defineMetadata(`${key}:on-target`, value, args[0] as object, args[1] as string);
  };
}

const tagsOf = (fn: unknown) => {
  const f = fn as Tagged;
  return Object.fromEntries(
    Reflect.getOwnMetadataKeys(f)
      .filter((k) => typeof k === 'string' && k.startsWith('t:'))
      .map((k) => [k, { metadata: Reflect.getOwnMetadata(k, f), own: f[`own:${String(k)}`] }]),
  );
};

describe(flavoured('decorators keep the metadata other decorators put on a method'), () => {
  let manager: CacheManager;
  let ns: string; // memory:// managers share one keyspace: a namespace per test
  beforeEach(() => {
    manager = new CacheManager().init({ redisUrl: 'memory://' });
    ns = uniqueNamespace();
  });
  afterEach(() => manager.close());

  it('metadata and own properties put below @Cached, @CachePut and @CacheEvict reach the wrapper', async () => {
    let reads = 0;
    class Repo {
      @tag('t:route', 'GET :id')
      @Cached({ manager, namespace: ns, key: (id: string) => id })
      @tag('t:guard', ['AuthGuard'])
      async find(id: string): Promise<string> {
        reads++;
        return `user ${id}`;
      }
      @CachePut({ manager, namespace: ns, keyFromResult: (u: string) => u.slice(5) })
      @tag('t:route', 'PUT :id')
      async save(id: string): Promise<string> {
        return `user ${id}`;
      }
      @CacheEvict({ manager, namespace: ns, key: (id: string) => id })
      @tag('t:route', 'DELETE :id')
      async remove(_id: string): Promise<void> {}
    }
    const proto = Repo.prototype;
    expect(tagsOf(proto.find)).to.deep.equal({
      't:route': { metadata: 'GET :id', own: 'GET :id' },
      't:guard': { metadata: ['AuthGuard'], own: ['AuthGuard'] },
    });
    expect(tagsOf(proto.save)).to.deep.equal({ 't:route': { metadata: 'PUT :id', own: 'PUT :id' } });
    expect(tagsOf(proto.remove)).to.deep.equal({ 't:route': { metadata: 'DELETE :id', own: 'DELETE :id' } });

    const repo = new Repo();
    await repo.find('1');
    await repo.find('1');
    await repo.remove('1');
    await repo.find('1');
    expect(reads, 'the wrapper still caches and evicts').to.equal(2);
  });

  it('stacked decorators with others between them: every tag survives and each operation runs once', async () => {
    const seen: string[] = [];
    manager.on('miss', () => seen.push('miss'));
    manager.on('evict', () => seen.push('evict'));
    class Repo {
      @tag('t:top', 1)
      @Cached({ manager, namespace: ns, key: (id: string) => id })
      @tag('t:middle', 2)
      @CacheEvict({ manager, namespace: `${ns}-other`, key: (id: string) => id })
      @tag('t:bottom', 3)
      async find(id: string): Promise<string> {
        return id;
      }
    }
    expect(Object.keys(tagsOf(Repo.prototype.find))).to.have.members(['t:top', 't:middle', 't:bottom']);
    await new Repo().find('1');
    expect(seen).to.deep.equal(['miss', 'evict']);
  });

  it('the wrapper has the name and length of the method it replaces', () => {
    class Repo {
      @Cached({ manager, namespace: ns })
      async find(_id: string, _tenant: string): Promise<string> {
        return '';
      }
    }
    expect(Repo.prototype.find.name).to.equal('find');
    expect(Repo.prototype.find.length).to.equal(2);
  });

  it('copies at decoration time, never per call', async () => {
    const api = Reflect as unknown as Record<string, unknown>;
    const real = Reflect.getOwnMetadataKeys;
    let reads = 0;
    api.getOwnMetadataKeys = (...args: Parameters<typeof real>) => (reads++, real(...args));
    try {
      class Repo {
        @Cached({ manager, namespace: ns, key: (id: string) => id })
        @tag('t:route', 'GET')
        async find(id: string): Promise<string> {
          return id;
        }
      }
      const atDecoration = reads;
      expect(atDecoration).to.be.greaterThan(0);
      const repo = new Repo();
      for (let i = 0; i < 3; i++) await repo.find('1');
      expect(reads).to.equal(atDecoration);
    } finally {
      api.getOwnMetadataKeys = real;
    }
  });

  it('works when reflect-metadata is not loaded: own properties are still carried', async () => {
    const api = Reflect as unknown as Record<string, unknown>;
    const saved = { getOwnMetadataKeys: api.getOwnMetadataKeys, getOwnMetadata: api.getOwnMetadata };
    const plain = (...args: unknown[]): void => {
      const fn = (args.length === 2 ? args[0] : (args[2] as PropertyDescriptor).value) as Tagged;
      fn.route = 'GET';
    };
    delete api.getOwnMetadataKeys;
    delete api.getOwnMetadata;
    try {
      class Repo {
        @Cached({ manager, namespace: ns, key: (id: string) => id })
        @plain
        async find(id: string): Promise<string> {
          return id;
        }
      }
      expect((Repo.prototype.find as unknown as Tagged).route).to.equal('GET');
      expect(await new Repo().find('1')).to.equal('1');
    } finally {
      Object.assign(api, saved);
    }
  });

  if (decoratorFlavour === 'legacy') {
    it('legacy: design:* and metadata on target + key survive, in either order', () => {
      class Repo {
        @Cached({ manager, namespace: ns })
        @tag('t:below', 1)
        async below(_id: string): Promise<number> {
          return 1;
        }
        @tag('t:above', 1)
        @Cached({ manager, namespace: ns })
        async above(_id: number): Promise<number> {
          return 1;
        }
      }
      const proto = Repo.prototype;
      expect(Reflect.getMetadata('design:paramtypes', proto, 'below')).to.deep.equal([String]);
      expect(Reflect.getMetadata('design:paramtypes', proto, 'above')).to.deep.equal([Number]);
      expect(Reflect.getMetadata('design:returntype', proto, 'below')).to.equal(Promise);
      expect(Reflect.getMetadata('t:below:on-target', proto, 'below')).to.equal(1);
      expect(Reflect.getMetadata('t:above:on-target', proto, 'above')).to.equal(1);
      expect(Object.keys(tagsOf(proto.below))).to.deep.equal(['t:below']);
      expect(Object.keys(tagsOf(proto.above))).to.deep.equal(['t:above']);
    });
  }
});
