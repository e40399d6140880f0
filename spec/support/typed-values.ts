import fc from 'fast-check';

/**
 * Values of every type the key encoder handles, drawn from small domains so that two draws are
 * often equal, plus `sameKeyValue`, the equality keys must follow, written independently of
 * the encoder.
 */

class Box {}
class Crate {}
const leaf = fc.oneof(
  fc.constantFrom<unknown>(0, 1, -1, 0.5, '', 'a', 'b', '1', 'null', true, false, null, undefined, 1n, 2n),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Symbol.for('a'), Symbol.for('b')),
  fc.constantFrom(0, 1, Number.NaN).map((time) => new Date(time)),
  fc.constantFrom(/a/, /a/g, /b/),
  fc
    .tuple(fc.constantFrom(Uint8Array, Int8Array, Buffer), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }))
    .map(([type, bytes]) => type.from(bytes)),
);
const key = fc.constantFrom('a', 'b', 'c');

/** A value nested up to three levels deep: arrays, plain objects, Maps, Sets, class instances. */
export const typedValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('node')),
  node: fc.oneof(
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
    fc
      .tuple(fc.constantFrom(Box, Crate), fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 2 }))
      .map(([Class, fields]) => Object.assign(new Class(), fields)),
  ),
})).value;

/** Equal for a cache key: same type (prototype) and same content; order of properties, entries and elements aside. */
export function sameKeyValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (kindOf(a) !== kindOf(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameKeyValue(item, b[i]));
  if (a instanceof Date && b instanceof Date) return sameKeyValue(a.getTime(), b.getTime());
  if (a instanceof RegExp && b instanceof RegExp) return a.source === b.source && a.flags === b.flags;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
  if (a instanceof Map && b instanceof Map) {
    return sameBag([...a], [...b], ([k1, v1], [k2, v2]) => sameKeyValue(k1, k2) && sameKeyValue(v1, v2));
  }
  if (a instanceof Set && b instanceof Set) return sameBag([...a], [...b], sameKeyValue);
  const fieldsOf = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const bFields = new Map(fieldsOf(b));
  const aFields = fieldsOf(a);
  return aFields.length === bFields.size && aFields.every(([k, v]) => bFields.has(k) && sameKeyValue(v, bFields.get(k)));
}

/** The same value rebuilt with properties, Map entries and Set elements in reverse order, at every depth. */
export function withOrderReversed(value: unknown): unknown {
  return rebuild(value, (leaf) => leaf);
}

/**
 * Pairs of values that are often equal or nearly so: two draws, or a value and its copy (order
 * reversed) with one leaf replaced by another leaf, which may be an equal one.
 */
export const typedPair: fc.Arbitrary<[unknown, unknown]> = fc.oneof(
  fc.tuple(typedValue, typedValue),
  fc.tuple(typedValue, fc.nat({ max: 8 }), leaf).map(([value, index, replacement]): [unknown, unknown] => {
    let seen = 0;
    return [value, rebuild(value, (old) => (seen++ === index ? replacement : old))];
  }),
  typedValue.map((value): [unknown, unknown] => [value, rebuild(value, (leaf) => leaf, swapClass)]),
  typedValue.map((value): [unknown, unknown] => [value, recast(value)]),
);

/** The same contents in other containers at every depth (Map → Set of pairs → array, object → Map): never equal when there is one. */
function recast(value: unknown): unknown {
  if (value instanceof Map) return new Set([...value].map(([k, v]) => [recast(k), recast(v)]));
  if (value instanceof Set) return [...value].map(recast);
  if (Array.isArray(value)) return new Set(value.map(recast));
  if (kindOf(value) === Object.prototype) return new Map(Object.entries(value as object).map(([k, v]) => [k, recast(v)]));
  return value;
}

/** Box for Crate and back: a pair that differs only by the class of its instances. */
function swapClass(proto: unknown): unknown {
  return proto === Box.prototype ? Crate.prototype : proto === Crate.prototype ? Box.prototype : proto;
}

/** A copy of `value` with every container's order reversed, every leaf passed through `leafOf`, every object's prototype through `protoOf`. */
function rebuild(value: unknown, leafOf: (leaf: unknown) => unknown, protoOf = (proto: unknown) => proto): unknown {
  const again = (item: unknown) => rebuild(item, leafOf, protoOf);
  if (
    typeof value !== 'object' ||
    value === null ||
    value instanceof Date ||
    value instanceof RegExp ||
    ArrayBuffer.isView(value)
  ) {
    return leafOf(value);
  }
  if (Array.isArray(value)) return value.map(again);
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [again(k), again(v)]));
  if (value instanceof Set) return new Set([...value].reverse().map(again));
  const copy = Object.create(protoOf(Object.getPrototypeOf(value)) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value).reverse()) copy[k] = again(v);
  return copy;
}

/** The prototype, with the two of plain objects (Object.prototype and none) as one. */
function kindOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null ? Object.prototype : proto;
}

/** Equal multisets under `same` (an equivalence, so greedy matching is enough). */
function sameBag<T>(xs: readonly T[], ys: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (xs.length !== ys.length) return false;
  const left = [...ys];
  return xs.every((x) => {
    const i = left.findIndex((y) => same(x, y));
    return i >= 0 && left.splice(i, 1).length === 1;
  });
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
