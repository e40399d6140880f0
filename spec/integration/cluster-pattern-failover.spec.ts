import { expect } from 'chai';
import type { Cluster } from 'ioredis';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheService } from '../../src/service/cache-service.js';
import { describeOnRedis } from '../support/backends.js';
import { gate } from '../support/events.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { probe, waitUntil } from '../support/redis-process.js';

/** Entries the pattern matches, and entries beside them it must leave alone. */
const HOT = 20_000;
const COLD = 10_000;
const hotIds = Array.from({ length: HOT }, (_, i) => `hot:${i}`);
const coldIds = Array.from({ length: COLD }, (_, i) => `cold:${i}`);

/** Where in the walk the master dies, by walk order (the order of the client's masters when the call begins). */
interface Kill {
  title: string;
  /** The master killed. */
  victim: number;
  /** Killed as the walk asks this master for this page (1 = its first SCAN). */
  atMaster: number;
  atPage: number;
  /** Hold that SCAN until a replica has taken over: a walk long enough to outlast the failover. */
  holdUntilFailover?: boolean;
}

const KILLS: Kill[] = [
  { title: 'the master it is scanning', victim: 1, atMaster: 1, atPage: 3 },
  { title: 'a master it has not reached yet', victim: 2, atMaster: 0, atPage: 2 },
  {
    title: 'a master it has not reached, and the walk outlasts the failover',
    victim: 2,
    atMaster: 0,
    atPage: 2,
    holdUntilFailover: true,
  },
];

/** Keys matching the glob `pattern` on the masters at `ports`, counted by SCAN on connections of our own. */
async function countKeys(ports: readonly number[], pattern: string): Promise<number> {
  let count = 0;
  for (const port of ports) {
    const scanned = await probe(port, async (client) => {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        count += keys.length;
      } while (cursor !== '0');
      return true;
    });
    if (!scanned) throw new Error(`could not count keys on port ${port}`);
  }
  return count;
}

/**
 * SIGKILL a master when the walk asks `kill.atMaster` for page `kill.atPage`, by watching the
 * SCANs sent on that master's connection; with `holdUntilFailover`, that page is sent only once a
 * replica has taken over (a walk long enough to outlast the failover). `killed` resolves once the
 * victim is dead; `fired` says whether the walk got that far.
 */
function killDuringWalk(
  client: Cluster,
  cluster: RedisCluster,
  kill: Kill,
): { port: number; killed: Promise<void>; fired: () => boolean } {
  const masters = client.nodes('master');
  const port = Number(masters[kill.victim]!.options.port);
  const dead = gate();
  let pages = 0;
  const trigger = masters[kill.atMaster]!;
  const scan = trigger.scan.bind(trigger) as (...args: unknown[]) => Promise<unknown>;
  (trigger as { scan: unknown }).scan = (...args: unknown[]) => {
    if (++pages !== kill.atPage) return scan(...args);
    const killing = cluster.kill(port).then(() => dead.open());
    return kill.holdUntilFailover ? killing.then(() => cluster.failedOver(port)).then(() => scan(...args)) : scan(...args);
  };
  return { port, killed: dead.promise, fired: () => pages >= kill.atPage };
}

/**
 * DESIGN: "`invalidatePattern` is complete or says so: across a reconnect, restart or failover
 * the scan starts again or the call reports the failure; the count returned is what was removed."
 * On a 3+3 cluster of its own, a master is SIGKILLed while `invalidatePattern('hot:*')` walks a
 * namespace of 30,000 entries; the replicas hold every entry first, so nothing the call did not
 * remove can be lost by the failover.
 */
