import { expect } from 'chai';
import { canonicalize, hashText, stableHash } from '../../src/core/canonical.js';
import { CacheKeyError } from '../../src/errors.js';
import { allDistinct, rejects, text } from '../support/canonical.js';

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

  describe('what a key cannot see is rejected with a CacheKeyError naming the path', () => {
    it('a function, with its path and what to do', () => {
      rejects({ where: { country: () => 'FR' } }, /^Can't build a cache key: params\.where\.country is a function; .*toJSON/);
      rejects({ list: [1, () => 1] }, /params\.list\[1\] is a function/);
      rejects({ 'odd key': () => 1 }, /params\["odd key"\] is a function/);
      rejects(() => 1, /^Can't build a cache key: params is a function/);
    });

    it('a unique Symbol, but not a registered one', () => {
      rejects({ s: Symbol('s') }, /params\.s is a unique Symbol\(s\)/);
      rejects({ s: Symbol.iterator }, /params\.s is a unique/);
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
          d: 1,
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
