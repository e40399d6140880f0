import { type CacheClassDecorator, classDecorator } from './flavours.js';
import { type CacheConfigOptions, checkOptions } from './options.js';

/**
 * Class-level defaults (namespace, ttl, model, manager) for the class's `@Cached`, `@CachePut`
 * and `@CacheEvict`; each decorator's own options win.
 * @example @CacheConfig({ namespace: 'users', ttl: 600 }) class UserRepository { … }
 */
export function CacheConfig(options: CacheConfigOptions): CacheClassDecorator {
  const o = checkOptions('@CacheConfig', options);
  return classDecorator({ namespace: o.namespace, ttl: o.ttl, model: o.model, manager: o.manager });
}
