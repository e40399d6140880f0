import { expect } from 'chai';
import { CacheConfigError } from '../../src/errors.js';
import { NO_POLICY, overridesPolicy, resolvePolicy } from '../../src/service/resilience-options.js';

describe('resilience policy', () => {
  it('applies the documented defaults and units', () => {
    expect(resolvePolicy(NO_POLICY, {})).to.deep.equal(NO_POLICY);
    expect(resolvePolicy(NO_POLICY, { lock: true }).lock).to.deep.equal({ ttlMs: 10_000, waitMs: 5_000 });
    expect(resolvePolicy(NO_POLICY, { lock: { wait: 100 } }).lock).to.deep.equal({ ttlMs: 10_000, waitMs: 100 });
    expect(resolvePolicy(NO_POLICY, { grace: 1.5 }).graceMs, 'grace is seconds').to.equal(1500);
    expect(resolvePolicy(NO_POLICY, { grace: 1, softTimeout: 20 }).softTimeoutMs, 'softTimeout is ms').to.equal(20);
    expect(resolvePolicy(NO_POLICY, { hardTimeout: 250 }).hardTimeoutMs, 'hardTimeout is ms').to.equal(250);
  });

  it('lets a call override the service and keeps what it does not set', () => {
    const service = resolvePolicy(NO_POLICY, { lock: true, grace: 10 });
    const call = resolvePolicy(service, { lock: false, earlyRefresh: 0.5 });
    expect(call).to.deep.equal({ lock: false, graceMs: 10_000, softTimeoutMs: 0, hardTimeoutMs: 0, earlyRefreshBeta: 0.5 });
  });

  it('rejects bad values and softTimeout without grace, naming the field', () => {
    const cases: [object, string][] = [
      [{ earlyRefresh: 0 }, 'earlyRefresh'],
      [{ earlyRefresh: 1.5 }, 'earlyRefresh'],
      [{ grace: -1 }, 'grace'],
      [{ softTimeout: 0, grace: 1 }, 'softTimeout'],
      [{ softTimeout: 10 }, 'softTimeout'],
      [{ lock: { ttl: 0 } }, 'lock.ttl'],
      [{ lock: { retries: 3 } }, 'lock.retries'],
      [{ hardTimeout: 0 }, 'hardTimeout'],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        resolvePolicy(NO_POLICY, options);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).to.be.instanceOf(CacheConfigError);
      expect((error as CacheConfigError).issues.map((issue) => issue.path)).to.include(field);
    }
  });

  it('tells calls that override nothing, so the resolved policy is reused', () => {
    expect(overridesPolicy({})).to.equal(false);
    expect(overridesPolicy({ grace: 0 })).to.equal(true);
  });
});
