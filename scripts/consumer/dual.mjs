// One process that both imports and requires ts-rc (as an ESM app with a CommonJS dependency
// does): it must get one package, so init() through one reaches what was made through the other.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from 'ts-rc';

const cjs = createRequire(import.meta.url)('ts-rc');

for (const [name, value] of Object.entries(esm)) assert.equal(value, cjs[name], `import and require give two ${name}`);
assert.ok(!('default' in esm), 'no default export');

/** A legacy decorator applied by hand (plain JS has no decorator syntax). */
function decorate(cls, method, decorator) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, method);
  Object.defineProperty(cls.prototype, method, decorator(cls.prototype, method, descriptor) ?? descriptor);
}

let calls = 0;
class Repo {
  async find(id) {
    calls++;
    return { id };
  }
}
decorate(Repo, 'find', cjs.Cached({ namespace: 'dual', key: (id) => id }));
const errors = [];
esm.cacheManager.on('error', (event) => errors.push(event.error));
esm.cacheManager.init({ redisUrl: 'memory://' });
const repo = new Repo();
await repo.find('1');
await repo.find('1');
assert.deepEqual(errors, []);
assert.equal(calls, 1, 'a method decorated through require is cached by the manager init() through import');

// A manager made through require is a CacheManager to the imported decorators and services.
const own = new cjs.CacheManager().init({ redisUrl: 'memory://' });
decorate(Repo, 'find', esm.Cached({ namespace: 'own', key: (id) => id, manager: own }));
await new esm.CacheService(own, 'users').set('1', { name: 'Ada' });
assert.deepEqual(await own.service('users').get('1'), { name: 'Ada' });

// Errors from one are instances of the other's classes (and carry a stable code).
assert.throws(
  () => cjs.buildCacheKey('', 1),
  (e) => e instanceof esm.CacheKeyError && e instanceof esm.CacheError,
);
assert.throws(() => esm.cacheManager.init({ redisUrl: 'memory://' }), cjs.CacheAlreadyInitializedError);
assert.throws(
  () => new cjs.CacheService(own, 'users', { defaultTtl: -1 }),
  (e) => e.code === 'E_CACHE_CONFIG',
);

await Promise.all([esm.cacheManager.close(), own.close()]);
console.log('dual package: import and require share one cacheManager, CacheManager and error classes');
