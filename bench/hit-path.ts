/**
 * Hit path: ts-rc against what a user would write instead, a plain `new Redis()` GET + JSON.parse
 * (the reference for the ratios), and against the same GET on the manager's own client (its
 * connection settings: auto-pipelining, timeouts), which isolates what ts-rc itself adds.
 * One process, one Redis (REDIS_URL). Contenders read the same ~1 KB entries; rounds interleave.
 * To add a contender, push one more `{ name, op }` below.
 */
import { Redis } from 'ioredis';
import { Cached, CacheManager } from '../src/index.js';
import { cleanup, PREFIX, REDIS_URL, redisVersion, sampleUser } from './fixture.js';
import { type Contender, compare, envInt, environment, pairedRatio, ratioTable } from './harness.js';

const rounds = envInt('BENCH_ROUNDS', 31);
const scenarios = [
  { label: 'sequential (1 in flight)', concurrency: 1, ops: envInt('BENCH_OPS_SEQ', 1000), rounds },
  { label: '64 in flight', concurrency: 64, ops: envInt('BENCH_OPS_CONC', 5000), rounds },
];

const manager = new CacheManager().init({ redisUrl: REDIS_URL });
const plain = new Redis(REDIS_URL);
try {
  if (!(await manager.ping())) throw new Error(`Redis at ${REDIS_URL} is unreachable`);
  const users = manager.service<Record<string, unknown>>('bench-users', { defaultTtl: 3600, prefix: PREFIX });
  // Distinct entries with the same value, read in turn: with 64 in flight no two reads share a
  // key, so getOrSet's single-flight can't merge them and every contender does every GET.
  const ids = Array.from({ length: 1024 }, (_, i) => `u-${i}`);
  const keys = ids.map((id) => users.key(id));
  for (const id of ids) if (!(await users.set(id, sampleUser()))) throw new Error('could not write the benchmark entries');
  // The same entries behind a @Cached repository method (decorators write under the default prefix).
  const DECORATED = 'ts-rc-bench-decorated';
  const decorated = manager.service<Record<string, unknown>>(DECORATED, { defaultTtl: 3600 });
  for (const id of ids) await decorated.set(id, sampleUser());
  class UserRepository {
    @Cached({ namespace: DECORATED, manager, key: (id: string) => id, ttl: 3600 })
    async findById(_id: string): Promise<Record<string, unknown>> {
      throw new Error('the benchmark only measures hits');
    }
  }
  const repository = new UserRepository();
  const client = manager.client;
  const stored = (await client.get(keys[0]!))!;
  let n = 0;
  const next = () => n++ & 1023;

  const PLAIN = 'raw ioredis (new Redis())';
  const MANAGER_CLIENT = 'raw ioredis (manager client)';
  const contenders: Contender[] = [
    { name: PLAIN, op: async () => JSON.parse((await plain.get(keys[next()]!))!) },
    { name: MANAGER_CLIENT, op: async () => JSON.parse((await client.get(keys[next()]!))!) },
    { name: 'CacheService.get', op: () => users.get(ids[next()]!) },
    { name: 'CacheService.getOrSet (hit)', op: () => users.getOrSet(ids[next()]!, sampleUser) },
    { name: '@Cached method (hit)', op: () => repository.findById(ids[next()]!) },
  ];
  const ours = contenders.slice(2).map((c) => c.name);

  console.log('# ts-rc hit path: CacheService vs a plain ioredis GET + JSON.parse');
  console.log(environment(await redisVersion(plain)));
  console.log(
    `entries: ${ids.length} × ${Buffer.byteLength(stored)} bytes under ${users.key('*')}; ${rounds} interleaved rounds\n`,
  );
  for (const { label, ...scenario } of scenarios) {
    const results = await compare(contenders, scenario);
    const byName = (name: string) => results.find((r) => r.name === name)!;
    console.log(`## ${label}, ${scenario.ops} ops per round`);
    console.log(ratioTable(results, PLAIN));
    console.log(`ratios: median over rounds of (contender ÷ ${PLAIN} in the same round); < 1 is faster`);
    const own = ours.map((name) => `${name} ${pairedRatio(byName(name), byName(MANAGER_CLIENT)).toFixed(3)}×`);
    console.log(`time vs ${MANAGER_CLIENT} (ts-rc's own cost): ${own.join(', ')}`);
    console.log();
  }
  console.log(`targets (issue #9), time vs ${PLAIN}: sequential ≤ 1.00×, 64 in flight ≤ 0.77× (throughput ≥ 1.3×)`);
  console.log(`ts-rc's own cost: CacheService.get and @Cached ≤ 1.05× ${MANAGER_CLIENT}`);
  await cleanup(client);
  await decorated.invalidatePattern();
} finally {
  await manager.close();
  await plain.quit();
}
