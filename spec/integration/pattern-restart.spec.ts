import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { sleep } from '../support/events.js';
import { RedisProcess } from '../support/redis-process.js';

const ENTRIES = 50_000;

async function countEntries(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'cache:v1:rows:*', 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    client.disconnect();
  }
}

describeOnRedis('invalidatePattern across a restart (AOF, redis-server killed mid-scan)', () => {
  let dir: string;
  let server: RedisProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsrc-aof-'));
    server = await RedisProcess.start(['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir]);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const killAfterMs of [30, 60, 120]) {
    it(`killed ${killAfterMs} ms in: the call is complete or reports that it is not`, async function () {
      this.timeout(30_000);
      const writer = new Redis(server.url);
      for (let i = 0; i < ENTRIES; i += 5000) {
        const batch = writer.pipeline();
        for (let j = i; j < i + 5000; j++) batch.set(`cache:v1:rows:${j}`, '{"v":1}');
        await batch.exec();
      }
      writer.disconnect();
      await sleep(1200); // appendfsync everysec: the entries are on disk

      const manager = new CacheManager().init({ redisUrl: server.url, commandTimeout: 2000, retryMaxDelay: 100 });
      const errors: CacheEvent[] = [];
      manager.on('error', (event) => errors.push(event));
      try {
        const invalidation = manager.service('rows').invalidatePattern('*');
        await sleep(killAfterMs);
        await server.kill();
        await server.start();
        const removed = await invalidation;
        const left = await countEntries(server.url);
        console.log(`      removed=${removed} left=${left} errors=${errors.length}`);
        if (errors.length === 0) expect(left, 'no failure reported, so nothing may be left').to.equal(0);
        else expect(errors.map((e) => e.error?.code)).to.include('E_CACHE_CONNECTION');
        expect(removed).to.be.at.most(ENTRIES);
      } finally {
        await manager.close();
        const cleaner = new Redis(server.url);
        await cleaner.flushall();
        cleaner.disconnect();
      }
    });
  }
});
