import { type CacheMethodDecorator, methodDecorator } from './flavours.js';
import { placeFields } from './operations.js';
import { type CacheEvictOptions, checkOptions } from './options.js';

/**
 * Remove an entry (`key`), the entries matching `pattern`, or the whole namespace (`allEntries`)
 * after the method resolves; nothing is removed if it throws. Once the call resolves, no read
 * returns the old value, even one whose load began before. Repeatable: stack one per namespace.
 * @example @CacheEvict({ key: (id: string) => id }) async remove(id: string): Promise<void>
 */
export function CacheEvict<A extends unknown[] = []>(options?: CacheEvictOptions<A>): CacheMethodDecorator<A, unknown, unknown> {
  const o = checkOptions('@CacheEvict', options);
  return methodDecorator('@CacheEvict', (method) => ({
    kind: 'evict',
    method,
    ...placeFields(o),
    allEntries: o.allEntries ?? false,
    pattern: o.pattern,
    beforeInvocation: o.beforeInvocation ?? false,
  }));
}
