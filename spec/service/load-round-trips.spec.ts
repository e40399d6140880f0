import { expect } from 'chai';
import { READ_ENTRY_OR_FENCES, READ_FENCES, STORE_FENCED } from '../../src/store/lua-scripts.js';
import { describeOnBackends } from '../support/backends.js';
import { countCommands } from '../support/command-counter.js';
import { testBed } from '../support/test-bed.js';

/** Lookups that turn a namespace's forecast from "a load is likely" to "a hit is" (see LoadForecast). */
const WARM_UP_HITS = 16;

describeOnBackends('cache-aside round trips: a miss in two, a hit in one GET', (backend) => {
  const bed = testBed(backend, { peer: true });
  const rows = () => bed.manager.service<string>('rows', { prefix: bed.prefix, defaultTtl: 60 });
  // memory:// runs the scripts' JavaScript twins in-process: there is no EVALSHA to count.
  const counted = backend.name !== 'memory';

  it('a miss in a cold namespace is one read script (entry or fences) and one fenced write', async () => {
    const service = rows();
    const count = countCommands(bed.manager, 'get', 'mget');
    let calls = 0;
    expect(await service.getOrSet('a', () => `v${++calls}`)).to.equal('v1');
    if (counted) {
      expect(count.scripts(READ_ENTRY_OR_FENCES), 'the read').to.equal(1);
      expect(count.scripts(STORE_FENCED), 'the write').to.equal(1);
      expect(count.scripts(READ_FENCES), 'no separate fence read').to.equal(0);
      expect(count.calls.evalsha! + count.calls.get! + count.calls.mget!, 'round trips').to.equal(2);
    }
    expect(await service.getOrSet('a', () => `v${++calls}`), 'stored').to.equal('v1');
    expect(calls).to.equal(1);
  });

  it('once a namespace mostly hits, a hit is a plain GET again (no script, no write)', async () => {
    const service = rows();
    await service.set('h', 'cached');
    for (let i = 0; i < WARM_UP_HITS; i++) await service.getOrSet('h', () => 'loaded');
    const count = countCommands(bed.manager, 'get', 'mget');
    for (let i = 0; i < 10; i++) expect(await service.getOrSet('h', () => 'loaded')).to.equal('cached');
    if (counted) {
      expect(count.calls.get, 'one GET per hit').to.equal(10);
      expect(count.calls.evalsha, 'no script').to.equal(0);
    }
  });

  it('the fences read with the entry refuse a write that an eviction overtook (another process evicts during the load)', async () => {
    const service = rows();
    const peer = bed.peer.service<string>('rows', { prefix: bed.prefix, defaultTtl: 60 });
    const count = countCommands(bed.manager, 'get', 'mget');
    const value = await service.getOrSet('k', async () => {
      expect(await peer.delete('k'), 'nothing was stored yet').to.equal(false); // the source changed, then the eviction
      return 'read before the eviction';
    });
    expect(value, 'the caller still gets its value').to.equal('read before the eviction');
    if (counted) expect(count.scripts(READ_ENTRY_OR_FENCES), 'fences came with the read').to.equal(1);
    expect(await service.get('k'), 'not stored after the eviction').to.equal(null);
    expect(await peer.get('k')).to.equal(null);
  });
});
