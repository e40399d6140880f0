import { expect } from 'chai';
import { getTtlWithJitter, ttlToMs } from '../../src/core/ttl.js';

/** A random source that returns the given values in turn. */
const fixed =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0.5;

describe('ttl', () => {
  describe('getTtlWithJitter', () => {
    it('returns an integer within ±10% by default', () => {
      for (let i = 0; i < 1000; i++) {
        const ttl = getTtlWithJitter(300);
        expect(Number.isInteger(ttl)).to.equal(true);
        expect(ttl).to.be.within(270, 330);
      }
    });

    it('is deterministic with an injected random source, reaching both ends of the range', () => {
      expect(getTtlWithJitter(300, 0.1, fixed(0))).to.equal(270);
      expect(getTtlWithJitter(300, 0.1, fixed(0.5))).to.equal(300);
      expect(getTtlWithJitter(300, 0.1, fixed(0.999999))).to.equal(330);
      expect(getTtlWithJitter(100, 0.2, fixed(0.25))).to.equal(90);
    });

    it('rounds to whole seconds and never goes below 1', () => {
      expect(getTtlWithJitter(10, 0.1, fixed(0.26))).to.equal(10); // 9.52 → 10
      expect(getTtlWithJitter(1, 0.5, fixed(0))).to.equal(1); // 0.5 → 1 at least
      expect(getTtlWithJitter(0.2, 0.1, fixed(0))).to.equal(1);
    });

    it('returns the base TTL with no jitter', () => {
      expect(getTtlWithJitter(300, 0, fixed(0))).to.equal(300);
    });
  });

  describe('ttlToMs', () => {
    it('keeps sub-second TTLs in milliseconds and jitters them too', () => {
      expect(ttlToMs(0.15, 0)).to.equal(150);
      expect(ttlToMs(10, 0.1, fixed(0))).to.equal(9000);
      expect(ttlToMs(10, 0.1, fixed(0.5))).to.equal(10_000);
      expect(ttlToMs(0.0001, 0)).to.equal(1);
    });
  });
});
