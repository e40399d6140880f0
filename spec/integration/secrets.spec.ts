import { expect } from 'chai';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { reported } from '../support/events.js';
import { RedisProcess, waitUntil } from '../support/redis-process.js';

/** Every character that broke URL parsing or masking: `#`, `/`, `?`, `@`, a space. */
const PASSWORD = 'p#ss/w?rd@ s3cr et';
const WRONG = 'wr#ng/p?ss@ w0rd';
const FORMS = [PASSWORD, WRONG, encodeURIComponent(PASSWORD), encodeURIComponent(WRONG)];

describeOnRedis('passwords with URL characters, on a redis-server with --requirepass', () => {
  let port: number;
  let server: RedisProcess;
  let manager: CacheManager | undefined;

  before(async function () {
    this.timeout(10_000);
    server = await RedisProcess.start(['--requirepass', PASSWORD]);
    port = server.port;
  });
  after(() => server.stop());
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  const urls = {
    'written raw': () => `redis://:${PASSWORD}@127.0.0.1:${port}/1`,
    'percent-encoded, with the default user': () => `redis://default:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/1`,
  };
  for (const [how, url] of Object.entries(urls)) {
    it(`connects and caches with the password ${how}`, async () => {
      manager = new CacheManager().init({ redisUrl: url() });
      await waitUntil(() => manager!.isAvailable, 3000, 'connection not ready');
      const users = manager.service<{ name: string }>('users', { prefix: 'secrets-test' });
      expect(await users.set('1', { name: 'Ada' })).to.equal(true);
      expect(await users.get('1')).to.deep.equal({ name: 'Ada' });
      expect(await users.delete('1')).to.equal(true);
      expect(JSON.stringify(manager.options)).to.not.include(PASSWORD).and.not.include(encodeURIComponent(PASSWORD));
    });
  }

  it('a wrong password fails gracefully, and neither password appears in any report', async () => {
    manager = new CacheManager().init({ redisUrl: `redis://default:${WRONG}@127.0.0.1:${port}`, commandTimeout: 300 });
    const events: CacheEvent[] = [];
    for (const name of ['error', 'degraded'] as const) manager.on(name, (event) => events.push(event));
    const users = manager.service<string>('users', { prefix: 'secrets-test' });
    expect(await users.getOrSet('1', () => 'from the factory')).to.equal('from the factory');
    expect(await users.get('1')).to.equal(null);
    expect(await manager.ping()).to.equal(false);
    expect(events.length).to.be.greaterThan(0);
    const text = `${reported(events)}\n${JSON.stringify(manager.options)}`;
    for (const secret of FORMS) expect(text).to.not.include(secret);
  });
});
