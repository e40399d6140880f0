import { expect } from 'chai';
import { canonicalize } from '../../src/core/canonical.js';
import { CacheKeyError } from '../../src/errors.js';

/** The canonical text of a value. */
export const text = (value: unknown): string => canonicalize(value);

/** Every value gets its own canonical text. */
export function allDistinct(...values: unknown[]): void {
  const texts = values.map(text);
  expect(new Set(texts).size, texts.join('  ')).to.equal(values.length);
}

/** Encoding `value` as `subject` throws a CacheKeyError whose message matches. */
export function rejects(value: unknown, message: RegExp, subject = 'params'): void {
  expect(() => canonicalize(value, subject)).to.throw(CacheKeyError, message);
}
