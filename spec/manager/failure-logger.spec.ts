import { type ChildProcess, spawn } from 'node:child_process';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { Cached } from '../../src/decorators/cached.js';
import { CacheConfigError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheLogger } from '../../src/manager/failure-logger.js';
import { describeOnRedis } from '../support/backends.js';
import { sleep } from '../support/events.js';
import { freePort, probe, waitUntil } from '../support/redis-process.js';

/** A logger that keeps every line with its level. */
class Lines implements CacheLogger {
  readonly lines: { level: 'warn' | 'error' | 'info'; text: string }[] = [];
  warn(text: string): void {
    this.lines.push({ level: 'warn', text });
  }
  error(text: string): void {
    this.lines.push({ level: 'error', text });
  }
  info(text: string): void {
    this.lines.push({ level: 'info', text });
  }
  get texts(): string[] {
    return this.lines.map((l) => l.text);
  }
}

/** An in-memory client whose `commands` reject with `message` while `broken.on` is true. */
function failing(commands: readonly string[], message = 'connection reset\nby peer'): { client: Redis; broken: { on: boolean } } {
  const mock = new RedisMock({ host: `failure-logger-${process.pid}-${Math.random()}` });
  const broken = { on: true };
  const client = new Proxy(mock, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      if (broken.on && commands.includes(String(property))) return () => Promise.reject(new Error(message));
      return value.bind(target);
    },
  });
  return { client, broken };
}

/** Replace `console[level]` for the length of `run`, collecting what it was called with. */
async function capturingConsole(level: 'warn' | 'error', run: () => Promise<void>): Promise<string[]> {
  const original = console[level];
  const seen: string[] = [];
  console[level] = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
  try {
    await run();
  } finally {
    console[level] = original;
  }
  return seen;
}

