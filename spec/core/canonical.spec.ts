import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { canonicalize, hashText, stableHash } from '../../src/core/canonical.js';
import { CacheKeyError } from '../../src/errors.js';

const text = (value: unknown) => canonicalize(value);
/** Every value gets its own text. */
function allDistinct(...values: unknown[]): void {
  const texts = values.map(text);
  expect(new Set(texts).size, texts.join('  ')).to.equal(values.length);
}
function rejects(value: unknown, message: RegExp, subject = 'params'): void {
  expect(() => canonicalize(value, subject)).to.throw(CacheKeyError, message);
}

class Decimal {
  constructor(private readonly digits: string) {}
  toJSON(): string {
    return this.digits;
  }
}
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Point3 {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Hidden {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  get name(): string {
    return this.#name;
  }
}

describe('canonical', () => {
  describe('JSON values', () => {
    it('sorts object keys at every depth and keeps array order', () => {
      expect(text({ b: 1, a: { d: [3, 1], c: null } })).to.equal('{"a":{"c":null,"d":[3,1]},"b":1}');
      expect(text({ a: { y: 1, x: 2 } })).to.equal(text({ a: { x: 2, y: 1 } }));
      expect(text([1, 2])).to.not.equal(text([2, 1]));
    });

    it('keeps JSON types apart', () => {
      allDistinct(1, '1', true, 'true', null, 'null', [1], { 0: 1 }, [], {}, '', 0);
    });

    it('writes JSON values exactly as JSON.stringify does, so their hashes stay as before', () => {
      const value = { q: 'ünï "x"\n', n: [0, -0.5, 1e21, 2 ** 53], t: true, f: false, z: null, o: { '': [] } };
      // An array replacer lists the keys to write, in that order, at every depth.
      expect(text(value)).to.equal(JSON.stringify(value, [...Object.keys(value), ''].sort()));
      expect(text(-0)).to.equal('0');
      expect(stableHash({ a: 1 })).to.equal(hashText('{"a":1}'));
    });

    it('skips undefined properties ({a: undefined} is {}), and tells undefined from null in arrays', () => {
      expect(text({ a: undefined, b: 1 })).to.equal('{"b":1}');
      expect(text({ a: undefined })).to.equal('{}');
      allDistinct([undefined], [null], [], [undefined, undefined], undefined, null);
      const holey: unknown[] = [];
      holey[1] = 1;
      expect(text(holey)).to.equal(text([undefined, 1])); // a hole reads as undefined
    });

    it('writes NaN and the infinities as their own tokens, never as null or as strings', () => {
      expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(text)).to.deep.equal([
        '@NaN',
        '@Infinity',
        '@-Infinity',
      ]);
      allDistinct(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, 'NaN', 'Infinity', 0);
    });

    it('writes BigInt as 123n, apart from the number and the string', () => {
      expect(text(12n)).to.equal('12n');
      allDistinct(12n, 12, '12n', '12', -12n);
    });
  });

  describe('values JSON would flatten', () => {
    it('Date: by its time value and type; an invalid Date is its own token', () => {
      expect(text(new Date(0))).to.equal('@Date(0)');
      expect(text(new Date(0))).to.equal(text(new Date('1970-01-01T00:00:00.000Z')));
      expect(text(new Date('nope'))).to.equal('@Date(@NaN)');
      allDistinct(new Date(0), '1970-01-01T00:00:00.000Z', 0, new Date(1), new Date('nope'), {});
    });

    it('Map: by its entries, whatever their order, apart from objects and arrays of pairs', () => {
      const fr = new Map([['country', 'FR']]);
      expect(text(fr)).to.equal('@Map(["country","FR"])');
      expect(
        text(
          new Map<string, unknown>([
            ['a', 1],
            ['b', [2]],
          ]),
        ),
      ).to.equal(
        text(
          new Map<string, unknown>([
            ['b', [2]],
            ['a', 1],
          ]),
        ),
      );
      allDistinct(fr, new Map([['country', 'US']]), new Map(), { country: 'FR' }, [['country', 'FR']], new Map([[1, 'FR']]));
      const objectKeys = new Map([[{ id: 1 }, 'a']]);
      expect(text(objectKeys)).to.equal(text(new Map([[{ id: 1 }, 'a']])));
      expect(text(objectKeys)).to.not.equal(text(new Map([[{ id: 2 }, 'a']])));
    });

    it('Set: by its elements, whatever their order, apart from arrays', () => {
      expect(text(new Set([2, 1, 'a']))).to.equal(text(new Set(['a', 1, 2])));
      allDistinct(new Set([1, 2]), new Set([1, 3]), new Set(), [1, 2], new Set(['1', 2]), new Map([[1, 2]]));
    });

    it('RegExp: by source and flags', () => {
      expect(text(/a+/gi)).to.equal('@RegExp("a+","gi")');
      allDistinct(/a+/, /a+/g, /a*/, 'a+', {});
    });

    it('bytes: typed arrays, Buffer, DataView and ArrayBuffer by their bytes and their type', () => {
      const backing = new Uint8Array([9, 1, 2, 9]).buffer;
      expect(text(new Uint8Array([1, 2]))).to.equal(text(new Uint8Array(backing, 1, 2)));
      expect(text(Buffer.from([1, 2]))).to.equal('@Bytes("Buffer","AQI=")');
      allDistinct(
        new Uint8Array([1, 2]),
        new Uint8Array([2, 1]),
        new Int8Array([1, 2]),
        Buffer.from([1, 2]),
        new Uint8Array([1, 2]).buffer,
        new DataView(new Uint8Array([1, 2]).buffer),
        new Float64Array([1]),
        new Uint8Array(),
        [1, 2],
      );
    });

    it('toJSON objects (URL, Decimal): their class plus the encoded toJSON() result', () => {
      expect(text(new Decimal('1'))).to.equal('@JSON("Decimal","1")');
      expect(text(new URL('https://x.test/a?b=1'))).to.equal('@JSON("URL","https://x.test/a?b=1")');
      allDistinct(new Decimal('1'), '1', new Decimal('2'), 1, new URL('https://x.test/'), 'https://x.test/');
      expect(text({ toJSON: () => 'x' })).to.equal('@JSON("Object","x")');
    });

    it('class instances: their class plus their own enumerable fields, sorted', () => {
      expect(text(new Point(1, 2))).to.equal('@Class("Point",{"x":1,"y":2})');
      allDistinct(new Point(1, 2), new Point(2, 1), new Point3(1, 2), { x: 1, y: 2 });
    });

    it('boxed primitives and registered symbols by their value', () => {
      expect(text(Symbol.for('x'))).to.equal('@Symbol("x")');
      allDistinct(Symbol.for('x'), Symbol.for('y'), 'x', Object('x'), Object(1), 1, Object(Symbol.for('x')));
    });

    it('a plain object from another realm (vm, jest) is a plain object', () => {
      expect(text(runInNewContext('({ b: [1], a: { c: 2 } })'))).to.equal(text({ a: { c: 2 }, b: [1] }));
    });
  });

  describe('what a key cannot see is rejected with a CacheKeyError naming the path', () => {
    it('a function, with its path and what to do', () => {
      rejects({ where: { country: () => 'FR' } }, /^Can't build a cache key: params\.where\.country is a function; .*toJSON/);
      rejects({ list: [1, () => 1] }, /params\.list\[1\] is a function/);
      rejects({ 'odd key': () => 1 }, /params\["odd key"\] is a function/);
      rejects(() => 1, /^Can't build a cache key: params is a function/);
    });

    it('an object with only #private state (or getters), naming its class', () => {
      rejects({ owner: new Hidden('ada') }, /params\.owner is a Hidden with no visible state \(only #private fields/);
      expect(() => canonicalize(new Hidden('ada'), 'argument 0 of byUser()', 'give the decorator a key function')).to.throw(
        CacheKeyError,
        /argument 0 of byUser\(\) is a Hidden with no visible state .*; give the decorator a key function\.$/,
      );
      expect(() => canonicalize({ a: [new Hidden('x')] }, 'argument 1 of f()')).to.throw(
        CacheKeyError,
        /argument 1 of f\(\) \(at \.a\[0\]\)/,
      );
    });

    it('objects whose state lives in internal slots: Error, WeakMap, WeakSet, Promise, WeakRef', () => {
      const coded = Object.assign(new Error('boom'), { code: 'E' });
      for (const value of [new Error('x'), coded, new WeakMap(), new WeakSet(), Promise.resolve(1), new WeakRef({})]) {
        rejects({ v: value }, /params\.v is a \w+, whose state a cache key can't see/);
      }
    });

    it('a unique Symbol, but not a registered one', () => {
      rejects({ s: Symbol('s') }, /params\.s is a unique Symbol\(s\)/);
      rejects({ s: Symbol.iterator }, /params\.s is a unique/);
    });

    it('inside a Map, a Set or a toJSON() result', () => {
      rejects({ where: new Map([['country', () => 1]]) }, /params\.where\.get\("country"\) is a function/);
      rejects({ where: new Map([[() => 1, 'x']]) }, /params\.where\[key\] is a function/);
      rejects({ tags: new Set([1, new Hidden('x')]) }, /params\.tags\[element\] is a Hidden/);
      rejects({ d: { toJSON: () => ({ f: () => 1 }) } }, /params\.d\.toJSON\(\)\.f is a function/);
    });

    it('a circular structure (also through a Map or toJSON), while a shared reference is fine', () => {
      const shared = { x: 1 };
      expect(text({ a: shared, b: [shared] })).to.equal('{"a":{"x":1},"b":[{"x":1}]}');
      const circular: Record<string, unknown> = { list: [] };
      (circular.list as unknown[]).push(circular);
      rejects(circular, /params\.list\[0\] refers back to itself \(a circular structure\)/);
      const map = new Map<string, unknown>();
      map.set('self', map);
      rejects(map, /params\.get\("self"\) refers back to itself/);
      const selfish = { toJSON: () => selfish };
      rejects(selfish, /params\.toJSON\(\) refers back to itself/);
    });

    it('a getter or toJSON that throws', () => {
      rejects(
        {
          d: new Decimal('1'),
          e: {
            toJSON: () => {
              throw new RangeError('no');
            },
          },
        },
        /params\.e\.toJSON\(\) could not be read \(RangeError: no\)/,
      );
      const getter = Object.defineProperty({}, 'g', {
        enumerable: true,
        get: () => {
          throw new Error('bad');
        },
      });
      rejects(getter, /params\.g could not be read \(Error: bad\)/);
    });

    it('names the value "value" by default', () => {
      expect(() => canonicalize([() => 1])).to.throw(CacheKeyError, /^Can't build a cache key: value\[0\] is a function/);
    });
  });

  it('hashes to 22 base64url characters, stable and order-independent', () => {
    expect(hashText('abc')).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(hashText('abc')).to.equal(hashText('abc'));
    expect(hashText('abc')).to.not.equal(hashText('abd'));
    expect(stableHash({ a: 1, b: 2 })).to.equal(stableHash({ b: 2, a: 1 }));
    expect(stableHash(new Map([['a', 1]]))).to.not.equal(stableHash({ a: 1 }));
  });
});
