import { expect } from 'chai';
import { Redis } from 'ioredis';
import { isSwept } from '../../src/client/command-sweep.js';
import { sweepTick } from '../../src/client/connection-deadlines.js';
import type { CacheEvent } from '../../src/client/events.js';
import { CacheConnectionError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { describeOnRedis } from '../support/backends.js';
import { rejection } from '../support/events.js';
import { RedisProcess, waitUntil } from '../support/redis-process.js';

const COMMAND_TIMEOUT = 200;
/** Timers run late on a loaded 2-core machine: the bound asserted is the documented one plus this. */
const SLACK_MS = 100;
const options = { logger: false, circuitBreaker: false, retryBaseDelay: 20, retryMaxDelay: 100 } as const;

/** Calls of the global `setTimeout` while `run` runs (ioredis looks it up on every call). */
async function setTimeoutCalls(run: () => Promise<unknown>): Promise<number> {
  const original = globalThis.setTimeout;
  let calls = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => (calls++, original(...args))) as typeof setTimeout;
  try {
    await run();
  } finally {
    globalThis.setTimeout = original;
  }
  return calls;
}

/** The ioredis command at the back of the client's command queue (the one just sent). */
function lastQueued(client: Redis): object | undefined {
  return client.commandQueue.peekAt(client.commandQueue.length - 1)?.command as object | undefined;
}

describeOnRedis('command sweep: one timer per manager bounds every command on the connections it created', () => {
  let server: RedisProcess;
  let manager: CacheManager | undefined;
  before(async () => {
    server = await RedisProcess.start();
  });
  afterEach(async () => {
    server.resume();
    await manager?.close();
    manager = undefined;
  });
  after(async () => {
    await server.stop();
  });

  const connect = async (settings: { commandTimeout?: number; socketTimeout?: number; maxConnections?: number } = {}) => {
    manager = new CacheManager().init({ redisUrl: server.url, ...options, ...settings });
    await waitUntil(() => manager!.isAvailable, 2000, 'manager did not connect');
    return manager;
  };

  it('a paused server: commands fail within commandTimeout + tick, the runner reports them, callers get their fallback, the connection is kept', async () => {
    const bounds = { commandTimeoutMs: COMMAND_TIMEOUT, socketTimeoutMs: 5000 };
    const tick = sweepTick(bounds);
    const cache = await connect({ commandTimeout: COMMAND_TIMEOUT, socketTimeout: 5000, maxConnections: 2 });
    const users = cache.service<string>('users');
    expect(await users.set('k', 'cached')).to.equal(true);
    const errors: CacheEvent[] = [];
    cache.on('error', (event) => errors.push(event));
    server.pause();

    const start = performance.now();
    const [direct, viaService, loaded] = await Promise.all([
      rejection((cache.client as Redis).get('k')),
      users.get('k'),
      users.getOrSet('fresh', () => 'from the source'),
    ]);
    const elapsed = performance.now() - start;
    expect(direct.message, 'a direct user of cacheManager.client is bounded too').to.equal('Command timed out');
    expect(viaService).to.equal(null);
    expect(loaded).to.equal('from the source');
    expect(elapsed).to.be.within(COMMAND_TIMEOUT - 1, COMMAND_TIMEOUT + tick + SLACK_MS);
    expect(errors.map(({ error }) => error?.constructor)).to.include(CacheConnectionError);
    expect(errors.map(({ error }) => (error?.cause as Error | undefined)?.message)).to.include('Command timed out');
    expect((cache.client as Redis).status, 'a timed-out command keeps its connection').to.equal('ready');

    server.resume();
    // the late replies to the rejected commands are consumed in order: every later reply is its own
    for (let i = 0; i < 10; i++) expect(await users.get('k')).to.equal('cached');
  });

  it('socketTimeout: a connection to a paused server is destroyed within socketTimeout + two ticks (the tick divides commandTimeout) and reconnects after SIGCONT', async () => {
    const bounds = { commandTimeoutMs: 5000, socketTimeoutMs: 300 };
    const cache = await connect({ commandTimeout: 5000, socketTimeout: 300 });
    const client = cache.client as Redis;
    server.pause();
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(performance.now())));
    const start = performance.now();
    const pending = client.ping().catch((error: unknown) => error);
    expect((await closed) - start).to.be.within(
      bounds.socketTimeoutMs - 1,
      bounds.socketTimeoutMs + 2 * sweepTick(bounds) + SLACK_MS,
    );
    server.resume();
    await waitUntil(() => client.status === 'ready', 3000, 'did not reconnect after SIGCONT');
    expect(await client.ping()).to.equal('PONG');
    await pending;
  });

  it('no timer per command: a hit and a direct GET arm no setTimeout; the Command carries no _commandTimeoutTimer', async () => {
    const cache = await connect();
    const client = cache.client as Redis;
    const users = cache.service<string>('users');
    await users.set('k', 'v');
    const calls = await setTimeoutCalls(async () => {
      for (let i = 0; i < 200; i++) expect(await users.get('k')).to.equal('v');
      for (let i = 0; i < 200; i++) await client.get('k');
    });
    expect(calls).to.equal(0);
    const reply = client.get('k');
    expect(lastQueued(client)).to.not.have.property('_commandTimeoutTimer');
    await reply;
    // the check itself sees ioredis' own timer where there is one
    const timed = new Redis(server.url, { commandTimeout: 1000 });
    await timed.ping();
    const timedReply = timed.get('k');
    expect(lastQueued(timed)).to.have.property('_commandTimeoutTimer');
    await timedReply;
    timed.disconnect();
  });

  it('close() stops the sweep: its interval is cleared and the connections are no longer swept', async () => {
    const intervals: unknown[] = [];
    const cleared: unknown[] = [];
    const { setInterval: set, clearInterval: clear } = globalThis;
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const timer = set(...args);
      if (args[1] === sweepTick({ commandTimeoutMs: 5000, socketTimeoutMs: 5000 })) intervals.push(timer);
      return timer;
    }) as typeof setInterval;
    globalThis.clearInterval = ((timer: Parameters<typeof clearInterval>[0]) => (
      cleared.push(timer), clear(timer)
    )) as typeof clearInterval;
    try {
      const cache = await connect({ maxConnections: 3 });
      expect(intervals, 'one sweep for the pool of three').to.have.length(1);
      const client = cache.client;
      expect(isSwept(client)).to.equal(true);
      await cache.close();
      manager = undefined;
      expect(cleared).to.include(intervals[0]);
      expect(isSwept(client)).to.equal(false);
    } finally {
      globalThis.setInterval = set;
      globalThis.clearInterval = clear;
    }
  });

  it("an injected ioredis client is not swept: ts-rc races its own calls, the app's long commands on it are left alone", async () => {
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    manager = new CacheManager().useClient(client, { commandTimeout: 150, logger: false });
    expect(isSwept(client)).to.equal(false);
    const start = performance.now();
    expect(await client.blpop('nothing-here', 0.5)).to.equal(null);
    expect(performance.now() - start).to.be.at.least(450);
    await manager.close();
    manager = undefined;
    client.disconnect();
  });
});
