import { expect } from 'chai';
import { shouldRefreshEarly } from '../../src/core/early-refresh.js';

describe('shouldRefreshEarly (XFetch)', () => {
  const expiresAt = 10_000;

  it('never refreshes far from expiry with a typical draw', () => {
    // r = 0.5 → -ln(0.5) ≈ 0.69: reaches 0.69 × delta × β before expiry
    expect(shouldRefreshEarly(5_000, expiresAt, 100, 1, () => 0.5)).to.equal(false);
    expect(shouldRefreshEarly(9_900, expiresAt, 100, 1, () => 0.5)).to.equal(false);
    expect(shouldRefreshEarly(9_940, expiresAt, 100, 1, () => 0.5)).to.equal(true);
  });

  it('always refreshes at or past expiry', () => {
    expect(shouldRefreshEarly(expiresAt, expiresAt, 0, 1, () => 0)).to.equal(true);
    expect(shouldRefreshEarly(expiresAt + 1, expiresAt, 50, 0.1, () => 0.99)).to.equal(true);
  });

  it('refreshes earlier for slow computations and larger β', () => {
    const now = 9_000; // 1 s before expiry, r = 0.9 → -ln(0.1) ≈ 2.3
    expect(shouldRefreshEarly(now, expiresAt, 100, 1, () => 0.9)).to.equal(false); // 230 ms reach
    expect(shouldRefreshEarly(now, expiresAt, 500, 1, () => 0.9)).to.equal(true); // 1150 ms reach
    expect(shouldRefreshEarly(now, expiresAt, 500, 0.5, () => 0.9)).to.equal(false); // 575 ms reach
  });

  it('refreshes with the probability the exponential draw gives', () => {
    // 60 ms before expiry, delta 100 ms, β 1: P = e^-0.6 ≈ 0.549
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647; // Park–Miller: deterministic, so the test can't flake
      return (seed - 1) / 2147483646;
    };
    let refreshed = 0;
    for (let i = 0; i < 20_000; i++) if (shouldRefreshEarly(9_940, expiresAt, 100, 1, random)) refreshed++;
    expect(refreshed / 20_000).to.be.closeTo(Math.exp(-0.6), 0.02);
  });
});
