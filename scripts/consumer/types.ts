import { buildCacheKey, type CacheEvent, CacheService, cacheManager } from 'ts-rc';

const users: CacheService<{ name: string }> = cacheManager.service<{ name: string }>('users');
const key: string = buildCacheKey('users', 1);
const handler = (event: CacheEvent): number => event.durationMs;
cacheManager.on('hit', handler);
void users.get('1').then((u) => u?.name.toUpperCase());
void key;
void CacheService;
