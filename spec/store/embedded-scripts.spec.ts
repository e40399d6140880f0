import { expect } from 'chai';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import * as batchScripts from '../../src/store/lua-batch-scripts.js';
import * as scripts from '../../src/store/lua-scripts.js';
import { type LuaScript, runScript } from '../../src/store/lua-scripts.js';
import { sleep } from '../support/events.js';

/*
 * Differential: every Lua script and its JavaScript twin get the same KEYS, ARGV and starting
 * keyspace, the Lua on ioredis-mock's EVAL (fengari, slow but the real script), the twin through
 * runScript on another mock; replies and resulting keyspaces must be the same.
 *
 * Keys are drawn from a pool of three, so a script's KEYS may coincide; values and ARGV tokens
 * from a small pool, so every equality branch is taken. Two ioredis-mock quirks are kept out of
 * the inputs, because there the twin does what Redis does and the mock's Lua does not: an empty
 * string (the mock's `redis.call` hands it to Lua as nil), and keys already expired (the mock
 * applies an expired key's old expiry to a new SET PX; see 'expired keys' below).
 */

/** Inputs per script: the Lua side costs 2–4 ms a run. EMBEDDED_DIFF_RUNS=1000 for a deeper search. */
const RUNS = Number(process.env.EMBEDDED_DIFF_RUNS ?? 60);
const KEY_POOL = ['k:a', 'k:b', 'k:c'] as const;
const token = fc.constantFrom('t1', 't2', 't1:e', 't1:n', 't2:e', 'other');
const value = fc.oneof(token, fc.string({ minLength: 1, maxLength: 20 }));
const ms = fc.integer({ min: 5_000, max: 100_000 });
const key = fc.constantFrom(...KEY_POOL);

interface Seeded {
  value: string;
  /** PX, or none (no expiry). */
  px: number | undefined;
}
const keyspace = fc.record(
  Object.fromEntries(
    KEY_POOL.map((k) => [k, fc.option(fc.record({ value, px: fc.option(ms, { nil: undefined }) }), { nil: undefined })]),
  ),
) as fc.Arbitrary<Record<string, Seeded | undefined>>;

/** Every script's KEYS and ARGV, as its callers in src pass them. */
const CASES: Record<string, fc.Arbitrary<{ keys: string[]; args: (string | number)[] }>> = {
  READ_FENCES: fc.record({ keys: fc.tuple(key, key), args: fc.tuple(fc.constantFrom('t1', 't2'), ms) }),
  READ_ENTRY_OR_FENCES: fc.record({ keys: fc.tuple(key, key, key), args: fc.tuple(fc.constantFrom('t1', 't2'), ms) }),
  STORE_FENCED: fc.record({ keys: fc.tuple(key, key, key), args: fc.tuple(value, ms, token, token) }),
  STORE_AND_FENCE: fc.record({ keys: fc.tuple(key, key), args: fc.tuple(value, ms, token, ms) }),
  EVICT_ENTRY: fc.record({ keys: fc.tuple(key, key), args: fc.tuple(token, ms) }),
  FENCE_NAMESPACE: fc.record({ keys: fc.tuple(key), args: fc.tuple(token, ms) }),
  RELEASE_LOCK: fc.record({ keys: fc.tuple(key), args: fc.tuple(token) }),
  // Batches: KEYS and ARGV per entry as store/namespace-batch.ts lays them out.
  READ_FENCES_MANY: fc.record({
    keys: fc.array(key, { minLength: 2, maxLength: 4 }),
    args: fc.tuple(fc.constantFrom('t1', 't2'), ms),
  }),
  STORE_FENCED_MANY: fc
    .array(fc.record({ entry: fc.tuple(key, key), args: fc.tuple(value, ms, token, token) }), { minLength: 1, maxLength: 3 })
    .chain((entries) =>
      key.map((namespaceFence) => ({
        keys: [namespaceFence, ...entries.flatMap((e) => e.entry)],
        args: entries.flatMap((e) => e.args),
      })),
    ),
  STORE_AND_FENCE_MANY: fc
    .tuple(ms, token, fc.array(fc.tuple(key, key, value, ms), { minLength: 1, maxLength: 3 }))
    .map(([lifetime, fresh, entries]) => ({
      keys: entries.flatMap(([entry, fence]) => [entry, fence]),
      args: [lifetime, fresh, ...entries.flatMap(([, , v, ttl]) => [v, ttl])],
    })),
  EVICT_MANY: fc.record({
    keys: fc.array(fc.tuple(key, key), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.flat()),
    args: fc.tuple(token, ms),
  }),
};

let hosts = 0;
function freshMock(): Redis {
  return new RedisMock({ host: `embedded-scripts-spec-${process.pid}-${++hosts}` }) as unknown as Redis;
}

async function seed(client: Redis, start: Record<string, Seeded | undefined>): Promise<void> {
  for (const [k, entry] of Object.entries(start)) {
    if (entry === undefined) continue;
    if (entry.px === undefined) await client.set(k, entry.value);
    else await client.set(k, entry.value, 'PX', entry.px);
  }
}

