import { expect } from 'chai';
import calculateSlot from 'cluster-key-slot';
import { type Cluster, Redis } from 'ioredis';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheReplicationError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheService } from '../../src/service/cache-service.js';
import { cleanPrefix, describeOnRedis, REDIS_URL, uniquePrefix } from '../support/backends.js';
import type { RedisCluster } from '../support/redis-cluster.js';
import { waitUntil } from '../support/redis-process.js';
import { runningCluster, startSpecCluster } from '../support/spec-cluster.js';

/** WAIT's timeout in the shortfall tests. */
const WAIT_MS = 200;
/** Redis ends a WAIT on its clock tick (hz 10: up to 100 ms after its timeout); plus slack for a shared 2-core machine. */
const SHORTFALL_BOUND_MS = WAIT_MS + 100 + 150;

/** One call, timed, with the 'error' events it caused. */
async function timed<T>(errors: CacheEvent[], call: () => Promise<T>): Promise<{ value: T; ms: number; errors: CacheEvent[] }> {
  errors.length = 0;
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start, errors: [...errors] };
}

/** The one shortfall a call reported: a CacheReplicationError for `operation`, 0 of 1 replicas. */
function expectShortfall(errors: readonly CacheEvent[], operation: string): CacheEvent {
  expect(errors.map((e) => e.error?.message)).to.have.length(1);
  const [event] = errors;
  expect(event!.error).to.be.instanceOf(CacheReplicationError);
  expect(event!.error).to.deep.include({ code: 'E_CACHE_REPLICATION', operation, acknowledged: 0, replicas: 1 });
  expect(event!.error?.message).to.match(/acknowledged by 0 of 1 replicas within \d+ ms/);
  return event!;
}

