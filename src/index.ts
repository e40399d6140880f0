export type { CacheEvent, CacheEventHandler, CacheEventName } from './client/events.js';
export type { RedisClient } from './client/redis-client.js';
export type { CacheCounters, CacheStats } from './client/stats.js';
export type { KeyOptions } from './core/keys.js';
export { buildCacheKey, escapeGlob, invalidatePattern, MAX_IDENTIFIER_LENGTH } from './core/keys.js';
export type { Model, ModelClass } from './core/model.js';
export type { Random } from './core/ttl.js';
export { getTtlWithJitter } from './core/ttl.js';
export { CacheConfig } from './decorators/cache-config.js';
export { CacheEvict } from './decorators/cache-evict.js';
export { CachePut } from './decorators/cache-put.js';
export { Cached } from './decorators/cached.js';
export type { AsyncMethod, CacheClassDecorator, CacheMethodDecorator } from './decorators/flavours.js';
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
export type { CacheErrorCode } from './errors.js';
export {
  CacheAlreadyInitializedError,
  CacheConfigError,
  CacheConnectionError,
  CacheDecodeError,
  CacheError,
  CacheFactoryError,
  CacheKeyError,
  CacheNotInitializedError,
  CacheReplicationError,
  CacheSerializationError,
} from './errors.js';
export { CacheManager, cacheManager } from './manager/cache-manager.js';
export type { CacheLogger } from './manager/failure-logger.js';
export type { CacheManagerOptions, InjectedClientOptions, ResolvedManagerOptions } from './manager/manager-options.js';
export type { RedisEndpoint, RedisServer } from './manager/redis-url.js';
export type { ReplicaAcksOptions } from './manager/replica-acks-options.js';
export type {
  CacheId,
  CacheServiceOptions,
  GetOrSetManyOptions,
  GetOrSetOptions,
  Loaded,
  LoadMany,
  SetManyItem,
  WriteOptions,
} from './service/cache-service.js';
export { CacheService } from './service/cache-service.js';
export type { ResilienceOptions } from './service/resilience-options.js';
