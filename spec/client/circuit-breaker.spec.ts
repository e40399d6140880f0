import { expect } from 'chai';
import { CircuitBreaker } from '../../src/client/circuit-breaker.js';

describe('circuit-breaker', () => {
  let now: number;
  const clock = () => now;
  const make = () => new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, clock);

  beforeEach(() => {
    now = 10_000;
  });

  it('stays closed below the threshold and resets the count on success', () => {
    const breaker = make();
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).to.equal('closed');
    expect(breaker.allow()).to.equal(true);
  });

  it('opens after threshold consecutive failures and refuses calls during the cool-down', () => {
    const breaker = make();
    expect(breaker.failure()).to.equal(false);
    expect(breaker.failure()).to.equal(false);
    expect(breaker.failure()).to.equal(true); // this one opened it
    expect(breaker.state).to.equal('open');
    expect(breaker.allow()).to.equal(false);
    now += 999;
    expect(breaker.allow()).to.equal(false);
  });

  it('lets a single probe through after the cool-down (half-open)', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.failure();
    now += 1000;
    expect(breaker.allow()).to.equal(true);
    expect(breaker.state).to.equal('half-open');
    expect(breaker.allow()).to.equal(false);
    expect(breaker.allow()).to.equal(false);
  });

  it('closes when the probe succeeds', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.failure();
    now += 1000;
    breaker.allow();
    expect(breaker.success()).to.equal(true); // this one recovered it
    expect(breaker.state).to.equal('closed');
    expect(breaker.allow()).to.equal(true);
    expect(breaker.allow()).to.equal(true);
    expect(breaker.success()).to.equal(false);
  });

  it('re-opens for another cool-down when the probe fails', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.failure();
    now += 1000;
    breaker.allow();
    expect(breaker.failure()).to.equal(false); // already degraded: not a new 'opened'
    expect(breaker.state).to.equal('open');
    now += 999;
    expect(breaker.allow()).to.equal(false);
    now += 1;
    expect(breaker.allow()).to.equal(true);
  });

  it('never refuses when turned off', () => {
    const breaker = new CircuitBreaker(false, clock);
    for (let i = 0; i < 100; i++) expect(breaker.failure()).to.equal(false);
    expect(breaker.state).to.equal('closed');
    expect(breaker.allow()).to.equal(true);
  });
});
