import { type CacheMethodDecorator, methodDecorator } from './adapter.js';
import { storeFields } from './operations.js';
import { type CachePutOptions, checkOptions } from './options.js';

/**
 * Always run the method, then store its result (not `null`/`undefined`) under `keyFromResult`
 * or `key`, so later `@Cached` reads see it. With a class `model`, the method may resolve to
 * one instance or an array of them.
 * @example @CachePut({ keyFromResult: (u: User) => u.id }) async save(user: User): Promise<User>
 */
export function CachePut<A extends unknown[] = [], I extends object = object>(
  options: CachePutOptions<A, I | I[]> & { model: new (...args: never[]) => I },
): CacheMethodDecorator<A, I | I[]>;
/** `A`: the parameters the options' functions take; `V`: the method's resolved value. */
export function CachePut<A extends unknown[] = [], V = unknown>(options?: CachePutOptions<A, V>): CacheMethodDecorator<A, V>;
export function CachePut<A extends unknown[], V>(options?: CachePutOptions<A, V>): CacheMethodDecorator<A, V> {
  const o = checkOptions('@CachePut', options);
  return methodDecorator('@CachePut', (method) => ({
    kind: 'put',
    method,
    ...storeFields(o),
    keyFromResult: o.keyFromResult,
  }));
}
