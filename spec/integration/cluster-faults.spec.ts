import { expect } from 'chai';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { isSwept } from '../../src/client/command-sweep.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { percentile, sleep } from '../support/events.js';
import { RedisCluster } from '../support/redis-cluster.js';
import { waitUntil } from '../support/redis-process.js';

const COMMAND_TIMEOUT = 300;
const FACTORY_MS = 5;
const figures = (xs: number[]) =>
  `n=${xs.length} p50=${percentile(xs, 50).toFixed(2)} ms p99=${percentile(xs, 99).toFixed(2)} ms`;

/**
 * A master of a real 3+3 cluster is SIGKILLed while callers keep reading: calls to the healthy
 * shards must stay fast (their own breakers stay closed), calls to the dead shard must return the
 * factory's value at once (its connection is down: no command timeout to wait), and caching must
 * resume on that shard's slots once its replica is promoted.
 */
describeOnRedis('Redis Cluster: a master killed under load (own 3+3 cluster)', () => {
  let cluster: RedisCluster;
  let manager: CacheManager;
  before(async function () {
    this.timeout(60_000);
    cluster = await RedisCluster.start();
  });
  after(async () => {
    await manager?.close();
    await cluster?.stop();
  });

  it('healthy shards keep caching, the dead shard is bypassed without waiting, caching resumes after the failover', async function () {
    this.timeout(60_000);
    manager = new CacheManager().init({
      cluster: { nodes: cluster.urls },
      commandTimeout: COMMAND_TIMEOUT,
      healthCheckInterval: 0.5,
      circuitBreaker: { failureThreshold: 3, cooldown: 1000 },
    });
    const rows = manager.service<string>('rows', { defaultTtl: 600 });
    const ids = Array.from({ length: 300 }, (_, i) => `r${i}`);
    for (const id of ids) await rows.set(id, `v-${id}`);
    const client = manager.client as Cluster;
    // No sweep on a Cluster: a redirected command waits in a retry queue it can't see (create-clients.ts).
    expect(isSwept(client)).to.equal(false);
    for (const node of client.nodes('all')) expect(node.options.commandTimeout).to.equal(COMMAND_TIMEOUT);
    const shardOf = (id: string) => client.slots[calculateSlot(rows.key(id))]?.[0];
    const victim = client.slots[calculateSlot(rows.key(ids[0]!))]![0]!; // the master of the first id
    const victimPort = Number(victim.split(':')[1]);
    const onVictim = ids.filter((id) => shardOf(id) === victim);
    const healthy = ids.filter((id) => shardOf(id) !== victim);
    expect(onVictim.length, 'some ids live on the victim').to.be.greaterThan(20);

    const latencies = { healthy: [] as number[], victim: [] as number[] };
    let wrong = 0;
    let stop = false;
    const caller = async (pool: string[], into: number[]) => {
      for (let i = 0; !stop; i++) {
        const id = pool[i % pool.length]!;
        const start = performance.now();
        const value = await rows.getOrSet(id, async () => (await sleep(FACTORY_MS), `v-${id}`));
        into.push(performance.now() - start);
        if (value !== `v-${id}`) wrong++;
      }
    };
    const callers = [
      ...Array.from({ length: 4 }, () => caller(healthy, latencies.healthy)),
      ...Array.from({ length: 4 }, () => caller(onVictim, latencies.victim)),
    ];
    await sleep(200);
    latencies.healthy.length = 0;
    latencies.victim.length = 0;
    const killedAt = performance.now();
    await cluster.kill(victimPort);

    // Caching resumes on the victim's slots once a replica is promoted and the client follows.
    const probe = onVictim[0]!;
    let hitsAgain = 0;
    manager.on('hit', (event) => {
      if (event.id === probe) hitsAgain++;
    });
    await waitUntil(
      async () => {
        hitsAgain = 0;
        await rows.getOrSet(probe, async () => `v-${probe}`);
        await rows.getOrSet(probe, async () => `v-${probe}`);
        return hitsAgain > 0;
      },
      30_000,
      'caching did not resume on the dead shard after its replica was promoted',
    );
    const resumedMs = performance.now() - killedAt;
    stop = true;
    await Promise.all(callers);

    console.log(`      healthy shards while a master was down: ${figures(latencies.healthy)}`);
    console.log(`      the dead shard's keys meanwhile:         ${figures(latencies.victim)}`);
    console.log(`      caching resumed on the dead shard ${resumedMs.toFixed(0)} ms after the SIGKILL`);
    expect(wrong, 'every call returned the right value').to.equal(0);
    expect(percentile(latencies.healthy, 99), 'healthy shards are not slowed by the dead one').to.be.below(COMMAND_TIMEOUT);
    expect(percentile(latencies.victim, 50), 'the dead shard fails fast, not after the command timeout').to.be.below(
      COMMAND_TIMEOUT / 2,
    );
  });
});