describeOnRedis('invalidatePattern while a Cluster master is SIGKILLed (own 3+3 cluster)', () => {
  let cluster: RedisCluster;
  let killed: number | undefined;
  before(async function () {
    this.timeout(60_000);
    cluster = await RedisCluster.start();
  });
  beforeEach(async function () {
    this.timeout(60_000);
    if (killed !== undefined) await cluster.rejoin(killed); // the next kill needs a replica behind every master
    killed = undefined;
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const [index, kill] of KILLS.entries()) {
    it(`killed: ${kill.title}; the call is complete or reports that it is not, and counts what it removed`, async function () {
      this.timeout(60_000);
      // A command timeout longer than a failover: the page held until the failover is over is a slow page, not a lost one.
      const manager = new CacheManager().init({ cluster: { nodes: cluster.urls }, commandTimeout: 10_000, logger: false });
      const errors: CacheEvent[] = [];
      manager.on('error', (event) => errors.push(event));
      try {
        const namespace = `rows${index}`;
        const rows = manager.service<string>(namespace, { defaultTtl: 600 });
        const hot = `cache:v1:${namespace}:*:hot:*`;
        const cold = `cache:v1:${namespace}:*:cold:*`;
        await write(rows, [...hotIds, ...coldIds]);
        await waitUntil(() => cluster.replicated(), 10_000, 'the replicas did not catch up with the writes');
        expect(await countKeys(await cluster.masterPorts(), hot), 'entries matching before the call').to.equal(HOT);

        const victim = killDuringWalk(manager.client as Cluster, cluster, kill);
        victim.killed.then(() => {
          killed = victim.port; // whatever this test does next, the next one starts with the node back
        });
        const removed = await rows.invalidatePattern('hot:*');
        expect(victim.fired(), 'the walk reached the page where the master is killed').to.equal(true);
        await victim.killed;
        await cluster.failedOver(victim.port);
        const masters = await cluster.masterPorts();
        const hotLeft = await countKeys(masters, hot);
        const reported = errors.filter((event) => event.namespace === namespace).map((event) => event.error?.message);
        console.log(`      ${kill.title}: removed=${removed} left=${hotLeft} reported=${JSON.stringify(reported)}`);

        expect(removed, 'the count returned is what was removed').to.equal(HOT - hotLeft);
        expect(manager.stats().namespaces[namespace]?.evictions, 'and what stats() counts as evicted').to.equal(removed);
        if (reported.length === 0) expect(hotLeft, 'no failure reported, so no matching entry may be left').to.equal(0);
        else expect(errors.map((event) => event.error?.code)).to.include('E_CACHE_CONNECTION');
        if (kill.holdUntilFailover)
          expect(reported, 'the failover ended mid-walk: the walk starts again and completes').to.deep.equal([]);
        expect(await countKeys(masters, cold), 'entries the pattern does not match survive').to.equal(COLD);

        // What a reader sees once the client has followed the failover: every entry not removed, none removed.
        await waitUntil(
          async () => (await rows.getMany(coldIds)).every((value, i) => value === `v-${coldIds[i]}`),
          30_000,
          'cold entries unreadable',
        );
        const served = (await rows.getMany(hotIds)).filter((value) => value !== null).length;
        expect(served, 'reads serve exactly the matching entries the call did not remove').to.equal(HOT - removed);

        if (reported.length > 0) {
          // Told it was incomplete, a caller tries again: now it completes.
          errors.length = 0;
          expect(await rows.invalidatePattern('hot:*'), 'the retry removes the rest').to.equal(hotLeft);
          expect(errors, 'the retry reports nothing').to.deep.equal([]);
          expect(await countKeys(masters, hot), 'nothing matching is left after the retry').to.equal(0);
          expect(
            (await rows.getMany(hotIds)).every((value) => value === null),
            'no read serves a removed entry',
          ).to.equal(true);
        }
      } finally {
        await manager.close();
      }
    });
  }
});

async function write(rows: CacheService<string>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    const stored = await rows.setMany(ids.slice(i, i + 1000).map((id) => ({ id, value: `v-${id}` })));
    expect(stored.every(Boolean), 'every entry stored').to.equal(true);
  }
}
