import { expect } from 'chai';
import { Cached } from '../../src/decorators/cached.js';
import { CacheConfigError, CacheFactoryError } from '../../src/errors.js';
import { describeOnBackends, managerFor } from '../support/backends.js';
import { rejection } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { cleanNamespaces, uniqueNamespace } from '../support/namespaces.js';

describeOnBackends(flavoured('@Cached hardTimeout'), (backend) => {
  it('rejects the callers of a method that never settles, then runs it afresh', async () => {
    const manager = managerFor(backend);
    const ns = uniqueNamespace();
    try {
      class Reports {
        hang = true;
        @Cached({ namespace: ns, manager, key: () => 'monthly', hardTimeout: 60 })
        async monthly(): Promise<string> {
          return this.hang ? new Promise<string>(() => {}) : 'ready';
        }
      }
      const reports = new Reports();
      const [a, b] = await Promise.all([rejection(reports.monthly()), rejection(reports.monthly())]);
      expect(a).to.be.instanceOf(CacheFactoryError);
      expect(b).to.be.instanceOf(CacheFactoryError);
      reports.hang = false;
      expect(await reports.monthly()).to.equal('ready');
    } finally {
      await cleanNamespaces(manager, ns);
      await manager.close();
    }
  });

  it('softTimeout without grace is refused where the decorator is applied', () => {
    expect(() => Cached({ softTimeout: 10 })).to.throw(CacheConfigError, /softTimeout/);
    expect(() => Cached({ softTimeout: 10, grace: 1, hardTimeout: 50 })).to.not.throw();
  });
});
