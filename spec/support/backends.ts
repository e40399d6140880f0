import { Cluster, Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisClient } from '../../src/client/redis-client.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheManagerOptions } from '../../src/manager/manager-options.js';
import { runningCluster, startSpecCluster } from './spec-cluster.js';

/** Where the real-Redis suites connect. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const required = Boolean(process.env.CI) || process.env.REQUIRE_REDIS === '1';
/** `npm run test:unit`: memory:// only, no server needed; the real-Redis suites say they were left to `npm test`. */
const unitRun = process.env.TSRC_UNIT === '1';

async function probe(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

const unreachable = unitRun ? 'not tried: unit run (npm test runs the real-Redis suites)' : await probe(REDIS_URL);
if (unreachable !== undefined && required && !unitRun) {
  throw new Error(
    `Real Redis is required (CI or REQUIRE_REDIS=1) but ${REDIS_URL} is unreachable: ${unreachable}. ` +
      'Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  );
}
// Both decorator flavours load their own copy of this module: say it once per run.
const announced = Symbol.for('ts-rc.spec.redis-unreachable-announced');
if (unreachable !== undefined && !unitRun && !(globalThis as Record<symbol, unknown>)[announced]) {
  (globalThis as Record<symbol, unknown>)[announced] = true;
  console.warn(
    `\n${'!'.repeat(78)}\n!! REAL REDIS SUITES DID NOT RUN: ${REDIS_URL} is unreachable (${unreachable}).\n` +
      `!! Only the embedded (memory://) backend was tested. Set REDIS_URL or start redis-server.\n${'!'.repeat(78)}\n`,
  );
}

/** True when the real-Redis suites run. */
export const redisAvailable = unreachable === undefined;

export interface Backend {
  readonly name: 'memory' | 'redis' | 'cluster';
  /** What a manager on this backend is initialised with (the cluster's once it runs). */
  readonly options: CacheManagerOptions;
}

const clusterBackend: Backend = {
  name: 'cluster',
  get options(): CacheManagerOptions {
    const cluster = runningCluster();
    if (!cluster) throw new Error('the spec cluster is not running: read backend.options inside a test');
    return { cluster: { nodes: cluster.urls } };
  },
};

export const BACKENDS: readonly Backend[] = [
  { name: 'memory', options: { redisUrl: 'memory://' } },
  { name: 'redis', options: { redisUrl: REDIS_URL } },
  clusterBackend,
];

/**
 * Register `suite` once per backend. When real Redis is unreachable (and not required), its
 * copy is a single pending test that says so, so the gap shows in every report.
 */
export function describeOnBackends(title: string, suite: (backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend.name}]`, () => {
      if (backend.name !== 'memory' && !redisAvailable) {
        it(`did not run: real Redis at ${REDIS_URL} ${unitRun ? 'was not tried (unit run)' : 'is unreachable'}`);
        return;
      }
      if (backend.name === 'cluster') before(startSpecCluster);
      suite(backend);
    });
  }
}

/** Real-Redis only suites (faults, cross-process): pending with the reason when it is unreachable. */
export function describeOnRedis(title: string, suite: () => void): void {
  describe(title, () => {
    if (!redisAvailable) {
      it(`did not run: real Redis at ${REDIS_URL} ${unitRun ? 'was not tried (unit run)' : 'is unreachable'}`);
      return;
    }
    suite();
  });
}

/** A unique key prefix per test, so runs never touch each other's keys. */
export function uniquePrefix(): string {
  return `tsrc-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A fresh manager on `backend`, with a short command timeout so failures surface fast. */
export function managerFor(backend: Backend): CacheManager {
  return new CacheManager().init({ ...backend.options, commandTimeout: 1000, healthCheckInterval: 1 });
}

/** Every key matching the glob `pattern`, on every master of a Cluster. */
export async function keysMatching(manager: CacheManager, pattern: string): Promise<string[]> {
  const client = manager.client;
  if (client instanceof Cluster && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  const nodes: (Redis | RedisClient)[] = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Remove every key matching the glob `pattern` from the manager's Redis; resolves to how many there were. */
export async function deleteKeys(manager: CacheManager, pattern: string): Promise<number> {
  const ours = await keysMatching(manager, pattern);
  // One key per DEL: on a Cluster the keys of one call must share a slot.
  for (let i = 0; i < ours.length; i += 500) await Promise.all(ours.slice(i, i + 500).map((key) => manager.client.del(key)));
  return ours.length;
}

/** Remove every key under `prefix` (entries, and the fences and locks under `<prefix>~`) from the manager's Redis. */
export async function cleanPrefix(manager: CacheManager, prefix: string): Promise<void> {
  await deleteKeys(manager, `${prefix}*`);
}

/**
 * `count` managers sharing one keyspace, standing for processes sharing one Redis: on real Redis
 * each has its own connection; on memory:// they share one ioredis-mock keyspace.
 */
export function managersSharing(backend: Backend, count: number): CacheManager[] {
  const host = `shared-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return Array.from({ length: count }, () =>
    backend.name === 'memory' ? new CacheManager().useClient(new RedisMock({ host })) : managerFor(backend),
  );
}

/** The full key of an entry as `manager` writes it (hash-tagged on a Cluster), for specs that look at Redis itself. */
export function entryKey(manager: CacheManager, namespace: string, id: string | number, prefix?: string): string {
  return manager.service(namespace, prefix === undefined ? {} : { prefix }).key(id);
}

/** How many of `keys` exist: one EXISTS per key, so the keys may live in different Cluster slots. */
export async function countExisting(manager: CacheManager, ...keys: string[]): Promise<number> {
  const found = await Promise.all(keys.map((key) => manager.client.exists(key)));
  return found.reduce((sum, n) => sum + n, 0);
}
