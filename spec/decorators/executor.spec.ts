import { expect } from 'chai';
import { executeOperations } from '../../src/decorators/executor.js';
import type { CacheOperation } from '../../src/decorators/operations.js';
import type { CacheManager } from '../../src/manager/cache-manager.js';
import { BACKENDS } from '../support/backends.js';
import { recordEvents } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

// The executor is a plain function: these tests use no decorator at all.
describe(flavoured('executeOperations (no decorators)'), () => {
  const bed = testBed(BACKENDS[0]!);
  const common = { method: 'm', key: () => 'k', manager: undefined as CacheManager | undefined };
  const evict = (beforeInvocation: boolean): CacheOperation => ({
    ...common,
    manager: bed.manager,
    namespace: bed.namespace,
    kind: 'evict',
    allEntries: false,
    pattern: undefined,
    beforeInvocation,
  });
  const store = (kind: 'cached' | 'put'): CacheOperation => {
    const base = {
      ...common,
      manager: bed.manager,
      namespace: bed.namespace,
      ttl: 60,
      model: undefined,
      condition: undefined,
      unless: undefined,
    };
    return kind === 'cached'
      ? { ...base, kind, cacheNull: false, resilience: undefined }
      : { ...base, kind, keyFromResult: undefined };
  };

  it('runs early evictions, lookup, the method, puts, then late evictions', async () => {
    const order: string[] = [];
    const { stop } = recordEvents(bed.manager, []);
    bed.manager
      .on('evict', () => order.push('evict'))
      .on('miss', () => order.push('lookup'))
      .on('set', () => order.push('set'));
    const operations = [evict(false), store('put'), store('cached'), evict(true)];
    const result = await executeOperations(operations, {
      args: [],
      invoke: async () => (order.push('method'), 'v'),
      owner: { name: 'Spec', config: undefined },
    });
    stop();
    expect(result).to.equal('v');
    expect(order).to.deep.equal(['evict', 'lookup', 'method', 'set', 'set', 'evict']);
  });

  it('lets the method error through unchanged and skips puts and late evictions', async () => {
    const events = recordEvents(bed.manager, ['set', 'evict']);
    const failure = new SyntaxError('boom');
    const outcome = await executeOperations([store('put'), evict(false)], {
      args: [],
      invoke: async () => {
        throw failure;
      },
      owner: { name: 'Spec', config: undefined },
    }).catch((e: unknown) => e);
    events.stop();
    expect(outcome).to.equal(failure);
    expect(events.events.set).to.deep.equal([]);
    expect(events.events.evict).to.deep.equal([]);
  });
});
