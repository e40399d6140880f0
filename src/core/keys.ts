import { CacheKeyError } from '../errors.js';
import { canonicalize, hashText } from './canonical.js';
import { DEFAULTS } from './defaults.js';

/** Where a key lives: `<prefix>:<version>:<namespace>:…`. */
export interface KeyOptions {
  /**
   * Parameters that select a variant of the entry; hashed by value and type, independent of key
   * order (see `canonicalize`). A part that can't be encoded (a function, an object with only
   * `#private` state) is a `CacheKeyError` naming its path, e.g. `params.where.country`.
   */
  params?: object | undefined;
  /** @default 'cache' */
  prefix?: string | undefined;
  /** @default 'v1' */
  version?: string | undefined;
}

/** An identifier part longer than this is replaced by its hash, so a key stays under 1 KB. */
export const MAX_IDENTIFIER_LENGTH = 256;
const PARAMS_ADVICE = 'pass plain data (encode the value yourself) or give its class a toJSON()';

/**
 * The full Redis key for one entry.
 * @example buildCacheKey('users', 123) // 'cache:v1:users:123'
 * @example buildCacheKey('users', 123, { params: { lang: 'en' } }) // 'cache:v1:users:123:<hash>'
 */
export function buildCacheKey(namespace: string, identifier: string | number, options: KeyOptions = {}): string {
  return keyBase(namespace, options) + identifierPart(identifier, options.params);
}

/**
 * A SCAN pattern matching entries of one namespace. The fixed parts are glob-escaped, so a
 * namespace holding `*` or `[` never matches another namespace; `pattern` itself is a glob.
 * @example invalidatePattern('users') // 'cache:v1:users:*'
 */
export function invalidatePattern(namespace: string, pattern = '*', options: Omit<KeyOptions, 'params'> = {}): string {
  return escapeGlob(keyBase(namespace, options)) + pattern;
}

/** `<prefix>:<version>:<namespace>:` after checking each part; computed once per service. */
export function keyBase(namespace: string, options: Omit<KeyOptions, 'params'> = {}): string {
  const prefix = checkSegment('prefix', options.prefix ?? DEFAULTS.prefix);
  const version = checkSegment('version', options.version ?? DEFAULTS.version);
  return `${prefix}:${version}:${checkSegment('namespace', namespace)}:`;
}

/**
 * The identifier (hashed when long) plus, when params are given and not empty, their hash.
 * @throws CacheKeyError for an identifier that is not a string or finite number, or params that
 *   can't be encoded (the message names the path, e.g. `params.where.country`)
 */
export function identifierPart(identifier: string | number, params?: object): string {
  let id: string;
  if (typeof identifier === 'string') id = identifier;
  else if (typeof identifier === 'number' && Number.isFinite(identifier)) id = String(identifier);
  else
    throw new CacheKeyError(
      `identifier must be a string or a finite number, got ${typeof identifier === 'number' ? identifier : typeof identifier}`,
    );
  if (id.length > MAX_IDENTIFIER_LENGTH) id = `~h~${hashText(id)}`;
  if (params === undefined) return id;
  const canonical = canonicalize(params, 'params', PARAMS_ADVICE);
  return canonical === '{}' ? id : `${id}:${hashText(canonical)}`;
}

/** Escape Redis glob metacharacters (`* ? [ ] \`) so the text matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function checkSegment(name: string, value: unknown): string {
  const problem = segmentProblem(name, value);
  if (problem !== undefined) throw new CacheKeyError(`${name} ${problem}, got ${JSON.stringify(value)}`);
  return value as string;
}

/** Why `value` can't be the key segment `name` (prefix, version, namespace), or undefined when it can. */
export function segmentProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.includes(':')) return "must not contain ':' (it separates key parts)";
  if (/[{}]/.test(value)) return 'must not contain { or } (Redis Cluster reads them as a hash tag)';
  if (name === 'prefix' && value.endsWith('~')) return "must not end with '~' (reserved for ts-rc's fence and lock keys)";
  return undefined;
}
