import { expect } from 'chai';
import { globToRegExp } from '../../src/core/glob.js';

function matches(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}

describe('glob', () => {
  it('* matches any run of characters, including none, colons and newlines', () => {
    expect(matches('a*', 'a')).to.equal(true);
    expect(matches('a*', 'a:b:c')).to.equal(true);
    expect(matches('a*c', 'ab\nc')).to.equal(true);
    expect(matches('a*', 'ba')).to.equal(false);
    expect(matches('*', '')).to.equal(true);
  });

  it('? matches exactly one character', () => {
    expect(matches('a?c', 'abc')).to.equal(true);
    expect(matches('a?c', 'ac')).to.equal(false);
    expect(matches('a?c', 'abbc')).to.equal(false);
  });

  it('is anchored at both ends', () => {
    expect(matches('abc', 'xabc')).to.equal(false);
    expect(matches('abc', 'abcx')).to.equal(false);
  });

  it('supports classes, ranges and negation', () => {
    expect(matches('[abc]', 'b')).to.equal(true);
    expect(matches('[abc]', 'd')).to.equal(false);
    expect(matches('x[0-9]', 'x5')).to.equal(true);
    expect(matches('x[0-9]', 'xa')).to.equal(false);
    expect(matches('[^a]', 'b')).to.equal(true);
    expect(matches('[^a]', 'a')).to.equal(false);
    expect(matches('[^0-9]x', '5x')).to.equal(false);
    expect(matches('[a-]', '-')).to.equal(true);
  });

  it('treats a backslash-escaped metacharacter as itself', () => {
    expect(matches('a\\*', 'a*')).to.equal(true);
    expect(matches('a\\*', 'ab')).to.equal(false);
    expect(matches('a\\?', 'a?')).to.equal(true);
    expect(matches('a\\?', 'ab')).to.equal(false);
    expect(matches('\\[x\\]', '[x]')).to.equal(true);
    expect(matches('\\[x\\]', 'x')).to.equal(false);
    expect(matches('a\\\\b', 'a\\b')).to.equal(true);
    expect(matches('[\\]]', ']')).to.equal(true);
  });

  it('takes an unclosed [ literally', () => {
    expect(matches('a[b', 'a[b')).to.equal(true);
    expect(matches('a[b', 'ab')).to.equal(false);
  });

  it('does not give RegExp metacharacters a meaning', () => {
    expect(matches('a.b+(c)|d$^{1}', 'a.b+(c)|d$^{1}')).to.equal(true);
    expect(matches('a.b', 'axb')).to.equal(false);
  });
});
