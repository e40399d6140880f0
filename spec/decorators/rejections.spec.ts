import { expect } from 'chai';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { CachePut } from '../../src/decorators/cache-put.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheKeyError } from '../../src/errors.js';
import { describeOnBackends } from '../support/backends.js';
import { flavoured } from '../support/flavour.js';
import { testBed } from '../support/test-bed.js';

/** The rejection of `call()`'s promise; fails the test if `call` throws synchronously or resolves. */
async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return expect.fail(`threw synchronously: ${String(error)}`);
  }
  expect(promise).to.be.instanceOf(Promise);
  return promise.then(
    () => expect.fail('resolved'),
    (error: unknown) => error,
  );
}

const boom = (): never => {
  throw new RangeError('user function failed');
};

describeOnBackends(flavoured('decorated methods reject, never throw synchronously'), (backend) => {
  const bed = testBed(backend);

  const repository = () => {
    @CacheConfig({ namespace: bed.namespace, manager: bed.manager })
    class Repo {
      calls = 0;
      @Cached({ key: boom })
      async keyThrows(): Promise<number> {
        return ++this.calls;
      }
      @Cached({ key: () => Number.NaN })
      async nanKey(): Promise<number> {
        return ++this.calls;
      }
      @Cached({ key: () => ({ id: 1 }) as never })
      async objectKey(): Promise<number> {
        return ++this.calls;
      }
      @Cached({ key: () => 'c', condition: boom })
      async conditionThrows(): Promise<number> {
        return ++this.calls;
      }
      @Cached({ key: () => 'u', unless: boom })
      async unlessThrows(): Promise<number> {
        return ++this.calls;
      }
      @CachePut({ keyFromResult: boom })
      async keyFromResultThrows(): Promise<number> {
        return ++this.calls;
      }
      @CacheEvict({ pattern: boom })
      async patternThrows(): Promise<void> {}
      @CacheEvict({ pattern: () => undefined as never })
      async patternNotAString(): Promise<void> {}
      @Cached({ key: () => 's' })
      @CacheEvict({ key: () => Number.NaN })
      async stackedNanKey(): Promise<number> {
        return ++this.calls;
      }
    }
    return new Repo();
  };

  it('a throwing key, condition, unless, keyFromResult or pattern function rejects with its error', async () => {
    const repo = repository();
    for (const call of [
      () => repo.keyThrows(),
      () => repo.conditionThrows(),
      () => repo.unlessThrows(),
      () => repo.keyFromResultThrows(),
      () => repo.patternThrows(),
    ]) {
      const error = await rejection(call);
      expect(error, String(call)).to.be.instanceOf(RangeError);
    }
  });

  it('a key that is NaN or an object rejects with a CacheKeyError, on the lone @Cached path and stacked', async () => {
    const repo = repository();
    for (const call of [() => repo.nanKey(), () => repo.objectKey(), () => repo.stackedNanKey()]) {
      expect(await rejection(call), String(call)).to.be.instanceOf(CacheKeyError);
    }
    expect(repo.calls).to.equal(1); // only the stacked one ran: its eviction comes after the method
  });

  it('a pattern that is not a string rejects with a CacheKeyError instead of evicting the namespace', async () => {
    const repo = repository();
    await bed.manager.client.set(`cache:v1:${bed.namespace}:kept`, '{}');
    const error = await rejection(() => repo.patternNotAString());
    expect(error).to.be.instanceOf(CacheKeyError);
    expect((error as Error).message).to.include('patternNotAString');
    expect(await bed.manager.client.exists(`cache:v1:${bed.namespace}:kept`)).to.equal(1);
  });
});
