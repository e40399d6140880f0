/**
 * What `replicaAcks` costs: each eviction path with it off and on, on a master with one replica
 * (two redis-server processes this script starts on free ports, on this machine: the replica's
 * round trip is a loopback one); then the latency of gets while the replica answers nothing
 * (SIGSTOP) and evictions on the same connection wait for it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheManager, type CacheService } from '../src/index.js';
import { redisVersion, sampleUser } from './fixture.js';
import { compare, envInt, environment, median, ratioTable } from './harness.js';

const rounds = envInt('BENCH_ROUNDS', 7);
const ops = envInt('BENCH_OPS', 2000);
const WAIT_MS = 100;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The replica writes the RDB of its full sync to disk: in a temp dir. */
const dir = mkdtempSync(join(tmpdir(), 'tsrc-bench-acks-'));

function redisServer(port: number, ...args: string[]): ChildProcess {
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  return spawn('redis-server', [...base, '--dbfilename', `dump-${port}.rdb`, ...args], { stdio: 'ignore' });
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const [masterPort, replicaPort] = [await freePort(), await freePort()];
const master = redisServer(masterPort, '--repl-diskless-sync-delay', '0');
await sleep(300);
const replica = redisServer(replicaPort, '--replicaof', '127.0.0.1', String(masterPort));
const redisUrl = `redis://127.0.0.1:${masterPort}`;
const managers = {
  off: new CacheManager().init({ redisUrl, logger: false }),
  on: new CacheManager().init({ redisUrl, logger: false, replicaAcks: { replicas: 1, timeout: WAIT_MS } }),
};
try {
  for (let i = 0; ; i++) {
    const info = await managers.off.client.info('replication').catch(() => '');
    if (/slave0:.*state=online/.test(info)) break;
    if (i > 100) throw new Error('the replica did not come online');
    await sleep(100);
  }
  const services = { off: managers.off.service('bench-acks'), on: managers.on.service('bench-acks') };
  const value = sampleUser();
  const ids = Array.from({ length: 100 }, (_, i) => `id-${i}`);
  let n = 0;
  const paths: [string, (s: CacheService<unknown>) => () => Promise<unknown>, number[]][] = [
    ['delete', (s) => () => s.delete(`id-${n++ % 100}`), [1, 64]],
    ['set (~1 KB)', (s) => () => s.set(`id-${n++ % 100}`, value), [1, 64]],
    ['deleteMany (100 ids)', (s) => () => s.deleteMany(ids), [1]],
    ['invalidatePattern (empty namespace)', (s) => () => s.invalidatePattern(), [1]],
  ];
  console.log(`# replicaAcks { replicas: 1, timeout: ${WAIT_MS} }: off vs on, a master and one replica on this machine`);
  console.log(environment(await redisVersion(managers.off.client)));
  console.log(`${rounds} interleaved rounds × ${ops} ops (÷10 for deleteMany and invalidatePattern)\n`);
  for (const [name, op, inFlight] of paths) {
    for (const concurrency of inFlight) {
      const contenders = (['off', 'on'] as const).map((k) => ({ name: `${name}, acks ${k}`, op: op(services[k]) }));
      const count = name.startsWith('delete') || name.startsWith('set') ? ops : ops / 10;
      const results = await compare(contenders, { concurrency, ops: count, rounds });
      console.log(
        `${name}, ${concurrency === 1 ? 'sequential' : `${concurrency} in flight`}:\n${ratioTable(results, contenders[0]!.name)}\n`,
      );
    }
  }

  // invalidatePattern over 1,000 entries: filled (unacknowledged, untimed) before each call.
  const filled = ids.flatMap((id) => Array.from({ length: 10 }, (_, j) => ({ id: `${id}-${j}`, value: 1 })));
  const pattern = { off: [] as number[], on: [] as number[] };
  for (let round = 0; round < rounds * 4; round++) {
    for (const k of round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      await services.off.setMany(filled);
      const start = performance.now();
      await services[k].invalidatePattern();
      pattern[k].push(performance.now() - start);
    }
  }
  console.log(
    `invalidatePattern (1,000 entries), median of ${rounds * 4}: off ${median(pattern.off).toFixed(2)} ms, on ${median(pattern.on).toFixed(2)} ms\n`,
  );

  // The replica answers nothing: every eviction waits its WAIT out, holding its connection.
  for (const k of ['off', 'on'] as const) {
    replica.kill('SIGSTOP');
    const gets: number[] = [];
    const evictions: number[] = [];
    let running = true;
    const reader = async () => {
      while (running) {
        const start = performance.now();
        await services[k].get(`id-${n++ % 100}`);
        gets.push(performance.now() - start);
        await sleep(1);
      }
    };
    const evictor = async () => {
      while (running) {
        const start = performance.now();
        await services[k].delete(`id-${n++ % 100}`);
        evictions.push(performance.now() - start);
        await sleep(100);
      }
    };
    const loops = [...Array.from({ length: 8 }, reader), evictor()];
    await sleep(2000);
    running = false;
    await Promise.all(loops);
    replica.kill('SIGCONT');
    await sleep(500);
    const row = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(
      `replica paused, acks ${k}: ${gets.length} gets (8 loops, 1 ms apart): ${row(gets)}; ${evictions.length} deletes: ${row(evictions)}`,
    );
  }
} finally {
  await Promise.all([managers.off.close(), managers.on.close()]);
  replica.kill('SIGCONT');
  for (const server of [master, replica]) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
