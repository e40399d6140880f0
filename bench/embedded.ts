/**
 * The embedded backend (`memory://`): what a getOrSet miss and hit cost, how much heap an entry
 * holds, and what a closed manager leaves behind. No server needed. Run with `--expose-gc`
 * (`npm run bench:embedded` does) so heap figures are taken after a full collection.
 * Baselines are what a test would write by hand on ioredis-mock: GET + JSON.parse, and on a
 * miss SET PX (the hit's raw GET is on the manager's own client).
 */
import RedisMock from 'ioredis-mock';
import { CacheManager, type CacheService } from '../src/index.js';
import { type Contender, compare, envInt, environment, median, ratioTable } from './harness.js';

type Row = { id: string; name: string; email: string };
const row = (id: string): Row => ({ id, name: 'Ada Lovelace', email: 'ada@example.com' });

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:embedded does)');

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const rounds = envInt('BENCH_ROUNDS', 11);
const missOps = envInt('BENCH_OPS_MISS', 300);
const hitOps = envInt('BENCH_OPS_HIT', 2000);
const entries = envInt('BENCH_ENTRIES', 2000);
const managersClosed = envInt('BENCH_MANAGERS', 10);

console.log('# ts-rc on mem:// (ioredis-mock): getOrSet miss and hit, heap per entry, heap after close');
console.log(environment('none (memory://)'));
console.log(`rounds: ${rounds}; value: ${JSON.stringify(row('u-0')).length}-byte JSON row\n`);

// Time: a miss is a fresh id every op; a hit reads one of 1024 stored entries in turn.
{
  const manager = new CacheManager().init({ redisUrl: 'memory://' });
  const users = manager.service<Row>('bench-users', { defaultTtl: 3600 });
  const mock = new RedisMock({ host: 'bench-hand-written' });
  let n = 0;
  const ids = Array.from({ length: 1024 }, (_, i) => `h-${i}`);
  for (const id of ids) await users.set(id, row(id));
  const keys = ids.map((id) => users.key(id));
  const misses: Contender[] = [
    {
      name: 'hand-written GET, SET PX (ioredis-mock)',
      op: async () => {
        const key = `bench:m-${n++}`;
        const raw = await mock.get(key);
        if (raw !== null) return JSON.parse(raw);
        const value = row(key);
        await mock.set(key, JSON.stringify(value), 'PX', 3_600_000);
        return value;
      },
    },
    { name: 'CacheService.getOrSet (miss)', op: () => users.getOrSet(`m-${n++}`, async () => row('m')) },
  ];
  const hits: Contender[] = [
    { name: 'raw GET + JSON.parse (manager client)', op: async () => JSON.parse((await manager.client.get(keys[n++ & 1023]!))!) },
    { name: 'CacheService.getOrSet (hit)', op: () => users.getOrSet(ids[n++ & 1023]!, async () => row('h')) },
  ];
  for (const [label, contenders, ops] of [
    ['miss', misses, missOps],
    ['hit', hits, hitOps],
  ] as const) {
    const results = await compare(contenders, { concurrency: 1, ops, rounds });
    console.log(`## ${label}: sequential, ${ops} ops per round`);
    console.log(ratioTable(results, contenders[0]!.name));
    console.log();
  }
  await manager.close();
  mock.disconnect();
}

/** Heap retained per entry written by `fill`, on a fresh manager (median of 3 runs). */
async function heapPerEntry(fill: (users: CacheService<Row>, id: string) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < 3; run++) {
    const manager = new CacheManager().init({ redisUrl: 'memory://' });
    const users = manager.service<Row>('bench-heap', { defaultTtl: 3600 });
    await fill(users, 'warm-up');
    const before = heapAfterGc();
    for (let i = 0; i < entries; i++) await fill(users, `e-${i}`);
    samples.push((heapAfterGc() - before) / entries);
    await manager.close();
  }
  return median(samples);
}

const viaGetOrSet = await heapPerEntry((users, id) => users.getOrSet(id, async () => row(id)));
const viaSet = await heapPerEntry((users, id) => users.set(id, row(id)));
console.log(`## heap per entry (${entries} entries, after gc, median of 3)`);
console.log(`getOrSet: ${(viaGetOrSet / 1024).toFixed(2)} KB   set: ${(viaSet / 1024).toFixed(2)} KB\n`);

// What closed managers leave: heap after `managersClosed` managers each filled and closed (one
// filled and closed first, so compiled code and the like are not counted; a closed client emits
// its 'end' on a later tick, so the count is taken after one).
{
  const fillAndClose = async () => {
    const manager = new CacheManager().init({ redisUrl: 'memory://' });
    const users = manager.service<Row>('bench-closed', { defaultTtl: 3600 });
    for (let i = 0; i < entries; i++) await users.getOrSet(`e-${i}`, async () => row(`e-${i}`));
    await manager.close();
  };
  await fillAndClose();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = heapAfterGc();
  for (let m = 0; m < managersClosed; m++) await fillAndClose();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const retained = (heapAfterGc() - before) / managersClosed;
  console.log(`## heap after close (${managersClosed} managers × ${entries} entries, each closed)`);
  console.log(`retained per closed manager: ${(retained / 1024).toFixed(1)} KB`);
}
