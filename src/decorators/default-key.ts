import { canonicalize, hashText } from '../core/canonical.js';

/** Primitive arguments longer than this (encoded) are hashed, so default keys stay short. */
const MAX_READABLE_ARGUMENT = 64;
const ADVICE = 'give the decorator a key function, or give the class a toJSON()';

/**
 * The identifier used when a decorator has no `key`: the method name plus a stable encoding of
 * the arguments. Primitives stay readable (`find:"42",true`); objects and long values become
 * `#<hash>` of their canonical form (by value and type, see `canonicalize`), so equal arguments
 * give one key whatever their property order. Trailing `undefined` arguments are dropped: `f()`
 * and `f(undefined)` share a key.
 * @throws CacheKeyError naming the argument (and the path inside it) that can't be encoded,
 *   e.g. an object whose state is only `#private` fields.
 */
export function defaultKey(method: string, args: readonly unknown[]): string {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  if (end === 0) return method;
  const parts: string[] = [];
  for (let i = 0; i < end; i++) parts.push(encode(method, i, args[i]));
  return `${method}:${parts.join(',')}`;
}

function encode(method: string, index: number, arg: unknown): string {
  const text = canonicalize(arg, `argument ${index} of ${method}()`, ADVICE);
  // Encodings never start with `#`, so a hash never collides with a readable argument.
  const readable = arg === null || typeof arg !== 'object';
  return readable && text.length <= MAX_READABLE_ARGUMENT ? text : `#${hashText(text)}`;
}
