import {
  isAnyArrayBuffer,
  isArrayBufferView,
  isBoxedPrimitive,
  isDate,
  isMap,
  isNativeError,
  isPromise,
  isRegExp,
  isSet,
  isWeakMap,
  isWeakSet,
} from 'node:util/types';

/**
 * The canonical encoding of values JSON can't see (everything but primitives, arrays and plain
 * objects). Each type writes `@<Tag>(…)`: no JSON text starts with `@`, and every part inside
 * is itself self-delimiting, so a tagged value never equals a JSON value or another type's.
 */

/** The recursive encoder, as seen by the type writers here. */
export interface Walk {
  /** The canonical text of a nested value. */
  write(value: unknown): string;
  /** `{…}` of the object's own enumerable properties, sorted, `undefined` skipped. */
  fields(value: object): string;
  /** Mark `value` as being encoded; throws when it already is (a cycle). */
  enter(value: object): void;
  /** Done with the value last entered. */
  leave(): void;
}

/** A part of a key that can't be encoded. `path` is filled in while the walk unwinds. */
export class Unencodable extends Error {
  readonly path: string[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Prefix `segment` (`.name`, `[2]`) to the path of a failure raised below it. */
export function inside(error: unknown, segment: string): Unencodable {
  const failure = error instanceof Unencodable ? error : new Unencodable(`could not be read (${describe(error)})`);
  failure.path.unshift(segment);
  return failure;
}

/** A path segment for a property: `.name`, or `["odd key"]`. */
export function property(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `@Symbol("key")` for a registered symbol; a unique symbol has no stable identity to encode. */
export function writeSymbol(symbol: symbol): string {
  const key = Symbol.keyFor(symbol);
  if (key === undefined) {
    throw new Unencodable(`is a unique ${String(symbol)} (only Symbol.for() symbols are the same in every call)`);
  }
  return `@Symbol(${JSON.stringify(key)})`;
}

/** Any object that is not an array or a plain object, by what it holds and its type. */
export function writeInstance(value: object, walk: Walk): string {
  // Date and Buffer have a toJSON, but their own encodings keep more of their type.
  if (isDate(value)) return `@Date(${walk.write(value.getTime())})`;
  if (isArrayBufferView(value) || isAnyArrayBuffer(value)) return writeBytes(value);
  if (hasToJson(value)) return writeToJson(value, walk);
  if (isMap(value)) return writeMap(value, walk);
  if (isSet(value)) return writeSet(value, walk);
  if (isRegExp(value)) return `@RegExp(${JSON.stringify(value.source)},${JSON.stringify(value.flags)})`;
  if (isBoxedPrimitive(value)) return `@Boxed(${walk.write(value.valueOf())})`;
  const name = className(value);
  if (isOpaque(value)) throw new Unencodable(`is ${named(name)}, whose state a cache key can't see`);
  if (isRealmPlain(value, name)) return walk.fields(value);
  if (Object.keys(value).length === 0) {
    throw new Unencodable(`is ${named(name)} with no visible state (only #private fields, getters or internal slots)`);
  }
  return `@Class(${JSON.stringify(name)},${walk.fields(value)})`;
}

/** `toJSON` says how the object wants to be seen (URL, Decimal, Luxon); the class keeps `Decimal('1')` apart from `'1'`. */
function writeToJson(value: { toJSON(): unknown }, walk: Walk): string {
  walk.enter(value);
  let text: string;
  try {
    text = walk.write(value.toJSON());
  } catch (error) {
    throw inside(error, '.toJSON()');
  }
  walk.leave();
  return `@JSON(${JSON.stringify(className(value))},${text})`;
}

/** Entries sorted by their text: insertion order doesn't change the key. */
function writeMap(map: ReadonlyMap<unknown, unknown>, walk: Walk): string {
  walk.enter(map);
  const entries: string[] = [];
  for (const [key, item] of map) {
    let keyText: string;
    try {
      keyText = walk.write(key);
    } catch (error) {
      throw inside(error, '[key]');
    }
    try {
      entries.push(`[${keyText},${walk.write(item)}]`);
    } catch (error) {
      throw inside(error, `.get(${keyText.length <= 40 ? keyText : '…'})`);
    }
  }
  walk.leave();
  return `@Map(${entries.sort().join(',')})`;
}

function writeSet(set: ReadonlySet<unknown>, walk: Walk): string {
  walk.enter(set);
  const items: string[] = [];
  try {
    for (const item of set) items.push(walk.write(item));
  } catch (error) {
    throw inside(error, '[element]');
  }
  walk.leave();
  return `@Set(${items.sort().join(',')})`;
}

/** Typed arrays, Buffer, DataView and (Shared)ArrayBuffer: their class and their bytes. */
function writeBytes(value: ArrayBufferView | ArrayBufferLike): string {
  const bytes = ArrayBuffer.isView(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : Buffer.from(value as ArrayBuffer);
  return `@Bytes(${JSON.stringify(className(value))},${JSON.stringify(bytes.toString('base64'))})`;
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Objects whose state lives in internal slots: whatever own fields they carry, they'd alias. */
function isOpaque(value: object): boolean {
  return isPromise(value) || isWeakMap(value) || isWeakSet(value) || value instanceof WeakRef || isNativeError(value);
}

/** A plain object from another realm (vm, jest): its prototype is that realm's Object.prototype. */
function isRealmPlain(value: object, name: string): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return name === 'Object' && proto !== null && Object.getPrototypeOf(proto) === null;
}

function className(value: object): string {
  const proto: { constructor?: unknown } | null = Object.getPrototypeOf(value);
  const ctor = proto?.constructor;
  return typeof ctor === 'function' ? ctor.name : '';
}

/** `a User`, `an Error`, `an object` (anonymous class); `a U…` reads right more often (User, URL, Uint8Array). */
function named(name: string): string {
  return name === '' ? 'an object' : `${/^[AEIO]/i.test(name) ? 'an' : 'a'} ${name}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
