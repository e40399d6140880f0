import { expect } from 'chai';
import { canonicalize, hashText, stableHash } from '../../src/core/canonical.js';

describe('canonical', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalize({ b: 1, a: { d: [3, 1], c: null } })).to.equal('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalize({ a: { y: 1, x: 2 } })).to.equal(canonicalize({ a: { x: 2, y: 1 } }));
  });

  it('keeps JSON types apart', () => {
    const texts = [1, '1', true, 'true', null, 'null', [1], { 0: 1 }].map(canonicalize);
    expect(new Set(texts).size).to.equal(texts.length);
  });

  it('writes primitives as JSON does, non-finite numbers and undefined in arrays as null', () => {
    expect(canonicalize('a"b')).to.equal('"a\\"b"');
    expect(canonicalize(-0.5)).to.equal('-0.5');
    expect(canonicalize([Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1])).to.equal('[null,null,null,null]');
  });

  it('drops undefined, function and symbol properties like JSON.stringify', () => {
    expect(canonicalize({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 })).to.equal('{"d":1}');
    expect(canonicalize({ a: undefined })).to.equal('{}');
  });

  it('honours toJSON (Date) and writes BigInt so it never collides with a string', () => {
    expect(canonicalize({ at: new Date('2020-01-02T00:00:00Z') })).to.equal('{"at":"2020-01-02T00:00:00.000Z"}');
    expect(canonicalize(12n)).to.equal('12n');
    expect(canonicalize(12n)).to.not.equal(canonicalize('12n'));
  });

  it('allows a shared (non-circular) reference twice, and throws on a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).to.equal('{"a":{"x":1},"b":{"x":1}}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => canonicalize(circular)).to.throw(TypeError, /circular/);
    const loop: unknown[] = [];
    loop.push([loop]);
    expect(() => canonicalize(loop)).to.throw(TypeError);
  });

  it('hashes to 22 base64url characters, stable and order-independent', () => {
    expect(hashText('abc')).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(hashText('abc')).to.equal(hashText('abc'));
    expect(hashText('abc')).to.not.equal(hashText('abd'));
    expect(stableHash({ a: 1, b: 2 })).to.equal(stableHash({ b: 2, a: 1 }));
    expect(stableHash({ a: 1 })).to.equal(hashText('{"a":1}'));
  });
});
