import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { STORE_FENCED } from '../../src/store/lua-scripts.js';
import { cleanPrefix, describeOnRedis, REDIS_URL, uniquePrefix } from '../support/backends.js';
import { sleep } from '../support/events.js';

/** How a held reply of a fenced write reaches ts-rc, relative to the reply of the next GET. */
type Delivery =
  /** Both in one tick, the write's first: what one connection delivers when both replies come in one TCP read. */
  | 'same-tick'
  /** The write's after the GET's has been handled: what two connections of a pool can deliver. */
  | 'after';

/**
 * `client`, except that the reply of the next fenced write (stored in Redis at once, as usual)
 * reaches ts-rc only together with, or after, the reply of the GET that follows it: a reply
 * delayed on the way (a lost segment resent, a slow link), while Redis has long executed it.
 */
function holdingNextWriteReply(client: Redis, delivery: Delivery) {
  let armed = true;
  let held: { release: () => void; stored: boolean } | undefined;
  const evalsha = async (sha: string, numKeys: number, ...rest: (string | number)[]): Promise<unknown> => {
    const result = await client.evalsha(sha, numKeys, ...rest);
    if (sha !== STORE_FENCED.sha || !armed) return result;
    armed = false;
    return new Promise((resolve) => {
      held = { release: () => resolve(result), stored: result === 1 };
    });
  };
  const get = async (key: string): Promise<string | null> => {
    const raw = await client.get(key);
    const write = held;
    if (write === undefined) return raw;
    held = undefined;
    if (delivery === 'same-tick') {
      return new Promise((resolve) => {
        write.release(); // Redis sent the write's reply first
        resolve(raw);
      });
    }
    setTimeout(write.release, 20);
    return raw;
  };
  const proxy = new Proxy(client, {
    get(target, property) {
      if (property === 'evalsha') return evalsha;
      if (property === 'get') return get;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
  return { proxy, heldWrite: () => held };
}

describeOnRedis('a fenced write whose reply comes late (real Redis, two managers)', () => {
  for (const delivery of ['same-tick', 'after'] as const) {
    it(`a read that begins after another process evicted never gets the value that eviction removed (${delivery})`, async () => {
      const prefix = uniquePrefix();
      const raw = new Redis(REDIS_URL);
      const { proxy, heldWrite } = holdingNextWriteReply(raw, delivery);
      const a = new CacheManager().init({ redisUrl: REDIS_URL });
      const b = new CacheManager().useClient(proxy);
      const onA = a.service<string>('rows', { prefix });
      const onB = b.service<string>('rows', { prefix });
      try {
        let db = 'old';
        // 1. B loads 'old' and stores it (fenced, accepted); the write's reply is on its way.
        const first = onB.getOrSet('row', async () => db);
        while (heldWrite() === undefined) await sleep(1);
        expect(heldWrite()!.stored, 'the write was stored in Redis').to.equal(true);
        // 2. The row changes and A's eviction, which removes 'old', resolves.
        db = 'new';
        expect(await onA.delete('row')).to.equal(true);
        // 3. A read on B that begins now must not be served 'old'.
        const later = await onB.getOrSet('row', async () => db);
        expect(await first, 'the first read began before the eviction').to.equal('old');
        expect(later, 'the read that began after the eviction').to.equal('new');
      } finally {
        await cleanPrefix(a, prefix);
        await Promise.all([a.close(), b.close()]);
        raw.disconnect();
      }
    });
  }
});
