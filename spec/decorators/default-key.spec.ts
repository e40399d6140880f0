import { expect } from 'chai';
import { hashText } from '../../src/core/canonical.js';
import { defaultKey } from '../../src/decorators/default-key.js';
import { CacheKeyError } from '../../src/errors.js';

class User {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  get name(): string {
    return this.#name;
  }
}
class Account {
  constructor(readonly id: string) {}
}

describe('defaultKey', () => {
  it('keeps primitive arguments readable and drops trailing undefined', () => {
    expect(defaultKey('find', ['42', true])).to.equal('find:"42",true');
    expect(defaultKey('find', [42, null, 7n])).to.equal('find:42,null,7n');
    expect(defaultKey('find', [])).to.equal('find');
    expect(defaultKey('find', [undefined])).to.equal('find');
    expect(defaultKey('find', [1, undefined])).to.equal('find:1');
  });

  it('tells undefined from null, and NaN from null, in the middle of the arguments', () => {
    const keys = [
      [undefined, 1],
      [null, 1],
      [Number.NaN, 1],
      ['@undefined', 1],
    ].map((args) => defaultKey('f', args));
    expect(keys).to.deep.equal(['f:@undefined,1', 'f:null,1', 'f:@NaN,1', 'f:"@undefined",1']);
  });

  it('hashes objects and long primitives by their canonical text', () => {
    expect(defaultKey('f', [{ b: 1, a: 2 }])).to.equal(`f:#${hashText('{"a":2,"b":1}')}`);
    expect(defaultKey('f', ['x'.repeat(100)])).to.equal(`f:#${hashText(JSON.stringify('x'.repeat(100)))}`);
  });

  it('gives different arguments of any type different keys', () => {
    const args = [
      new Map([['country', 'FR']]),
      new Map([['country', 'US']]),
      new Set([1]),
      new Set([2]),
      new Date(0),
      '1970-01-01T00:00:00.000Z',
      new Account('ada'),
      new Account('bob'),
      { id: 'ada' },
      Symbol.for('a'),
      'a',
    ];
    const keys = args.map((arg) => defaultKey('byUser', [arg]));
    expect(new Set(keys).size).to.equal(args.length);
  });

  it('rejects an argument whose state is invisible, naming the argument and the method', () => {
    expect(() => defaultKey('byUser', [new User('ada')])).to.throw(
      CacheKeyError,
      /^Can't build a cache key: argument 0 of byUser\(\) is a User with no visible state .*; give the decorator a key function/,
    );
    expect(() => defaultKey('byUser', [1, { owner: new User('ada') }])).to.throw(
      CacheKeyError,
      /argument 1 of byUser\(\) \(at \.owner\) is a User/,
    );
    expect(() => defaultKey('run', [() => 1])).to.throw(CacheKeyError, /argument 0 of run\(\) is a function/);
    expect(() => defaultKey('run', [Symbol('x')])).to.throw(CacheKeyError, /argument 0 of run\(\) is a unique Symbol\(x\)/);
  });
});
