import { expect } from 'chai';
import { CacheKeyError } from '../../src/errors.js';
import { describeOnBackends, keysMatching } from '../support/backends.js';
import { testBed } from '../support/test-bed.js';

/** The error of a call, whether it rejects or (wrongly, not this spec's subject) throws at once. */
async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  expect.fail('expected the call to fail');
}

describeOnBackends('CacheService: params never alias', (backend) => {
  const bed = testBed(backend);

  it('Map params: FR and US get their own price (the reported bug)', async () => {
    const prices = bed.manager.service<string>('price', { prefix: bed.prefix });
    const where = (country: string) => ({ params: { where: new Map([['country', country]]) } });
    expect(await prices.getOrSet('price', () => 'FR price', where('FR'))).to.equal('FR price');
    expect(await prices.getOrSet('price', () => 'US price', where('US'))).to.equal('US price');
    expect(await prices.getOrSet('price', () => 'reloaded', where('FR'))).to.equal('FR price');
    expect(prices.key('price', where('FR').params)).to.not.equal(prices.key('price', where('US').params));
  });

  it('Date, Set and NaN params are kept apart from what JSON would turn them into', async () => {
    const reports = bed.manager.service<string>('reports', { prefix: bed.prefix });
    const variants: [string, object][] = [
      ['date', { at: new Date(0) }],
      ['iso string', { at: '1970-01-01T00:00:00.000Z' }],
      ['set', { tags: new Set(['a']) }],
      ['empty object', { tags: {} }],
      ['NaN', { n: Number.NaN }],
      ['null', { n: null }],
    ];
    for (const [name, params] of variants) expect(await reports.getOrSet('r', () => name, { params })).to.equal(name);
    for (const [name, params] of variants) expect(await reports.get('r', params)).to.equal(name);
  });

  it('params it cannot see into fail with a CacheKeyError naming the path, and nothing is stored', async () => {
    class Secret {
      readonly #value: string;
      constructor(value: string) {
        this.#value = value;
      }
      reveal(): string {
        return this.#value;
      }
    }
    const service = bed.manager.service<string>('secrets', { prefix: bed.prefix });
    let calls = 0;
    const error = await failureOf(() => service.getOrSet('s', () => `${++calls}`, { params: { by: new Secret('ada') } }));
    expect(error).to.be.instanceOf(CacheKeyError);
    expect((error as Error).message).to.match(/params\.by is a Secret with no visible state/);
    expect(calls).to.equal(0);
    expect(await keysMatching(bed.manager, `${bed.prefix}:*`)).to.deep.equal([]);
  });
});
