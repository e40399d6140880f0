export type { AsyncMethod, CacheClassDecorator, CacheMethodDecorator } from './decorators/adapter.js';
export { CacheConfig } from './decorators/cache-config.js';
export { CacheEvict } from './decorators/cache-evict.js';
export { CachePut } from './decorators/cache-put.js';
export { Cached } from './decorators/cached.js';
export type {
  CacheConfigOptions,
  CachedOptions,
  CacheEvictOptions,
  CachePutOptions,
  CommonOptions,
  StoreOptions,
} from './decorators/options.js';
export type { CacheOperationInfo } from './decorators/registry.js';
export { getCacheOperations } from './decorators/registry.js';
export {
  CacheConfigError,
  CacheConnectionError,
  CacheDecodeError,
  CacheError,
  CacheFactoryError,
  CacheKeyError,
  CacheNotInitializedError,
  CacheSerializationError,
} from './errors.js';
export type { CacheEvent, CacheEventHandler, CacheEventName } from './events.js';
export type { KeyOptions } from './keys.js';
export { buildCacheKey, escapeGlob, invalidatePattern, MAX_IDENTIFIER_LENGTH } from './keys.js';
export { CacheManager, cacheManager } from './manager.js';
export type { CacheManagerOptions, ResolvedManagerOptions } from './manager-options.js';
export type { Model, ModelClass } from './model.js';
export type { ResilienceOptions } from './policy.js';
export type { RedisClient } from './runtime.js';
export type { CacheId, CacheServiceOptions, GetOrSetOptions, WriteOptions } from './service.js';
export { CacheService } from './service.js';
export type { CacheCounters, CacheStats } from './stats.js';
export { getTtlWithJitter } from './ttl.js';
