import { expect } from 'chai';
import { hashText } from '../../src/core/canonical.js';
import { buildCacheKey, escapeGlob, invalidatePattern, MAX_IDENTIFIER_LENGTH } from '../../src/core/keys.js';
import { CacheKeyError } from '../../src/errors.js';

describe('keys', () => {
  describe('buildCacheKey', () => {
    it('builds <prefix>:<version>:<namespace>:<id> with the documented defaults', () => {
      expect(buildCacheKey('users', 123)).to.equal('cache:v1:users:123');
      expect(buildCacheKey('users', '123')).to.equal('cache:v1:users:123');
      expect(buildCacheKey('users', 'a', { prefix: 'app', version: 'v7' })).to.equal('app:v7:users:a');
    });

    it('appends a params hash that is independent of key order at every depth', () => {
      const a = buildCacheKey('search', 'q', { params: { page: 1, filter: { b: 2, a: { y: 1, x: 2 } } } });
      const b = buildCacheKey('search', 'q', { params: { filter: { a: { x: 2, y: 1 }, b: 2 }, page: 1 } });
      expect(a).to.equal(b);
      expect(a).to.match(/^cache:v1:search:q:[A-Za-z0-9_-]{22}$/);
    });

    it('keeps array order and JSON types in the params hash', () => {
      const key = (params: object) => buildCacheKey('s', 'q', { params });
      expect(key({ ids: [1, 2] })).to.not.equal(key({ ids: [2, 1] }));
      expect(key({ page: 1 })).to.not.equal(key({ page: '1' }));
      expect(key({ flag: true })).to.not.equal(key({ flag: 'true' }));
      expect(key({ v: null })).to.not.equal(key({ v: 'null' }));
      expect(key({ page: 1 })).to.not.equal(key({ page: 2 }));
    });

    it('keeps the params hash of plain JSON values as it was before Map/Set/Date support', () => {
      const params = { page: 1, filter: { b: 2, a: [1, 'x', null, true, 1.5, -3] }, q: 'ünï "x"' };
      expect(buildCacheKey('search', 'q', { params })).to.equal('cache:v1:search:q:GMKwuyu5j5nbTn_Il5I3wY');
    });

    it('hashes params that JSON would flatten by their value and type, so they never alias', () => {
      const key = (params: object) => buildCacheKey('price', 'p', { params });
      const keys = [
        key({ where: new Map([['country', 'FR']]) }),
        key({ where: new Map([['country', 'US']]) }),
        key({ where: { country: 'FR' } }),
        key({ where: new Map() }),
        key({ at: new Date(0) }),
        key({ at: '1970-01-01T00:00:00.000Z' }),
        key({ tags: new Set(['a']) }),
        key({ tags: new Set(['b']) }),
        key({ tags: ['a'] }),
        key({ n: Number.NaN }),
        key({ n: null }),
        key({ list: [undefined] }),
        key({ list: [null] }),
        key({ bytes: new Uint8Array([1]) }),
        key({ bytes: new Uint8Array([2]) }),
      ];
      expect(new Set(keys).size).to.equal(keys.length);
      expect(
        key({
          where: new Map<string, unknown>([
            ['a', 1],
            ['b', 2],
          ]),
        }),
      ).to.equal(
        key({
          where: new Map<string, unknown>([
            ['b', 2],
            ['a', 1],
          ]),
        }),
      );
    });

    it('rejects params it cannot see into with a CacheKeyError naming the path', () => {
      class Secret {
        readonly #value = 'x';
        reveal(): string {
          return this.#value;
        }
      }
      expect(() => buildCacheKey('p', 1, { params: { where: { country: () => 'FR' } } })).to.throw(
        CacheKeyError,
        /params\.where\.country is a function; pass plain data/,
      );
      expect(() => buildCacheKey('p', 1, { params: { by: new Secret() } })).to.throw(
        CacheKeyError,
        /params\.by is a Secret with no visible state/,
      );
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(() => buildCacheKey('p', 1, { params: circular })).to.throw(CacheKeyError, /params\.self refers back to itself/);
    });

    it('treats {} as no params, and the options argument is optional', () => {
      expect(buildCacheKey('users', 1, { params: {} })).to.equal(buildCacheKey('users', 1));
      expect(buildCacheKey('users', 1, { params: { a: undefined } })).to.equal(buildCacheKey('users', 1));
      expect(buildCacheKey('users', 1, {})).to.equal('cache:v1:users:1');
    });

    it('hashes an identifier longer than 256 characters and keeps the key under 1 KB', () => {
      const long = 'x'.repeat(10_000);
      const key = buildCacheKey('users', long, { params: { a: 'y'.repeat(5000) } });
      expect(key.length).to.be.below(1024);
      expect(key).to.not.include('xxxx');
      expect(buildCacheKey('users', long)).to.not.equal(buildCacheKey('users', `${long}y`));
      const edge = 'e'.repeat(MAX_IDENTIFIER_LENGTH);
      expect(buildCacheKey('users', edge)).to.equal(`cache:v1:users:${edge}`);
      expect(buildCacheKey('users', `${edge}e`)).to.equal(`cache:v1:users:~h~${hashText(`${edge}e`)}`);
    });

    it('accepts identifiers holding colons, glob characters and unicode as they are', () => {
      expect(buildCacheKey('users', 'a:b*[c]')).to.equal('cache:v1:users:a:b*[c]');
      expect(buildCacheKey('users', 'ünï 🚀')).to.equal('cache:v1:users:ünï 🚀');
    });

    it('rejects an empty or colon-holding namespace, prefix or version with CacheKeyError', () => {
      const bad: [string, () => unknown][] = [
        ['namespace', () => buildCacheKey('', 1)],
        ['namespace', () => buildCacheKey('a:b', 1)],
        ['prefix', () => buildCacheKey('users', 1, { prefix: '' })],
        ['prefix', () => buildCacheKey('users', 1, { prefix: 'x:y' })],
        ['version', () => buildCacheKey('users', 1, { version: '' })],
        ['version', () => buildCacheKey('users', 1, { version: 'v:1' })],
      ];
      for (const [field, call] of bad) {
        expect(call, field).to.throw(CacheKeyError, field);
      }
    });

    it('rejects identifiers that are not a string or a finite number', () => {
      for (const id of [Number.NaN, Number.POSITIVE_INFINITY, {} as unknown as string]) {
        expect(() => buildCacheKey('users', id), String(id)).to.throw(CacheKeyError);
      }
    });
  });

  describe('invalidatePattern', () => {
    it('matches the whole namespace by default and passes the pattern part through as a glob', () => {
      expect(invalidatePattern('users')).to.equal('cache:v1:users:*');
      expect(invalidatePattern('users', 'a?:[0-9]*')).to.equal('cache:v1:users:a?:[0-9]*');
      expect(invalidatePattern('users', '*', { prefix: 'app', version: 'v2' })).to.equal('app:v2:users:*');
    });

    it('escapes * ? [ ] and \\ in the fixed parts', () => {
      expect(invalidatePattern('us*er?[x]\\', '*', { prefix: 'p*', version: 'v?' })).to.equal(
        'p\\*:v\\?:us\\*er\\?\\[x\\]\\\\:*',
      );
    });

    it('rejects a bad namespace like buildCacheKey does', () => {
      expect(() => invalidatePattern('a:b')).to.throw(CacheKeyError);
      expect(() => invalidatePattern('')).to.throw(CacheKeyError);
    });
  });

  describe('escapeGlob', () => {
    it('escapes only glob metacharacters', () => {
      expect(escapeGlob('a*b?c[d]e\\f-g^h')).to.equal('a\\*b\\?c\\[d\\]e\\\\f-g^h');
    });
  });
});
