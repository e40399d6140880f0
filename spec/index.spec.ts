import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as errors from '../src/errors.js';
import * as api from '../src/index.js';

/** The public entry point, pinned: a name added or lost here is an API change, never an accident. */
const VALUES = [
  'CacheAlreadyInitializedError',
  'CacheConfig',
  'CacheConfigError',
  'CacheConnectionError',
  'CacheDecodeError',
  'CacheError',
  'CacheEvict',
  'CacheFactoryError',
  'CacheKeyError',
  'CacheManager',
  'CacheNotInitializedError',
  'CachePut',
  'CacheReplicationError',
  'CacheSerializationError',
  'CacheService',
  'Cached',
  'MAX_IDENTIFIER_LENGTH',
  'buildCacheKey',
  'cacheManager',
  'escapeGlob',
  'getCacheOperations',
  'getTtlWithJitter',
  'invalidatePattern',
];

const TYPES = [
  'AsyncMethod',
  'CacheClassDecorator',
  'CacheConfigOptions',
  'CacheCounters',
  'CacheErrorCode',
  'CacheEvent',
  'CacheEventHandler',
  'CacheEventName',
  'CacheEvictOptions',
  'CacheId',
  'CacheLogger',
  'CacheManagerOptions',
  'CacheMethodDecorator',
  'CacheOperationInfo',
  'CachePutOptions',
  'CacheServiceOptions',
  'CacheStats',
  'CachedOptions',
  'CommonOptions',
  'GetOrSetManyOptions',
  'GetOrSetOptions',
  'InjectedClientOptions',
  'KeyOptions',
  'LoadMany',
  'Loaded',
  'Model',
  'ModelClass',
  'Random',
  'RedisClient',
  'RedisEndpoint',
  'RedisServer',
  'ReplicaAcksOptions',
  'ResilienceOptions',
  'ResolvedManagerOptions',
  'SetManyItem',
  'StoreOptions',
  'WriteOptions',
];

/** The names `export type { … }` lists in src/index.ts (types leave no trace at run time). */
function exportedTypes(): string[] {
  const source = readFileSync(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)), 'utf8');
  const names: string[] = [];
  for (const [, list = ''] of source.matchAll(/export type \{([^}]*)\}/g)) {
    names.push(
      ...list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    );
  }
  return names.sort();
}

describe('the public entry point', () => {
  it('exports exactly these values, and no default export', () => {
    expect(Object.keys(api).sort()).to.deep.equal([...VALUES].sort());
  });

  it('exports exactly these types', () => {
    expect(exportedTypes()).to.deep.equal([...TYPES].sort());
  });

  it('exports every error class by name', () => {
    for (const [name, value] of Object.entries(errors)) {
      expect((api as Record<string, unknown>)[name], name).to.equal(value);
    }
  });

  it('a manager shows no internals: no symbol-keyed or enumerable own properties', () => {
    const manager = new api.CacheManager();
    expect(Object.getOwnPropertySymbols(manager)).to.deep.equal([]);
    expect(Object.keys(manager)).to.deep.equal([]);
  });
});
