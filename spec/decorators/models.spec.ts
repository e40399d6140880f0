import { expect } from 'chai';
import { z } from 'zod';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheConfigError, CacheSerializationError } from '../../src/errors.js';
import { describeOnBackends } from '../support/backends.js';
import { recordEvents, thrown } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

// No class-transformer @Type here: these specs also compile with TC39 decorators.
class Account {
  id = '';
  name = '';
  label(): string {
    return `${this.id}:${this.name}`;
  }
}
const account = (id: string, name: string) => Object.assign(new Account(), { id, name });

describeOnBackends(flavoured('decorator models'), (backend) => {
  const bed = testBed(backend);

  it('@CacheConfig({ model }) revives a method resolving to an array of instances: the second call hits', async () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager, model: Account })
    class AccountRepository {
      calls = 0;
      @Cached({ key: () => 'all' })
      async findAll(): Promise<Account[]> {
        this.calls++;
        return [account('1', 'Ada'), account('2', 'Alan')];
      }
      @CachePut({ key: () => 'all' })
      async replaceAll(accounts: Account[]): Promise<Account[]> {
        return accounts;
      }
    }
    const repo = new AccountRepository();
    await repo.findAll();
    const back = await repo.findAll();
    expect(repo.calls).to.equal(1);
    expect(back.every((a) => a instanceof Account)).to.equal(true);
    expect(back.map((a) => a.label())).to.deep.equal(['1:Ada', '2:Alan']);
    await repo.replaceAll([account('3', 'Grace')]);
    expect((await repo.findAll()).map((a) => a.label())).to.deep.equal(['3:Grace']);
    expect(repo.calls).to.equal(1);
  });

  it('model: false opts a method out of the class-level model', async () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager, model: Account })
    class AccountRepository {
      calls = { count: 0, countWithModel: 0 };
      @Cached({ key: () => 'count', model: false })
      async count(): Promise<number> {
        return ++this.calls.count;
      }
      @Cached({ key: () => 'count-with-model' })
      async countWithModel(): Promise<number> {
        return ++this.calls.countWithModel;
      }
    }
    const repo = new AccountRepository();
    const { events, stop } = recordEvents(bed.manager, ['error']);
    expect([await repo.count(), await repo.count()]).to.deep.equal([1, 1]);
    expect(events.error).to.deep.equal([]);
    // Under the class's model, a number can't be stored: every call runs the method.
    expect([await repo.countWithModel(), await repo.countWithModel()]).to.deep.equal([1, 2]);
    stop();
    expect(events.error).to.have.length(2);
    for (const event of events.error ?? []) expect(event.error).to.be.instanceOf(CacheSerializationError);
  });

  it('rejects a schema whose values do not survive JSON where the decorator is applied', () => {
    const dated = z.object({ at: z.date() });
    for (const make of [() => Cached({ model: dated }), () => CachePut({ model: dated }), () => CacheConfig({ model: dated })]) {
      const error = thrown(make);
      expect(error).to.be.instanceOf(CacheConfigError);
      expect((error as CacheConfigError).issues.map((i) => i.path)).to.deep.equal(['model']);
      expect((error as CacheConfigError).message).to.include('at (date)');
    }
    expect(thrown(() => CacheConfig({ model: false as never }))).to.be.instanceOf(CacheConfigError);
  });
});
