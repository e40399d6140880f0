import { inspect } from 'node:util';
import { expect } from 'chai';
import { Redis, type RedisOptions } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisClient } from '../../src/client/redis-client.js';
import { CacheConfigError } from '../../src/errors.js';
import { CacheManager } from '../../src/manager/cache-manager.js';
import type { CacheManagerOptions, InjectedClientOptions } from '../../src/manager/manager-options.js';
import { freePort } from '../support/redis-process.js';

/** The CacheConfigError that `attach` throws; fails the test when it doesn't. */
function configErrorOf(attach: (manager: CacheManager) => unknown): CacheConfigError {
  const manager = new CacheManager();
  try {
    attach(manager);
  } catch (error) {
    expect(error, inspect(error)).to.be.instanceOf(CacheConfigError);
    expect(manager.isAvailable, 'a rejected manager stays idle').to.equal(false);
    return error as CacheConfigError;
  }
  void manager.close();
  expect.fail('the options were accepted');
}

type Bounds = Pick<CacheManagerOptions, 'commandTimeout' | 'socketTimeout' | 'replicaAcks'>;
const paths = (error: CacheConfigError) => error.issues.map((issue) => issue.path);

describe('replicaAcks (manager option)', () => {
  let redisUrl: string; // nothing listens there: init() connects in the background and never reaches it
  const lazyClients: Redis[] = [];
  before(async () => {
    redisUrl = `redis://127.0.0.1:${await freePort()}`;
  });
  after(() => {
    for (const client of lazyClients) client.disconnect();
  });
  /** An ioredis client that never connects, with its own options. */
  function lazyClient(options: RedisOptions = {}): Redis {
    const client = new Redis({ lazyConnect: true, ...options });
    lazyClients.push(client);
    return client;
  }
  const init = (options: Partial<CacheManagerOptions>) => (m: CacheManager) =>
    m.init({ redisUrl, ...options } as CacheManagerOptions);
  const inject = (client: RedisClient, options: InjectedClientOptions) => (m: CacheManager) => m.useClient(client, options);

  it('is off by default', async () => {
    const manager = new CacheManager().init({ redisUrl });
    expect(manager.options?.replicaAcks).to.equal(undefined);
    await manager.close();
  });

  it('defaults timeout to half the command bound: commandTimeout, or socketTimeout when lower', async () => {
    const cases: [Bounds, number][] = [
      [{}, 2500],
      [{ commandTimeout: 300 }, 150],
      [{ socketTimeout: 400 }, 200],
      [{ commandTimeout: 1000, socketTimeout: 600 }, 300],
    ];
    for (const [options, timeout] of cases) {
      const manager = new CacheManager().init({ redisUrl, ...options, replicaAcks: { replicas: 2 } });
      expect(manager.options?.replicaAcks, JSON.stringify(options)).to.deep.equal({ replicas: 2, timeout });
      await manager.close();
    }
  });

  it('rejects memory:// (it has no replicas), at init() and for an injected ioredis-mock', () => {
    const embedded = configErrorOf((m) => m.init({ redisUrl: 'memory://', replicaAcks: { replicas: 1 } }));
    expect(paths(embedded)).to.deep.equal(['replicaAcks']);
    expect(embedded.message).to.include('memory:// has no replicas');
    const injected = configErrorOf(inject(new RedisMock(), { replicaAcks: { replicas: 1 } }));
    expect(paths(injected)).to.deep.equal(['replicaAcks']);
  });

  const invalid: [string, unknown, string][] = [
    ['no replicas', {}, 'replicaAcks.replicas'],
    ['zero replicas', { replicas: 0 }, 'replicaAcks.replicas'],
    ['fractional replicas', { replicas: 1.5 }, 'replicaAcks.replicas'],
    ['a zero timeout (WAIT 0 waits forever)', { replicas: 1, timeout: 0 }, 'replicaAcks.timeout'],
    ['an unknown field', { replicas: 1, numreplicas: 1 }, 'replicaAcks.numreplicas'],
    ['a number instead of the object', 1, 'replicaAcks'],
  ];
  for (const [what, replicaAcks, field] of invalid) {
    it(`rejects ${what}, naming ${field}`, () => {
      const error = configErrorOf(init({ replicaAcks } as Bounds));
      expect(paths(error)).to.include(field);
    });
  }

  it('rejects a timeout the command bound would cut short: not below commandTimeout, or socketTimeout', () => {
    const command = configErrorOf(init({ commandTimeout: 200, replicaAcks: { replicas: 1, timeout: 200 } }));
    expect(paths(command)).to.deep.equal(['replicaAcks.timeout']);
    expect(command.message).to.include('expected less than 200 ms (commandTimeout, socketTimeout)');
    const socket = configErrorOf(init({ socketTimeout: 300, commandTimeout: 1000, replicaAcks: { replicas: 1, timeout: 500 } }));
    expect(socket.message).to.include('expected less than 300 ms');
  });

  it('useClient: bounded by commandTimeout and by the client’s own commandTimeout and socketTimeout', async () => {
    const byDefault = configErrorOf(inject(lazyClient(), { replicaAcks: { replicas: 1, timeout: 5000 } }));
    expect(byDefault.message).to.include('expected less than 5000 ms');
    const own = configErrorOf(inject(lazyClient({ commandTimeout: 100 }), { replicaAcks: { replicas: 1, timeout: 100 } }));
    expect(paths(own)).to.deep.equal(['replicaAcks.timeout']);
    const socket = configErrorOf(inject(lazyClient({ socketTimeout: 80 }), { replicaAcks: { replicas: 1, timeout: 90 } }));
    expect(socket.message).to.include('expected less than 80 ms');
    const accepted = new CacheManager().useClient(lazyClient({ commandTimeout: 100 }), { replicaAcks: { replicas: 1 } });
    await accepted.close(); // timeout 50: half the client's own bound
  });
});