/** Every key with its value and remaining PTTL (-1: no expiry). */
async function snapshot(client: Redis): Promise<Map<string, { value: string | null; pttl: number }>> {
  const found = new Map<string, { value: string | null; pttl: number }>();
  for (const k of (await client.keys('*')).sort()) found.set(k, { value: await client.get(k), pttl: await client.pttl(k) });
  return found;
}

/** Same keys, values and expiries; remaining lifetimes may differ by the moment between the two runs. */
function expectSameKeyspace(actual: Awaited<ReturnType<typeof snapshot>>, expected: typeof actual): void {
  expect([...actual.keys()], 'keys').to.deep.equal([...expected.keys()]);
  for (const [k, { value, pttl }] of expected) {
    const got = actual.get(k)!;
    expect(got.value, `value of ${k}`).to.equal(value);
    if (pttl < 0) expect(got.pttl, `PTTL of ${k}`).to.equal(pttl);
    else expect(got.pttl, `PTTL of ${k}`).to.be.closeTo(pttl, 250);
  }
}

const luaScripts = Object.entries({ ...scripts, ...batchScripts }).filter((entry): entry is [string, LuaScript] => {
  const candidate = entry[1] as Partial<LuaScript>;
  return typeof candidate === 'object' && typeof candidate.source === 'string';
});

describe('embedded scripts: each Lua script and its JavaScript twin', () => {
  it('every script in lua-scripts.ts and lua-batch-scripts.ts has a twin and a differential case here', () => {
    expect(luaScripts.map(([name]) => name).sort()).to.deep.equal(Object.keys(CASES).sort());
    for (const [, script] of luaScripts) expect(script.twin).to.be.a('function');
  });

  for (const [name, script] of luaScripts) {
    it(`${name}: same reply and same keyspace as the Lua on ioredis-mock, on random inputs`, async () => {
      await fc.assert(
        fc.asyncProperty(keyspace, CASES[name]!, async (start, { keys, args }) => {
          const [viaLua, viaTwin] = [freshMock(), freshMock()];
          try {
            await seed(viaLua, start);
            await seed(viaTwin, start);
            const luaReply = await viaLua.eval(script.source, keys.length, ...keys, ...args);
            const twinReply = await runScript(viaTwin, script, keys, args);
            expect(twinReply, 'reply').to.deep.equal(luaReply);
            expectSameKeyspace(await snapshot(viaTwin), await snapshot(viaLua));
          } finally {
            await viaLua.flushall();
            await viaTwin.flushall();
            viaLua.disconnect();
            viaTwin.disconnect();
          }
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('a twin runs whole the moment runScript is called: a command issued right after lands after all of it', async () => {
    const client = freshMock();
    try {
      await client.set('fence', 't1');
      await client.set('ns', 't2');
      // A FLUSHALL right behind a fenced write: Redis would run one, then the other; so does the twin.
      const stored = runScript(client, scripts.STORE_FENCED, ['entry', 'fence', 'ns'], ['v', 60_000, 't1', 't2']);
      const flushed = client.flushall();
      expect(await stored).to.equal(1);
      await flushed;
      expect(await client.exists('entry', 'fence', 'ns'), 'the flush came after the write').to.equal(0);
      // And a lock release can't be split by someone taking the lock in between.
      await client.set('lock', 'mine', 'PX', 60_000);
      const released = runScript(client, scripts.RELEASE_LOCK, ['lock'], ['mine']);
      const taken = client.set('lock', 'theirs', 'PX', 60_000, 'NX');
      expect(await released).to.equal(1);
      expect(await taken).to.equal('OK');
      expect(await client.get('lock')).to.equal('theirs');
    } finally {
      await client.flushall();
      client.disconnect();
    }
  });

  it('expired keys: a twin writes over an expired key as Redis does (the value stays)', async () => {
    const client = freshMock();
    try {
      await client.set('entry', 'old', 'PX', 5);
      await client.set('fence', 'f', 'PX', 5);
      await sleep(20); // both expired, and not read since
      expect(await runScript(client, scripts.STORE_AND_FENCE, ['entry', 'fence'], ['new', 60_000, 'f2', 60_000])).to.equal(1);
      expect(await client.get('entry')).to.equal('new');
      expect(await client.get('fence')).to.equal('f2');
    } finally {
      await client.flushall();
      client.disconnect();
    }
  });

  it('a mock without a keyspace view runs the Lua (and still writes over expired keys)', async () => {
    const mock = freshMock();
    const withoutView = new Proxy(mock, {
      get(target, property) {
        if (property === 'data') return undefined;
        const member: unknown = Reflect.get(target, property, target);
        return typeof member === 'function' && property !== 'constructor' ? member.bind(target) : member;
      },
    });
    try {
      await mock.set('entry', 'old', 'PX', 5);
      await sleep(20);
      const evals: string[] = [];
      const watched = new Proxy(withoutView, {
        get(target, property) {
          if (property === 'evalsha' || property === 'eval') evals.push(property);
          return Reflect.get(target, property, target);
        },
      });
      const reply = await runScript(watched, scripts.STORE_AND_FENCE, ['entry', 'fence'], ['new', 60_000, 'f', 60_000]);
      expect(reply).to.equal(1);
      expect(evals, 'ran as Lua').to.include('evalsha');
      expect(await mock.get('entry')).to.equal('new');
    } finally {
      await mock.flushall();
      mock.disconnect();
    }
  });
});
