import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheConnectionError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { percentile, sleep } from '../support/events.js';
import { freePort, RedisProcess, waitUntil } from '../support/redis-process.js';

const COMMAND_TIMEOUT = 200;
const HEALTH_INTERVAL_S = 0.5;
const FACTORY_MS = 10;
const faultOptions = {
  commandTimeout: COMMAND_TIMEOUT,
  socketTimeout: 300,
  socketConnectTimeout: 200,
  healthCheckInterval: HEALTH_INTERVAL_S,
  retryBaseDelay: 20,
  retryMaxDelay: 200,
  circuitBreaker: { failureThreshold: 3, cooldown: 1000 },
};

/** Latencies of one phase, for the README figures. */
const figures: Record<string, number[]> = {};
const resumes: string[] = [];

async function timed<T>(phase: string, call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  const ms = performance.now() - start;
  figures[phase] ??= [];
  figures[phase].push(ms);
  return { value, ms };
}

const slowFactory = (value: string) => async () => {
  await sleep(FACTORY_MS);
  return value;
};

describeOnRedis('faults: real redis-server processes killed, paused, restarted and never started', () => {
  let server: RedisProcess | undefined;
  let manager: CacheManager | undefined;
  afterEach(async () => {
    await manager?.close();
    await server?.stop();
    manager = undefined;
    server = undefined;
  });
  after(() => {
    const rows = Object.entries(figures).map(
      ([phase, xs]) =>
        `  ${phase.padEnd(28)} n=${String(xs.length).padStart(4)}  p50=${percentile(xs, 50).toFixed(2).padStart(7)} ms  p99=${percentile(xs, 99).toFixed(2).padStart(7)} ms`,
    );
    console.log(`\n  getOrSet latency per phase (factory ${FACTORY_MS} ms, commandTimeout ${COMMAND_TIMEOUT} ms):`);
    console.log(`${[...rows, ...resumes.map((line) => `  ${line}`)].join('\n')}\n`);
  });

  it('never started: every call returns within the command timeout, getOrSet serves the factory, secrets stay out of errors', async () => {
    const port = await freePort();
    manager = new CacheManager().init({ redisUrl: `redis://app:s3cret-pass@127.0.0.1:${port}`, ...faultOptions });
    const errors: CacheEvent[] = [];
    manager.on('error', (event) => errors.push(event));
    const users = manager.service<string>('users');
    expect(manager.isAvailable).to.equal(false);
    for (let i = 0; i < 20; i++) {
      const { value, ms } = await timed('never started', () => users.getOrSet(`k${i}`, slowFactory('fresh')));
      expect(value).to.equal('fresh');
      expect(ms).to.be.below(COMMAND_TIMEOUT + FACTORY_MS + 100);
      const checks = await Promise.all([
        users.get('a'),
        users.set('a', 'x'),
        users.delete('a'),
        users.exists('a'),
        users.getTtl('a'),
        users.invalidatePattern(),
      ]);
      expect(checks).to.deep.equal([null, false, false, false, -2, 0]);
    }
    const syncThrow = () => {
      throw new Error('sync failure');
    };
    let thrown: unknown;
    await users.getOrSet('sync', syncThrow).catch((error: unknown) => (thrown = error));
    expect((thrown as Error).message, 'a factory that throws synchronously rejects').to.equal('sync failure');
    expect(await users.getOrSet('sync', () => 'next call loads again'), 'no stuck single-flight entry').to.equal(
      'next call loads again',
    );
    expect(await manager.ping()).to.equal(false);
    expect(errors.length).to.be.greaterThan(0);
    for (const { error } of errors) {
      expect(error).to.be.instanceOf(CacheConnectionError);
      const text = `${error?.message} ${error?.stack} ${String((error?.cause as Error | undefined)?.message)} ${String((error?.cause as Error | undefined)?.stack)}`;
      expect(text).to.not.include('s3cret-pass');
    }
  });

  it('an injected client without its own commandTimeout is bounded by useClient({ commandTimeout })', async () => {
    server = await RedisProcess.start();
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 }); // no commandTimeout of its own
    manager = new CacheManager().useClient(client, { commandTimeout: 150, circuitBreaker: false });
    const errors: CacheEvent[] = [];
    manager.on('error', (event) => errors.push(event));
    const users = manager.service<string>('users');
    expect(await users.set('k', 'v')).to.equal(true);
    server.pause();
    const start = performance.now();
    expect(await users.get('k')).to.equal(null);
    expect(performance.now() - start).to.be.within(140, 400);
    expect(errors[0]?.error?.message).to.match(/timed out after 150 ms/);
    server.resume();
    await manager.close();
    client.disconnect();
  });

  for (const fault of ['killed', 'paused'] as const) {
    it(`${fault}: calls stay bounded while Redis is gone, bypass once the breaker opens, and caching resumes within two health checks`, async function () {
      this.timeout(20_000);
      server = await RedisProcess.start();
      manager = new CacheManager().init({ redisUrl: server.url, ...faultOptions });
      const events: string[] = [];
      for (const name of ['degraded', 'recovered'] as const) manager.on(name, () => events.push(name));
      await waitUntil(() => manager!.isAvailable, 2000, 'manager did not connect');
      const users = manager.service<string>('users', { defaultTtl: 60 });

      // healthy: one miss, then hits
      let calls = 0;
      const counted = async () => (calls++, slowFactory('v1')());
      for (let i = 0; i < 50; i++) expect((await timed('healthy', () => users.getOrSet('k', counted))).value).to.equal('v1');
      expect(calls).to.equal(1);

      if (fault === 'killed') await server.kill();
      else server.pause();

      const phase = `${fault}: down`;
      let breakerOpenAt = -1;
      const bypassed: number[] = [];
      for (let i = 0; i < 40; i++) {
        const { value, ms } = await timed(phase, () => users.getOrSet(`down${i}`, slowFactory('fresh')));
        expect(value).to.equal('fresh');
        // Bounded by the command timeout, not by Redis coming back (slack: timers run late under load).
        expect(ms, `call ${i}`).to.be.below(COMMAND_TIMEOUT + FACTORY_MS + 300);
        if (breakerOpenAt < 0 && events.includes('degraded')) breakerOpenAt = i;
        else if (breakerOpenAt >= 0) bypassed.push(ms);
      }
      expect(breakerOpenAt, 'the breaker opened').to.be.at.least(0);
      // With the breaker open no call waits for Redis: each is the factory's time. Timers run late
      // on a loaded machine, so the typical call is checked, and no call may wait a command timeout.
      expect(percentile(bypassed, 50), 'calls with the breaker open (median)').to.be.below(FACTORY_MS + 50);
      expect(Math.max(...bypassed), 'no call with the breaker open waits a command timeout').to.be.below(COMMAND_TIMEOUT);
      expect(manager.isAvailable).to.equal(false);

      if (fault === 'killed') await server.start();
      else server.resume();
      const back = performance.now();
      // recovering: call for 1.5 s; the first call answered from Redis shows caching resumed
      let resumedAfter = -1;
      while (performance.now() - back < 1500) {
        await timed(`${fault}: recovering (1.5 s)`, () => users.getOrSet('after', slowFactory('v2')));
        if (resumedAfter < 0 && (await users.get('after')) === 'v2') resumedAfter = performance.now() - back;
        await sleep(5);
      }
      resumes.push(`${fault}: caching resumed ${resumedAfter.toFixed(0)} ms after Redis was back`);
      expect(resumedAfter, 'caching resumed').to.be.at.least(0);
      expect(resumedAfter).to.be.below(2 * HEALTH_INTERVAL_S * 1000);
      expect(events).to.include('recovered');
      expect(manager.isAvailable).to.equal(true);
    });
  }
});
