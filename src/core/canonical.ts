import { createHash } from 'node:crypto';
import { CacheKeyError } from '../errors.js';
import { inside, property, Unencodable, type Walk, writeInstance, writeSymbol } from './canonical-types.js';

const DEFAULT_ADVICE = 'pass plain data instead, or give its class a toJSON()';

/**
 * A canonical text for a cache key: two values give one text exactly when they hold the same
 * thing with the same types. JSON values are written as JSON with object keys sorted at every
 * depth (`undefined` properties skipped, array order kept, `1` and `'1'` apart); BigInt as
 * `123n`; anything JSON would flatten (NaN, `undefined` in an array, Date, Map, Set, RegExp,
 * bytes, class instances, `toJSON` objects, `Symbol.for`) as a tagged `@…` form, see
 * canonical-types.ts.
 * @param subject how an error names the value, e.g. `params` or `argument 0 of find()`
 * @param advice what the error tells the user to do instead
 * @throws CacheKeyError naming the path to a part that can't be encoded: a function, a unique
 *   Symbol, an object whose state is invisible (only `#private` fields), a circular structure.
 */
export function canonicalize(value: unknown, subject = 'value', advice = DEFAULT_ADVICE): string {
  try {
    return new Writer().write(value);
  } catch (error) {
    throw keyError(error, subject, advice);
  }
}

/** A short, stable hash of `canonicalize(value)` (SHA-256, base64url, 128 bits). */
export function stableHash(value: unknown): string {
  return hashText(canonicalize(value));
}

/** SHA-256 of a string, base64url, truncated to 128 bits: short enough for keys, no collisions in practice. */
export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** One encoding run. Primitives, arrays and plain objects (the hot path) are written here. */
class Writer implements Walk {
  /** The containers being encoded, outermost first: short, so a linear search beats a Set. */
  readonly #open: object[] = [];

  write(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'number':
        return Number.isFinite(value) ? String(value) : `@${value}`; // String() is JSON's number format
      case 'boolean':
        return value ? 'true' : 'false';
      case 'bigint':
        return `${value}n`;
      case 'undefined':
        return '@undefined';
      case 'symbol':
        return writeSymbol(value);
      case 'function':
        throw new Unencodable('is a function');
      case 'object':
        return value === null ? 'null' : this.#object(value);
    }
  }

  fields(value: object): string {
    this.enter(value);
    const record = value as Record<string, unknown>;
    let out = '';
    let key = '';
    try {
      for (key of Object.keys(record).sort()) {
        const item = record[key];
        if (item !== undefined) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${this.write(item)}`;
      }
    } catch (error) {
      throw inside(error, property(key));
    }
    this.leave();
    return `{${out}}`;
  }

  enter(value: object): void {
    if (this.#open.includes(value)) throw new Unencodable('refers back to itself (a circular structure)');
    this.#open.push(value);
  }

  leave(): void {
    this.#open.pop();
  }

  #object(value: object): string {
    if (Array.isArray(value)) return this.#array(value);
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    return plain && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
      ? this.fields(value)
      : writeInstance(value, this);
  }

  #array(items: readonly unknown[]): string {
    this.enter(items);
    let out = '';
    let i = 0;
    try {
      for (; i < items.length; i++) out += (i === 0 ? '' : ',') + this.write(items[i]);
    } catch (error) {
      throw inside(error, `[${i}]`);
    }
    this.leave();
    return `[${out}]`;
  }
}

/** `params.where.country is a function; …`, or `argument 0 of find() (at .owner) is …`. */
function keyError(error: unknown, subject: string, advice: string): CacheKeyError {
  const failure = error instanceof Unencodable ? error : inside(error, '');
  const path = failure.path.join('');
  const what = path === '' ? subject : /^[\w$]+$/.test(subject) ? subject + path : `${subject} (at ${path})`;
  return new CacheKeyError(`Can't build a cache key: ${what} ${failure.reason}; ${advice}.`);
}