describeOnRedis('replicaAcks: evictions wait for the replicas (Redis WAIT)', () => {
  let manager: CacheManager | undefined;
  let prefix: string;
  const errors: CacheEvent[] = [];
  beforeEach(() => {
    prefix = uniquePrefix();
    errors.length = 0;
  });
  afterEach(async () => {
    if (manager) await cleanPrefix(manager, prefix);
    await manager?.close();
    manager = undefined;
  });
  function start(options: Parameters<CacheManager['init']>[0]): CacheService<string> {
    manager = new CacheManager().init({ ...options, logger: false });
    manager.on('error', (event) => errors.push(event));
    return manager.service<string>('acked', { prefix, defaultTtl: 600 });
  }

  describe('a standalone Redis without replicas', () => {
    it('every eviction and explicit write still happens and resolves, and reports its shortfall once (a pool of 2)', async function () {
      const probe = new Redis(REDIS_URL);
      const replicas = Number(/connected_slaves:(\d+)/.exec(await probe.info('replication'))?.[1]);
      probe.disconnect();
      if (replicas > 0) this.skip(); // this test is about a server without any
      const items = start({
        redisUrl: REDIS_URL,
        maxConnections: 2,
        commandTimeout: 1000,
        replicaAcks: { replicas: 1, timeout: 50 },
      });
      const bound = 50 + 100 + 150;
      const calls: [string, () => Promise<unknown>, unknown][] = [
        ['SET', () => items.set('a', 'A'), true],
        ['SET', () => items.setMany(['b', 'c', 'd'].map((id) => ({ id, value: id.toUpperCase() }))), [true, true, true]],
        ['DEL', () => items.delete('a'), true],
        ['DEL', () => items.deleteMany(['b']), 1],
        ['UNLINK', () => items.invalidatePattern(), 2],
      ];
      for (const [operation, call, expected] of calls) {
        const result = await timed(errors, call);
        expect(result.value, operation).to.deep.equal(expected);
        expect(result.ms, `${operation}: the WAIT's timeout, Redis' clock tick, slack`).to.be.below(bound);
        expectShortfall(result.errors, operation);
      }
      expect(await items.getMany(['a', 'b', 'c', 'd'])).to.deep.equal([null, null, null, null]);
      expect(manager!.stats().errors, 'counted as errors').to.equal(calls.length);
    });
  });

  describe('the spec cluster (3 masters, 3 replicas)', () => {
    let cluster: RedisCluster;
    /** Each master's port → its replica's port. */
    let replicaOf: Map<number, number>;
    /** A READONLY connection to each replica, by port. */
    const readers = new Map<number, Redis>();
    const ids = Array.from({ length: 30 }, (_, i) => `i${i}`);

    before(async function () {
      await startSpecCluster.call(this);
      cluster = runningCluster()!;
      // Fresh from `--cluster create`, a node may not have heard of every replica yet.
      const known = async () => {
        replicaOf = await cluster.replicaPorts();
        return replicaOf.size === 3;
      };
      await waitUntil(known, 10_000, 'no replica per master');
      for (const port of replicaOf.values()) {
        const reader = new Redis({ port, host: '127.0.0.1' });
        await reader.readonly();
        readers.set(port, reader);
      }
    });
    afterEach(() => {
      for (const port of replicaOf.values()) cluster.resume(port);
    });
    after(() => {
      for (const reader of readers.values()) reader.disconnect();
    });

    async function startOnCluster(timeout: number, commandTimeout: number): Promise<CacheService<string>> {
      const items = start({ cluster: { nodes: cluster.urls }, commandTimeout, replicaAcks: { replicas: 1, timeout } });
      await waitUntil(() => manager!.isAvailable, 5000, 'the manager did not connect to the cluster');
      expect(await items.setMany(ids.map((id) => ({ id, value: `v-${id}` })))).to.deep.equal(ids.map(() => true));
      errors.length = 0;
      return items;
    }
    /** The port of the master serving `key`. */
    function masterOf(key: string): number {
      return Number((manager!.client as Cluster).slots[calculateSlot(key)]?.[0]?.split(':')[1]);
    }
    /** What the replica of `key`'s master holds for it now. */
    function onReplica(key: string): Promise<string | null> {
      return readers.get(replicaOf.get(masterOf(key))!)!.get(key);
    }
    /** `call` with the replicas of `masters` paused (SIGSTOP) until `ms` after it began. */
    async function pausedFor<T>(
      masters: readonly number[],
      ms: number,
      call: () => Promise<T>,
    ): Promise<{ value: T; ms: number }> {
      const paused = masters.map((port) => replicaOf.get(port)!);
      for (const port of paused) cluster.pause(port);
      const resumed = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() => {
        for (const port of paused) cluster.resume(port);
      });
      try {
        const { value, ms: took } = await timed(errors, call);
        return { value, ms: took };
      } finally {
        await resumed;
      }
    }

    it('each eviction and explicit write resolves only once the replicas have it: read from a replica right after, it is there', async function () {
      this.timeout(20_000);
      const items = await startOnCluster(1500, 2000);
      const masters = [...replicaOf.keys()];
      expect(new Set(ids.map((id) => masterOf(items.key(id)))).size, 'the ids spread over every master').to.equal(3);
      const HELD_MS = 300;
      const check = async (
        what: string,
        call: () => Promise<unknown>,
        expected: unknown,
        onReplicas: Record<string, unknown>,
      ) => {
        const result = await pausedFor(masters, HELD_MS, call);
        expect(result.value, what).to.deep.equal(expected);
        expect(result.ms, `${what} resolved before the replicas were resumed`).to.be.at.least(HELD_MS - 5);
        for (const [id, value] of Object.entries(onReplicas)) {
          const raw = await onReplica(items.key(id));
          expect(raw === null ? null : JSON.parse(raw).v, `${what}: ${id} on its replica`).to.equal(value);
        }
      };
      await check('delete', () => items.delete('i0'), true, { i0: null });
      await check('set', () => items.set('i1', 'new'), true, { i1: 'new' });
      const some = ids.slice(2, 12);
      await check('deleteMany', () => items.deleteMany(some), 10, Object.fromEntries(some.map((id) => [id, null])));
      const rest = ids.slice(12);
      await check(
        'invalidatePattern',
        () => items.invalidatePattern(),
        19,
        Object.fromEntries(['i1', ...rest].map((id) => [id, null])),
      );
      expect(errors.map((e) => e.error?.message)).to.deep.equal([]);
    });

    it("a paused replica: calls on its shard report one CacheReplicationError within the bound and resolve; other shards aren't held up", async function () {
      this.timeout(20_000);
      const items = await startOnCluster(WAIT_MS, 1000);
      const victim = masterOf(items.key('i0'));
      const onVictim = ids.filter((id) => masterOf(items.key(id)) === victim);
      const elsewhere = ids.find((id) => masterOf(items.key(id)) !== victim)!;
      const whilePaused = async <T>(call: () => Promise<T>) => {
        cluster.pause(replicaOf.get(victim)!);
        try {
          return await timed(errors, call);
        } finally {
          cluster.resume(replicaOf.get(victim)!);
        }
      };

      const deleted = await whilePaused(() => items.delete('i0'));
      expect(deleted.value).to.equal(true);
      expect(deleted.ms, 'waited for the replica, then gave up').to.be.within(WAIT_MS - 5, SHORTFALL_BOUND_MS);
      const event = expectShortfall(deleted.errors, 'DEL');
      expect(event).to.deep.include({ namespace: 'acked', key: items.key('i0'), id: 'i0' });
      expect(await manager!.client.exists(items.key('i0')), 'evicted on the master').to.equal(0);

      const other = await whilePaused(() => items.delete(elsewhere));
      expect(other.value).to.equal(true);
      expect(other.ms, 'a shard with its replica up does not wait').to.be.below(WAIT_MS);
      expect(other.errors).to.deep.equal([]);

      const written = await whilePaused(() => items.set(onVictim[1]!, 'new'));
      expect(written.value).to.equal(true);
      expect(written.ms).to.be.below(SHORTFALL_BOUND_MS);
      expectShortfall(written.errors, 'SET');

      const many = await whilePaused(() => items.deleteMany(ids.slice(1, 15)));
      expect(many.value).to.equal(ids.slice(1, 15).filter((id) => id !== elsewhere).length);
      expect(many.ms, 'one WAIT per master, in parallel').to.be.below(SHORTFALL_BOUND_MS);
      expectShortfall(many.errors, 'DEL');

      const pattern = await whilePaused(() => items.invalidatePattern());
      expect(pattern.value).to.equal(ids.slice(15).filter((id) => id !== elsewhere).length);
      expect(pattern.ms, '256 fences and the UNLINKs, then one WAIT per master').to.be.below(SHORTFALL_BOUND_MS);
      expectShortfall(pattern.errors, 'UNLINK');
    });
  });
});
