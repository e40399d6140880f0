import { type CacheMethodDecorator, methodDecorator } from './flavours.js';
import { storingFields } from './operations.js';
import { type CachePutOptions, checkOptions } from './options.js';

/**
 * Always run the method, then store its result (not `null`/`undefined`) under `keyFromResult`
 * or `key`, so later `@Cached` reads see it. With a class `model`, the method may resolve to
 * one instance or an array of them.
 * @example @CachePut({ keyFromResult: (u: User) => u.id }) async save(user: User): Promise<User>
 */
export function CachePut<A extends unknown[] = [], I extends object = object, U = I | I[], K = U>(
  options: CachePutOptions<A, I | I[], U, K> & { model: new (...args: never[]) => I },
): CacheMethodDecorator<A, I | I[], (U & K) | null | undefined>;
/** `A`: the parameters the options' functions take; `V`: the method's resolved value; `U`/`K`: what `unless`/`keyFromResult` receive. */
export function CachePut<A extends unknown[] = [], V = unknown, U = V, K = U>(
  options?: CachePutOptions<A, V, U, K>,
): CacheMethodDecorator<A, V, (U & K) | null | undefined>;
export function CachePut<A extends unknown[], V, U, K>(
  options?: CachePutOptions<A, V, U, K>,
): CacheMethodDecorator<A, V, (U & K) | null | undefined> {
  const o = checkOptions('@CachePut', options);
  return methodDecorator('@CachePut', (method) => ({
    kind: 'put',
    method,
    ...storingFields(o),
    keyFromResult: o.keyFromResult,
  }));
}
