import { expect } from 'chai';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheKeyError } from '../../src/errors.js';
import { describeOnBackends, keysMatching } from '../support/backends.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

/** A user whose only state is private: invisible to a default key. */
class User {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  get name(): string {
    return this.#name;
  }
}
/** The same with a visible field. */
class Member {
  constructor(readonly name: string) {}
}

describeOnBackends(flavoured('default keys never alias'), (backend) => {
  const bed = testBed(backend);

  function repository() {
    const calls: string[] = [];
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      @Cached()
      async byUser(user: User): Promise<string> {
        calls.push(user.name);
        return `result for ${user.name}`;
      }
      @Cached()
      async byMember(member: Member): Promise<string> {
        calls.push(member.name);
        return `result for ${member.name}`;
      }
      @Cached()
      async byWhere(where: Map<string, string>): Promise<string> {
        calls.push(where.get('country') ?? '');
        return `price in ${where.get('country')}`;
      }
    }
    return { repo: new Repo(), calls };
  }

  it('a #private-only argument rejects with a CacheKeyError naming it, never serving ada to bob (the reported bug)', async () => {
    const { repo, calls } = repository();
    const failures: unknown[] = [];
    for (const name of ['ada', 'bob']) {
      try {
        await repo.byUser(new User(name));
        failures.push(undefined);
      } catch (error) {
        failures.push(error);
      }
    }
    for (const error of failures) {
      expect(error).to.be.instanceOf(CacheKeyError);
      expect((error as Error).message).to.match(/argument 0 of byUser\(\) is a User with no visible state.*key function/);
    }
    expect(calls).to.deep.equal([]);
    expect(await keysMatching(bed.manager, `cache:v1:${bed.namespace}:*`)).to.deep.equal([]);
  });

  it('an argument with a visible field is keyed by it: ada and bob get their own results', async () => {
    const { repo, calls } = repository();
    expect(await repo.byMember(new Member('ada'))).to.equal('result for ada');
    expect(await repo.byMember(new Member('bob'))).to.equal('result for bob');
    expect(await repo.byMember(new Member('ada'))).to.equal('result for ada');
    expect(calls).to.deep.equal(['ada', 'bob']);
  });

  it('Map arguments are keyed by their entries', async () => {
    const { repo, calls } = repository();
    expect(await repo.byWhere(new Map([['country', 'FR']]))).to.equal('price in FR');
    expect(await repo.byWhere(new Map([['country', 'US']]))).to.equal('price in US');
    expect(await repo.byWhere(new Map([['country', 'FR']]))).to.equal('price in FR');
    expect(calls).to.deep.equal(['FR', 'US']);
  });
});
