import { expect } from 'chai';
import { LoadForecast } from '../../src/service/load-forecast.js';

describe('LoadForecast: does the next lookup likely start a load?', () => {
  it('a new namespace expects loads (it is usually cold)', () => {
    expect(new LoadForecast().likely).to.equal(true);
  });

  it('a run of hits (or joins) turns it off within a dozen lookups, a run of loads back on within a few', () => {
    const forecast = new LoadForecast();
    let lookups = 0;
    while (forecast.likely) {
      forecast.observe(false);
      lookups++;
    }
    expect(lookups).to.be.within(8, 12);
    lookups = 0;
    while (!forecast.likely) {
      forecast.observe(true);
      lookups++;
    }
    expect(lookups).to.be.within(1, 4);
  });

  it('stays off while fewer than a quarter of the lookups load, on when more do', () => {
    const share = (loadsInEight: number): boolean => {
      const forecast = new LoadForecast(0);
      for (let i = 0; i < 800; i++) forecast.observe(i % 8 < loadsInEight);
      return forecast.likely;
    };
    expect(share(1), '1 in 8').to.equal(false);
    expect(share(3), '3 in 8').to.equal(true);
  });
});
