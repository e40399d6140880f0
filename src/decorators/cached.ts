import { resilienceOf } from '../service/resilience-options.js';
import { type CacheMethodDecorator, methodDecorator } from './flavours.js';
import { storingFields } from './operations.js';
import { type CachedOptions, checkOptions } from './options.js';

/**
 * Cache-aside on a method: return the cached result for its key, else run the method and store
 * its result. Concurrent calls for one key share one run; `null` is stored only with `cacheNull`.
 * With a class `model`, the method may resolve to one instance or an array of them.
 * @example @Cached({ key: (id: string) => id, ttl: 600 }) async findById(id: string): Promise<User | null>
 */
export function Cached<A extends unknown[] = [], I extends object = object, U = I | I[] | null>(
  options: CachedOptions<A, I | I[], U> & { model: new (...args: never[]) => I },
): CacheMethodDecorator<A, I | I[], U>;
/** `A`: the parameters the options' functions take; `V`: the method's resolved value; `U`: what `unless` receives. */
export function Cached<A extends unknown[] = [], V = unknown, U = V | null>(
  options?: CachedOptions<A, V, U>,
): CacheMethodDecorator<A, V, U>;
export function Cached<A extends unknown[], V, U>(options?: CachedOptions<A, V, U>): CacheMethodDecorator<A, V, U> {
  const o = checkOptions('@Cached', options);
  const resilience = resilienceOf(o); // checked with the other options, resolved once per service
  return methodDecorator('@Cached', (method) => ({
    kind: 'cached',
    method,
    ...storingFields(o),
    cacheNull: o.cacheNull ?? false,
    resilience,
  }));
}
