import { expect } from 'chai';
import * as errors from '../src/errors.js';
import * as api from '../src/index.js';

describe('the public entry point', () => {
  it('exports every error class by name', () => {
    for (const [name, value] of Object.entries(errors)) {
      expect((api as Record<string, unknown>)[name], name).to.equal(value);
    }
  });

  it('exports the three levels and the helpers DESIGN.md names, and no default export', () => {
    const names = [
      'cacheManager',
      'CacheManager',
      'CacheService',
      'Cached',
      'CachePut',
      'CacheEvict',
      'CacheConfig',
      'getCacheOperations',
    ];
    for (const name of [...names, 'buildCacheKey', 'invalidatePattern', 'getTtlWithJitter']) {
      expect(api, name).to.have.property(name);
    }
    expect(api).to.not.have.property('default');
  });
});
