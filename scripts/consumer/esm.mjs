import { buildCacheKey, CacheService, cacheManager } from 'ts-rc';

cacheManager.init({ redisUrl: 'memory://' });
const users = new CacheService(cacheManager, 'users');
await users.set('1', { name: 'Ada' });
const back = await users.get('1');
if (back?.name !== 'Ada' || buildCacheKey('users', 1) !== 'cache:v1:users:1') throw new Error('esm: wrong result');
await cacheManager.close();
console.log('esm import ok');
