import { expect } from 'chai';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { RedisProcess } from '../support/redis-process.js';

/** Make the server full: `maxmemory` below what it already uses, so every write that may grow memory is refused (OOM). */
async function fillUp(manager: CacheManager): Promise<void> {
  const info = await manager.client.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
  await manager.client.config('SET', 'maxmemory', String(Math.floor(used / 2)));
}

/** Room again: no limit. */
async function makeRoom(manager: CacheManager): Promise<void> {
  await manager.client.config('SET', 'maxmemory', '0');
}

describeOnRedis('evictions under memory pressure (maxmemory, noeviction)', () => {
  let server: RedisProcess;
  let manager: CacheManager;
  before(async () => {
    server = await RedisProcess.start(['--maxmemory-policy', 'noeviction']);
  });
  after(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    manager = new CacheManager().init({ redisUrl: server.url, commandTimeout: 2000 });
    await makeRoom(manager);
    await manager.client.flushall();
  });
  afterEach(async () => {
    await makeRoom(manager);
    await manager.close();
  });

  it('delete() and invalidatePattern() still remove entries when Redis is full', async () => {
    const rows = manager.service<string>('rows');
    for (let i = 0; i < 20; i++) expect(await rows.set(`r${i}`, `v${i}`), 'written before the server is full').to.equal(true);
    await fillUp(manager);
    expect(await rows.set('late', 'x'), 'full: writes are refused').to.equal(false);
    const errors: unknown[] = [];
    manager.on('error', (event) => errors.push(event.error));

    expect(await rows.delete('r0'), 'delete removes the entry').to.equal(true);
    expect(await rows.get('r0')).to.equal(null);
    expect(await rows.invalidatePattern('*'), 'invalidatePattern removes the other 19').to.equal(19);
    for (let i = 1; i < 20; i++) expect(await rows.exists(`r${i}`)).to.equal(false);
    expect(errors, 'no eviction failed').to.deep.equal([]);
  });

  it('deleteMany() still removes entries and moves their fences when Redis is full', async () => {
    const rows = manager.service<string>('rows');
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    expect(await rows.setMany(ids.map((id) => ({ id, value: id }))), 'written before the server is full').to.deep.equal(
      ids.map(() => true),
    );
    let release!: (values: string[]) => void;
    const straddling = rows.getOrSetMany(['late'], () => new Promise<string[]>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 30)); // the load has read its fence tokens
    await fillUp(manager);
    expect(await rows.setMany([{ id: 'x', value: 'x' }]), 'full: writes are refused').to.deep.equal([false]);
    const errors: unknown[] = [];
    manager.on('error', (event) => errors.push(event.error));
    expect(await rows.deleteMany([...ids, 'late']), 'every entry removed').to.equal(20);
    expect(errors, 'no eviction failed').to.deep.equal([]);
    await makeRoom(manager);
    release(['old']);
    expect(await straddling).to.deep.equal(['old']);
    expect(await rows.getMany([...ids, 'late']), 'gone, and the straddling load was refused').to.deep.equal(
      [...ids, 'late'].map(() => null),
    );
  });

  it('a load that straddles an eviction on a full Redis cannot store its old value once there is room again', async () => {
    const rows = manager.service<string>('rows');
    let release!: (value: string) => void;
    const straddling = rows.getOrSet('r', () => new Promise<string>((resolve) => (release = resolve)), { ttl: 600 });
    await new Promise((resolve) => setTimeout(resolve, 30)); // the load has read its fence tokens
    await fillUp(manager);
    expect(await rows.delete('r'), 'nothing stored to remove, but the fence moves').to.equal(false);
    await makeRoom(manager);
    release('old');
    expect(await straddling).to.equal('old');
    expect(await rows.get('r'), 'the load that began before the eviction was refused').to.equal(null);
  });
});
