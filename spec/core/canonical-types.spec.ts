import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { canonicalize } from '../../src/core/canonical.js';
import { CacheKeyError } from '../../src/errors.js';
import { allDistinct, rejects, text } from '../support/canonical.js';

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

describe('canonical-types', () => {
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
      const pairs: [string, unknown][] = [
        ['a', 1],
        ['b', [2]],
      ];
      expect(text(new Map(pairs))).to.equal(text(new Map([...pairs].reverse())));
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

  describe('objects a key cannot see into are rejected with a CacheKeyError naming the path', () => {
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
        rejects({ v: value }, /params\.v is an? \w+, whose state a cache key can't see/);
      }
    });

    it('inside a Map, a Set or a toJSON() result', () => {
      rejects({ where: new Map([['country', () => 1]]) }, /params\.where\.get\("country"\) is a function/);
      rejects({ where: new Map([[() => 1, 'x']]) }, /params\.where\[key\] is a function/);
      rejects({ tags: new Set([1, new Hidden('x')]) }, /params\.tags\[element\] is a Hidden/);
      rejects({ d: { toJSON: () => ({ f: () => 1 }) } }, /params\.d\.toJSON\(\)\.f is a function/);
    });
  });
});
