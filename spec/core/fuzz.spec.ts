import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalize } from '../../src/core/canonical.js';
import { globToRegExp } from '../../src/core/glob.js';
import { buildCacheKey, invalidatePattern } from '../../src/core/keys.js';
import { defaultKey } from '../../src/decorators/default-key.js';
import { describeOnBackends } from '../support/backends.js';
import { testBed } from '../support/test-bed.js';
import { sameKeyValue, typedPair, typedValue, withOrderReversed } from '../support/typed-values.js';

const namespace = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => !/[:{}]/.test(s));
const identifier = fc.oneof(
  fc.string({ maxLength: 300, unit: 'grapheme' }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const params = fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), { nil: undefined });

/** What JSON keeps of a value, minus `__proto__` keys, which ts-rc drops on read. */
function expected(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => (key === '__proto__' ? undefined : v));
}

describe('fuzz: keys', () => {
  it('keys of different namespaces never collide, and a namespace pattern never matches another namespace', () => {
    fc.assert(
      fc.property(namespace, namespace, identifier, identifier, params, params, (ns1, ns2, id1, id2, p1, p2) => {
        fc.pre(ns1 !== ns2);
        const key1 = buildCacheKey(ns1, id1, { params: p1 });
        const key2 = buildCacheKey(ns2, id2, { params: p2 });
        expect(key1).to.not.equal(key2);
        expect(globToRegExp(invalidatePattern(ns1)).test(key2)).to.equal(false);
        expect(globToRegExp(invalidatePattern(ns1)).test(key1)).to.equal(true);
        expect(key1.length).to.be.below(1024);
      }),
      { numRuns: 500 },
    );
  });

  it('params give one key whatever the order of their properties', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })), (p) => {
        const reversed = Object.fromEntries(Object.entries(p).reverse());
        expect(buildCacheKey('ns', 'id', { params: reversed })).to.equal(buildCacheKey('ns', 'id', { params: p }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: keys never alias', () => {
  it('two values share a canonical text, a params key and a default key exactly when they hold the same thing', () => {
    fc.assert(
      fc.property(typedPair, ([a, b]) => {
        const same = sameKeyValue(a, b);
        expect(canonicalize(a) === canonicalize(b), `${canonicalize(a)}  vs  ${canonicalize(b)}`).to.equal(same);
        expect(buildCacheKey('ns', 'id', { params: { v: a } }) === buildCacheKey('ns', 'id', { params: { v: b } })).to.equal(
          same,
        );
        expect(defaultKey('f', [a, 1]) === defaultKey('f', [b, 1])).to.equal(same);
      }),
      { numRuns: 1000 },
    );
  });

  it('the order of object properties, Map entries and Set elements never changes the text', () => {
    fc.assert(
      fc.property(typedValue, (value) => {
        const reversed = withOrderReversed(value);
        expect(sameKeyValue(value, reversed)).to.equal(true);
        expect(canonicalize(reversed)).to.equal(canonicalize(value));
      }),
      { numRuns: 500 },
    );
  });
});

describeOnBackends('fuzz: values round-trip', (backend) => {
  const bed = testBed(backend);

  it('what is set under any identifier and params is what get returns', async function () {
    this.timeout(20_000);
    const service = bed.manager.service<unknown>('fuzz', { prefix: bed.prefix });
    await fc.assert(
      fc.asyncProperty(identifier, params, fc.jsonValue({ maxDepth: 4 }), async (id, p, value) => {
        expect(await service.set(id, value, { params: p })).to.equal(true);
        expect(await service.get(id, p)).to.deep.equal(expected(value));
      }),
      { numRuns: 150 },
    );
  });
});
