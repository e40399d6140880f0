import { canonicalize, hashText } from '../core/canonical.js';
import { CacheKeyError } from '../errors.js';

/** Primitive arguments longer than this (encoded) are hashed, so default keys stay short. */
const MAX_READABLE_ARGUMENT = 64;

/**
 * The identifier used when a decorator has no `key`: the method name plus a stable encoding of
 * the arguments. Primitives stay readable (`find:"42",true`); objects and long values become
 * `#<hash>` of their canonical form, so equal arguments give one key whatever their property
 * order. Trailing `undefined` arguments are dropped: `f()` and `f(undefined)` share a key.
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
  let text: string;
  try {
    text = canonicalize(arg);
  } catch (error) {
    throw new CacheKeyError(
      `argument ${index} of ${method}() can't be encoded into a default key (${(error as Error).message}): give the decorator a key function`,
    );
  }
  // Strings are quoted by canonicalize, so `#…` never collides with a readable argument.
  const readable = arg === null || (typeof arg !== 'object' && typeof arg !== 'function');
  return readable && text.length <= MAX_READABLE_ARGUMENT ? text : `#${hashText(text)}`;
}
