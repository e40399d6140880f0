import { expect } from 'chai';
import { GetBatcher } from '../../src/client/get-batcher.js';
import type { RedisClient } from '../../src/client/redis-client.js';
import { describeOnBackends } from '../support/backends.js';
import { testBed } from '../support/test-bed.js';

/** A client that answers from a map after `delayMs`, recording every command it is sent. */
function fakeClient(data: Record<string, string>, delayMs = 5) {
  const sent: string[][] = [];
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), delayMs));
  const client = {
    get: (key: string) => (sent.push(['GET', key]), later(data[key] ?? null)),
    mget: (...keys: string[]) => (sent.push(['MGET', ...keys]), later(keys.map((k) => data[k] ?? null))),
  };
  return { client: client as unknown as RedisClient, sent };
}

describe('GetBatcher', () => {
  it('sends a lone GET at once, and sequential GETs one by one: nothing waits for a flush', async () => {
    const { client, sent } = fakeClient({ a: '1', b: '2' });
    const gets = new GetBatcher();
    const pending = gets.get(client, 'a');
    expect(sent, 'sent before the tick ends').to.deep.equal([['GET', 'a']]);
    expect(await pending).to.equal('1');
    expect(await gets.get(client, 'b')).to.equal('2');
    expect(sent).to.deep.equal([
      ['GET', 'a'],
      ['GET', 'b'],
    ]);
  });

  it('coalesces the GETs that come while one is in flight into one MGET, each caller getting its own answer', async () => {
    const data = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, `v${i}`]));
    const { client, sent } = fakeClient(data);
    const gets = new GetBatcher();
    const values = await Promise.all(Array.from({ length: 64 }, (_, i) => gets.get(client, `k${i}`)));
    expect(values).to.deep.equal(Array.from({ length: 64 }, (_, i) => `v${i}`));
    expect(sent.map((command) => command[0])).to.deep.equal(['GET', 'MGET']);
    expect(sent[1]).to.have.length(64, 'one MGET for the 63 that waited');
  });

  it('a failing MGET rejects every caller it carried, and the next GET goes out again', async () => {
    const gets = new GetBatcher();
    const failing = {
      get: () => new Promise((resolve) => setTimeout(() => resolve('first'), 5)),
      mget: () => Promise.reject(new Error('connection lost')),
    } as unknown as RedisClient;
    const results = await Promise.allSettled([gets.get(failing, 'a'), gets.get(failing, 'b'), gets.get(failing, 'c')]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'rejected']);
    const { client, sent } = fakeClient({ d: '4' });
    expect(await gets.get(client, 'd')).to.equal('4');
    expect(sent).to.deep.equal([['GET', 'd']]);
  });
});

describeOnBackends('coalesced GETs', (backend) => {
  const bed = testBed(backend);

  it('200 concurrent reads of 200 entries each get their own value (one MGET per slot on a Cluster)', async () => {
    const rows = bed.manager.service<string>('rows', { prefix: bed.prefix });
    const ids = Array.from({ length: 200 }, (_, i) => `r${i}`);
    for (const id of ids) await rows.set(id, `v-${id}`);
    const values = await Promise.all(ids.map((id) => rows.get(id)));
    expect(values).to.deep.equal(ids.map((id) => `v-${id}`));
    const mixed = await Promise.all([...ids.slice(0, 50).map((id) => rows.get(id)), rows.get('missing')]);
    expect(mixed.at(-1)).to.equal(null);
  });
});
