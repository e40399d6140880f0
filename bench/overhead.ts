/**
 * ts-rc's own cost on the hit path, without the network: every contender reads from an
 * in-process stub client that answers GET with a resolved promise, so what remains is CPU work
 * in this process (JSON.parse for all; key, envelope, stats, single-flight bookkeeping for ts-rc).
 * Far steadier on a noisy machine than the Redis round trips of hit-path.ts.
 */
import { Cached, CacheManager, type RedisClient } from '../src/index.js';
import { sampleUser } from './fixture.js';
import { type Contender, compare, envInt, median, table } from './harness.js';

const stored = JSON.stringify({ v: sampleUser() });
const stub = {
  status: 'ready',
  options: { commandTimeout: 1000 }, // times its own commands, like the manager's clients
  get: (_key: string) => Promise.resolve(stored),
  on: () => stub,
} as unknown as RedisClient;

const manager = new CacheManager().useClient(stub);
const users = manager.service<Record<string, unknown>>('users');
const ids = Array.from({ length: 1024 }, (_, i) => `u-${i}`);
const keys = ids.map((id) => users.key(id));
let n = 0;
const next = () => n++ & 1023;

class UserRepository {
  @Cached({ namespace: 'users', manager, key: (id: string) => id })
  async findById(_id: string): Promise<Record<string, unknown>> {
    throw new Error('the benchmark only measures hits');
  }
}
const repository = new UserRepository();

const contenders: Contender[] = [
  { name: 'raw GET + JSON.parse (stub)', op: async () => JSON.parse((await stub.get(keys[next()]!))!) },
  { name: 'CacheService.get', op: () => users.get(ids[next()]!) },
  { name: 'CacheService.getOrSet (hit)', op: () => users.getOrSet(ids[next()]!, sampleUser) },
  { name: '@Cached method (hit)', op: () => repository.findById(ids[next()]!) },
];

const results = await compare(contenders, {
  concurrency: 1,
  ops: envInt('BENCH_OPS', 50_000),
  rounds: envInt('BENCH_ROUNDS', 15),
});
const raw = results[0]!;
console.log(`# ts-rc's own cost per hit (in-process stub client, no network), ${Buffer.byteLength(stored)}-byte entries`);
console.log(
  table([
    ['contender', 'median µs/op', 'added to raw, µs/op'],
    ...results.map((r) => [
      r.name,
      r.medianUs.toFixed(3),
      r === raw ? '' : median(r.samples.map((us, i) => us - raw.samples[i]!)).toFixed(3),
    ]),
  ]),
);
await manager.close();
