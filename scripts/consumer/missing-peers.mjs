// A production install (no ioredis-mock, no class-transformer): what needs them says how to install them.
import assert from 'node:assert/strict';
import { CacheConfigError, CacheManager, CacheService } from 'ts-rc';

assert.throws(
  () => new CacheManager().init({ redisUrl: 'memory://' }),
  (e) => e instanceof CacheConfigError && e.message.includes('npm install --save-dev ioredis-mock'),
);
class User {}
assert.throws(
  () => new CacheService(new CacheManager(), 'users', { model: User }),
  (e) => e instanceof CacheConfigError && e.message.includes('npm install class-transformer reflect-metadata'),
);
// Everything else works without them.
const manager = new CacheManager().init({ redisUrl: 'redis://127.0.0.1:1', socketConnectTimeout: 50 });
assert.equal(await new CacheService(manager, 'users').get('1'), null);
await manager.close();
console.log('missing optional peers: memory:// and class models name their install command');
