/**
 * Pool vs one multiplexed connection: CacheService.get throughput for every combination of
 * `maxConnections` × `autoPipelining`, at several numbers of operations in flight.
 * One process, one Redis (REDIS_URL). Configurations are interleaved round by round.
 */
import { CacheManager, type CacheService } from '../src/index.js';
import { cleanup, PREFIX, REDIS_URL, redisVersion, sampleUser } from './fixture.js';
import { type Contender, compare, envInt, environment, type Result, table } from './harness.js';

const rounds = envInt('BENCH_ROUNDS', 9);
const ops = envInt('BENCH_OPS', 20_000);
const poolSizes = [1, 4, 16];
/** Operations in flight; sequential (1) shows latency, the others throughput. */
const inFlight = [1, 64, 256];
const opsAt = (concurrency: number) => (concurrency === 1 ? Math.ceil(ops / 10) : ops);
const IDS = Array.from({ length: 1024 }, (_, i) => `u-${i}`);

interface Config {
  readonly name: string;
  readonly manager: CacheManager;
  readonly users: CacheService<Record<string, unknown>>;
}

const configs: Config[] = poolSizes.flatMap((maxConnections) =>
  [true, false].map((autoPipelining) => {
    const manager = new CacheManager().init({ redisUrl: REDIS_URL, maxConnections, autoPipelining });
    const users = manager.service<Record<string, unknown>>('bench-pool', { defaultTtl: 3600, prefix: PREFIX });
    return { name: `${maxConnections} conn, autoPipelining ${autoPipelining ? 'on' : 'off'}`, manager, users };
  }),
);
const baseline = configs[0]!.name; // the defaults: maxConnections 1, autoPipelining on

try {
  for (const { manager } of configs) if (!(await manager.ping())) throw new Error(`Redis at ${REDIS_URL} is unreachable`);
  const writer = configs[0]!.users;
  for (const id of IDS) await writer.set(id, sampleUser());
  // Wait until every pooled connection is ready, so no round measures a connect.
  await Promise.all(configs.map(({ users }) => Promise.all(IDS.slice(0, 64).map((id) => users.get(id)))));

  console.log('# ts-rc pool: maxConnections × autoPipelining, CacheService.get hits (~1 KB)');
  console.log(environment(await redisVersion(configs[0]!.manager.client)));
  console.log(`${rounds} interleaved rounds × ${ops} ops (${opsAt(1)} sequentially) per configuration and concurrency\n`);

  const byConcurrency = new Map<number, Result[]>();
  for (const concurrency of inFlight) {
    let n = 0;
    const contenders: Contender[] = configs.map(({ name, users }) => ({ name, op: () => users.get(IDS[n++ & 1023]!) }));
    byConcurrency.set(concurrency, await compare(contenders, { concurrency, ops: opsAt(concurrency), rounds }));
  }

  const header = [
    'configuration',
    ...inFlight.flatMap((c) => [c === 1 ? 'sequential ops/s' : `${c} in flight ops/s`, 'vs default']),
  ];
  const rows = configs.map(({ name }) => [
    name,
    ...inFlight.flatMap((c) => {
      const results = byConcurrency.get(c)!;
      const mine = results.find((r) => r.name === name)!;
      const base = results.find((r) => r.name === baseline)!;
      return [Math.round(mine.opsPerSec).toLocaleString('en'), `${(mine.opsPerSec / base.opsPerSec).toFixed(2)}×`];
    }),
  ]);
  console.log(table([header, ...rows]));
  console.log(`\n(medians of ${rounds} rounds; "vs default" is throughput relative to ${baseline})`);
  await cleanup(configs[0]!.manager.client);
} finally {
  await Promise.all(configs.map(({ manager }) => manager.close()));
}
