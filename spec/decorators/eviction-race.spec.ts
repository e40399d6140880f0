import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CacheConfig } from '../../src/decorators/cache-config.js';
import { CacheEvict } from '../../src/decorators/cache-evict.js';
import { Cached } from '../../src/decorators/cached.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis, REDIS_URL } from '../support/backends.js';
import { gate, sleep } from '../support/events.js';
import { flavoured } from '../support/flavour.js';
import { cleanNamespaces, uniqueNamespace } from '../support/namespaces.js';
import { prng, raceSeed } from '../support/prng.js';
import { withoutFences } from '../support/unfenced-client.js';

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 300);
const OPS_PER_ROUND = 8;

describeOnRedis(flavoured('no stale read after @CacheEvict (randomized, real Redis, two managers)'), () => {
  it(`holds over ${ROUNDS} rounds of concurrent reads and evicting updates`, async function () {
    this.timeout(20_000);
    const seed = raceSeed();
    const random = prng(seed);
    const delay = (max: number) => sleep(Math.floor(random() * (max + 1)));
    // TSRC_UNSAFE_DISABLE_FENCES=1 shows what this spec catches without the fences (spec-side client).
    const unfenced = process.env.TSRC_UNSAFE_DISABLE_FENCES === '1';
    const ns = uniqueNamespace();
    const db = { version: 0 };
    let committed = 0; // the newest version whose update (and eviction) has resolved

    // Two managers (two connections) stand for two processes sharing one Redis.
    const clients: Redis[] = [];
    const managers = [new CacheManager(), new CacheManager()].map((m) => {
      if (!unfenced) return m.init({ redisUrl: REDIS_URL });
      const client = new Redis(REDIS_URL, { commandTimeout: 1000 });
      clients.push(client);
      return m.useClient(withoutFences(client));
    });
    const repos = managers.map((manager) => {
      @CacheConfig({ namespace: ns, manager, ttl: 60 })
      class Repo {
        @Cached({ key: () => 'row' })
        async read(): Promise<number> {
          await delay(2);
          const version = db.version;
          await delay(8); // a slow tail: loads that read the old row often end after the update
          return version;
        }
        @CacheEvict({ key: () => 'row' })
        async update(): Promise<number> {
          await delay(2);
          const version = ++db.version;
          await delay(2);
          return version;
        }
      }
      return new Repo();
    });

    const stale: string[] = [];
    let reads = 0;
    let hits = 0;
    for (const manager of managers) manager.on('hit', () => hits++);
    const started = performance.now();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ops = Array.from({ length: OPS_PER_ROUND }, async () => {
          const repo = repos[random() < 0.5 ? 0 : 1]!;
          const isRead = random() < 0.85;
          await delay(4);
          if (!isRead) {
            const version = await repo.update();
            committed = Math.max(committed, version);
            return;
          }
          const floor = committed;
          const got = await repo.read();
          reads++;
          if (got < floor) stale.push(`round ${round}: read started after v${floor} was committed, returned v${got}`);
        });
        await Promise.all(ops);
      }
    } finally {
      await cleanNamespaces(managers[0]!, ns);
      await Promise.all(managers.map((m) => m.close()));
      for (const client of clients) client.disconnect();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`      seed=${seed} rounds=${ROUNDS} reads=${reads} updates=${db.version} cache hits=${hits} in ${seconds}s`);
    expect(hits, 'the cache must actually serve reads for this test to mean anything').to.be.greaterThan(reads / 10);
    expect(stale, `${stale.length} stale reads; seed=${seed} (replay with RACE_SEED=${seed})`).to.deep.equal([]);
  });

  it('a read that starts after another manager evicted never joins a local load that began before', async () => {
    const ns = uniqueNamespace();
    const [a, b] = [new CacheManager(), new CacheManager()].map((m) => m.init({ redisUrl: REDIS_URL }));
    const onA = a!.service<string>(ns);
    const onB = b!.service<string>(ns);
    try {
      const db = gate<string>();
      const slowRead = onA.getOrSet('row', () => db.promise);
      await sleep(20);
      await onB.delete('row');
      const laterRead = onA.getOrSet('row', async () => 'new');
      db.open('old');
      expect(await slowRead).to.equal('old');
      expect(await laterRead).to.equal('new');
    } finally {
      await cleanNamespaces(a!, ns);
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});