describe('the default failure logger (logger option)', () => {
  let manager: CacheManager | undefined;
  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('logs 20 failures of one kind as one line, counting them all in stats().errors', async () => {
    const logger = new Lines();
    manager = new CacheManager().useClient(failing(['get']).client, { logger, circuitBreaker: false });
    const users = manager.service<string>('users');
    for (let i = 0; i < 20; i++) expect(await users.get(String(i))).to.equal(null);
    expect(manager.stats().errors).to.equal(20);
    expect(logger.lines).to.have.length(1);
    const [{ level, text } = { level: '', text: '' }] = logger.lines;
    expect(level).to.equal('warn');
    expect(text).to.match(/^\[ts-rc\] E_CACHE_CONNECTION \(namespace "users"\): Redis GET failed: connection reset by peer;/);
    expect(text).to.include('redisUrl').and.include('stats().errors');
    expect(text, 'one line, whatever the cause held').to.not.match(/[\r\n]/);
  });

  it('logs two kinds as two lines: a failed GET and a failed write are told apart', async () => {
    const logger = new Lines();
    manager = new CacheManager().useClient(failing(['get', 'evalsha', 'set']).client, { logger, circuitBreaker: false });
    const users = manager.service<string>('users');
    for (let i = 0; i < 10; i++) {
      await users.get(String(i));
      await users.set(String(i), 'x');
    }
    expect(logger.texts).to.have.length(2);
    expect(logger.texts[0]).to.include('Redis GET failed');
    expect(logger.texts[1]).to.include('Redis SET failed');
  });

  it('logs data errors once per namespace, with error(): entries that no longer decode, values that cannot be stored', async () => {
    const logger = new Lines();
    manager = new CacheManager().init({ redisUrl: 'memory://', logger });
    for (const namespace of ['users', 'orders']) {
      const service = manager.service<string>(namespace);
      for (let i = 0; i < 5; i++) {
        await manager.client.set(service.key(String(i)), 'not json');
        expect(await service.get(String(i))).to.equal(null);
        expect(await service.set(String(i), 10n as unknown as string)).to.equal(false);
      }
    }
    expect(logger.lines.map((l) => l.level)).to.deep.equal(['error', 'error', 'error', 'error']);
    expect(logger.texts.map((t) => /E_CACHE_\w+ \(namespace "\w+"\)/.exec(t)?.[0])).to.deep.equal([
      'E_CACHE_DECODE (namespace "users")',
      'E_CACHE_SERIALIZATION (namespace "users")',
      'E_CACHE_DECODE (namespace "orders")',
      'E_CACHE_SERIALIZATION (namespace "orders")',
    ]);
    expect(logger.texts[0]).to.include('version');
  });

  it('logs degraded and recovered each time they happen (info, else warn)', async () => {
    const logger = new Lines();
    const { client, broken } = failing(['get']);
    manager = new CacheManager().useClient(client, { logger, circuitBreaker: { failureThreshold: 2, cooldown: 20 } });
    const users = manager.service<string>('users');
    for (let round = 0; round < 2; round++) {
      broken.on = true;
      for (let i = 0; i < 5; i++) await users.get('1');
      broken.on = false;
      await sleep(30);
      await users.get('1'); // the probe succeeds: the breaker closes
    }
    expect(logger.lines.map((l) => `${l.level} ${l.text.split(':')[0]}`)).to.deep.equal([
      'warn [ts-rc] E_CACHE_CONNECTION (namespace "users")',
      'warn [ts-rc] degraded',
      'info [ts-rc] recovered',
      'warn [ts-rc] degraded',
      'info [ts-rc] recovered',
    ]);
    expect(logger.texts[2]).to.match(/recovered: Redis answers again after \d+\.\d s; caching resumed$/);

    const warnOnly = { warn: (t: string) => seen.push(t), error: (t: string) => seen.push(t) };
    const seen: string[] = [];
    await manager.close();
    const again = failing(['get']);
    manager = new CacheManager().useClient(again.client, {
      logger: warnOnly,
      circuitBreaker: { failureThreshold: 1, cooldown: 1 },
    });
    await manager.service('users').get('1');
    again.broken.on = false;
    await sleep(5);
    await manager.service('users').get('1');
    expect(seen.at(-1)).to.match(/recovered/);
  });

  it('logger: false logs nothing, and console is not used either', async () => {
    const warned = await capturingConsole('warn', async () => {
      const errored = await capturingConsole('error', async () => {
        manager = new CacheManager().useClient(failing(['get']).client, { logger: false, circuitBreaker: false });
        for (let i = 0; i < 5; i++) await manager.service<string>('users').get('1');
        await manager.service<bigint>('big').set('1', 1n);
      });
      expect(errored).to.deep.equal([]);
    });
    expect(warned).to.deep.equal([]);
    expect(manager?.stats().errors).to.equal(6);
  });

  it('defaults to console', async () => {
    const warned = await capturingConsole('warn', async () => {
      manager = new CacheManager().useClient(failing(['get']).client, { circuitBreaker: false });
      for (let i = 0; i < 5; i++) await manager.service<string>('users').get('1');
    });
    expect(warned).to.have.length(1);
    expect(warned[0]).to.match(/^\[ts-rc\] E_CACHE_CONNECTION/);
  });

  it('logs a decorated method called before init() once, with error(), on console by default', async () => {
    const early = new CacheManager();
    class Repository {
      calls = 0;
      @Cached({ manager: early, namespace: 'early', key: (id: string) => id })
      async find(id: string): Promise<string> {
        this.calls++;
        return `row ${id}`;
      }
    }
    const repository = new Repository();
    const errored = await capturingConsole('error', async () => {
      for (let i = 0; i < 5; i++) expect(await repository.find('1')).to.equal('row 1');
    });
    expect(repository.calls).to.equal(5);
    expect(errored).to.have.length(1);
    expect(errored[0]).to.match(/^\[ts-rc\] E_CACHE_NOT_INITIALIZED \(namespace "early"\): .*call init\(.*the call ran uncached/);
  });

  it('keeps a password out of every line (an error that quoted a URL with credentials)', async () => {
    const logger = new Lines();
    const leaky = failing(['get'], 'cannot reach redis://alice:s3cr%t-p@ss@10.0.0.1:6379/0').client;
    manager = new CacheManager().useClient(leaky, { logger, circuitBreaker: false });
    await manager.service('users').get('1');
    expect(logger.texts).to.have.length(1);
    expect(logger.texts[0]).to.include('redis://alice:***@10.0.0.1').and.not.include('s3cr');
  });

  it('is validated: anything but a logger or false is a CacheConfigError naming logger', () => {
    for (const logger of [{}, 'console', { warn() {} }, true, null]) {
      expect(() => new CacheManager().init({ redisUrl: 'memory://', logger } as never)).to.throw(
        CacheConfigError,
        /logger: expected console/,
      );
      expect(() => new CacheManager().useClient(new RedisMock(), { logger } as never)).to.throw(CacheConfigError, /logger/);
    }
    const ok = new CacheManager().init({ redisUrl: 'memory://', logger: { warn() {}, error() {} } });
    expect(ok.options).to.not.have.property('logger'); // a logger prints as a wall of methods
    void ok.close();
  });
});

describeOnRedis('the default failure logger, on a redis-server with --requirepass', () => {
  const PASSWORD = 'p#ss/w?rd@ s3cr et';
  const WRONG = 'wr#ng/p?ss@ w0rd';
  let port: number;
  let server: ChildProcess;
  let manager: CacheManager | undefined;
  before(async function () {
    this.timeout(10_000);
    port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD];
    server = spawn('redis-server', args, { stdio: 'ignore' });
    await waitUntil(
      () => probe(port, async (client) => (await client.ping()) === 'PONG', PASSWORD),
      5000,
      `redis-server on port ${port} did not start`,
    );
  });
  after(async () => {
    await manager?.close();
    if (server.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGKILL');
  });

  it('never shows the password, as written or encoded, in any line', async () => {
    const logger = new Lines();
    manager = new CacheManager().init({
      redisUrl: `redis://default:${WRONG}@127.0.0.1:${port}`,
      commandTimeout: 300,
      circuitBreaker: { failureThreshold: 2, cooldown: 100 },
      logger,
    });
    const users = manager.service<string>('users');
    for (let i = 0; i < 5; i++) expect(await users.getOrSet(String(i), () => 'from the source')).to.equal('from the source');
    expect(logger.texts.length).to.be.greaterThan(1);
    expect(logger.texts.join('\n')).to.include('degraded');
    for (const secret of [PASSWORD, WRONG, encodeURIComponent(PASSWORD), encodeURIComponent(WRONG)]) {
      expect(logger.texts.join('\n')).to.not.include(secret);
    }
  });
});
