import { expect } from 'chai';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { CacheConfigError, CacheNotInitializedError } from '../../../src/errors.js';
import { tsRcPlugin } from '../../../src/integrations/fastify.js';
import type { CacheManager } from '../../../src/manager/cache-manager.js';
import { type Backend, cleanPrefix, describeOnBackends, managerFor, uniquePrefix } from '../../support/backends.js';
import { recordEvents } from '../../support/events.js';

interface User {
  id: string;
  name: string;
}

/** A route that reads users through `app.cacheManager`, counting the loads that reach the "database". */
function usersRoute(prefix: string): { plugin: FastifyPluginAsync; loads: string[] } {
  const loads: string[] = [];
  const plugin: FastifyPluginAsync = async (scope) => {
    scope.get<{ Params: { id: string } }>('/users/:id', async (request) => {
      const users = scope.cacheManager.service<User>('users', { prefix });
      return users.getOrSet(request.params.id, async () => {
        loads.push(request.params.id);
        return { id: request.params.id, name: `user ${request.params.id}` };
      });
    });
  };
  return { plugin, loads };
}

const options = (backend: Backend) => ({ ...backend.options, commandTimeout: 1000, logger: false as const });

describeOnBackends('ts-rc/fastify: tsRcPlugin', (backend) => {
  let app: FastifyInstance | undefined;
  let prefix: string;
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    if (app && backend.name === 'redis') {
      const cleaner = managerFor(backend);
      await cleanPrefix(cleaner, prefix);
      await cleaner.close();
    }
    await app?.close();
    app = undefined;
  });

  it('a route using app.cacheManager.service() misses, then hits', async () => {
    app = Fastify();
    await app.register(tsRcPlugin, options(backend));
    const { plugin, loads } = usersRoute(prefix);
    await app.register(plugin);
    await app.ready();
    const { events } = recordEvents(app.cacheManager, ['hit', 'miss']);

    const first = await app.inject({ method: 'GET', url: '/users/42' });
    const second = await app.inject({ method: 'GET', url: '/users/42' });
    expect(first.statusCode).to.equal(200);
    expect(first.json()).to.deep.equal({ id: '42', name: 'user 42' });
    expect(second.json()).to.deep.equal(first.json());
    expect(loads).to.deep.equal(['42']);
    expect(events.miss?.map((e) => e.id)).to.deep.equal(['42']);
    expect(events.hit?.map((e) => e.id)).to.deep.equal(['42']);
  });

  it('app.close() closes the manager the plugin created', async () => {
    app = Fastify();
    await app.register(tsRcPlugin, options(backend));
    await app.ready();
    const manager = app.cacheManager;
    expect(await manager.ping()).to.equal(true);
    const client = manager.client;
    await app.close();
    expect(manager.isAvailable).to.equal(false);
    expect(() => manager.client).to.throw(CacheNotInitializedError);
    if (backend.name === 'redis') expect((client as { status?: string }).status).to.equal('end');
    app = undefined;
  });

  it('a manager passed in as { manager } is used as is, and left open by app.close()', async () => {
    const manager = managerFor(backend);
    try {
      app = Fastify();
      await app.register(tsRcPlugin, { manager });
      const { plugin, loads } = usersRoute(prefix);
      await app.register(plugin);
      expect(app.cacheManager).to.equal(manager);
      await app.inject({ url: '/users/1' });
      await app.inject({ url: '/users/1' });
      expect(loads).to.deep.equal(['1']);
      await app.close();
      app = undefined;
      expect(await manager.ping()).to.equal(true);
      expect(await manager.service<User>('users', { prefix }).get('1')).to.deep.equal({ id: '1', name: 'user 1' });
      await cleanPrefix(manager, prefix);
    } finally {
      await manager.close();
    }
  });

  it('the decorator is visible outside the plugin: in a sibling plugin and on the root instance', async () => {
    app = Fastify();
    let seenBySibling: CacheManager | undefined;
    await app.register(tsRcPlugin, options(backend));
    await app.register(async (sibling) => {
      seenBySibling = sibling.cacheManager;
    });
    await app.ready();
    expect(seenBySibling).to.not.equal(undefined);
    expect(seenBySibling).to.equal(app.cacheManager);
    expect(app.hasDecorator('cacheManager')).to.equal(true);
  });
});

describe('ts-rc/fastify: tsRcPlugin options and conventions', () => {
  const apps: FastifyInstance[] = [];
  const newApp = () => {
    const app = Fastify();
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const refusal = async (register: (app: FastifyInstance) => unknown): Promise<Error> => {
    const app = newApp();
    register(app);
    try {
      await app.ready();
    } catch (error) {
      return error as Error;
    }
    expect.fail('the plugin was accepted');
  };

  it('validates the manager options with the manager’s own CacheConfigError', async () => {
    const bad = await refusal((app) => app.register(tsRcPlugin, { redisUrl: 'memory://', socketTimeout: -1 }));
    expect(bad)
      .to.be.instanceOf(CacheConfigError)
      .and.have.property('message')
      .that.matches(/socketTimeout/);
    const none = await refusal((app) => app.register(tsRcPlugin as FastifyPluginAsync)); // the types require options
    expect(none)
      .to.be.instanceOf(CacheConfigError)
      .and.have.property('message')
      .that.matches(/redisUrl: required/);
  });

  it('with { manager }: a CacheManager and nothing else', async () => {
    const notOne = await refusal((app) => app.register(tsRcPlugin, { manager: {} as CacheManager }));
    expect(notOne)
      .to.be.instanceOf(CacheConfigError)
      .and.have.property('message')
      .that.matches(/manager: expected a CacheManager/);
    const { CacheManager } = await import('../../../src/manager/cache-manager.js');
    const manager = new CacheManager().init({ redisUrl: 'memory://' });
    const mixed = await refusal((app) => app.register(tsRcPlugin, { manager, redisUrl: 'memory://' } as never));
    expect(mixed)
      .to.be.instanceOf(CacheConfigError)
      .and.have.property('message')
      .that.matches(/redisUrl: unknown option/);
    await manager.close();
  });

  it('passes the manager options through, logger included; Fastify’s own register options are not manager options', async () => {
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
    const app = newApp();
    await app.register(tsRcPlugin, { redisUrl: 'memory://', logger, prefix: '/ignored' });
    await app.ready();
    await app.cacheManager.service<bigint>('big').set('1', 1n);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/E_CACHE_SERIALIZATION/);
  });

  it('is named "ts-rc" for other plugins’ dependencies, and refuses a second registration with Fastify’s error', async () => {
    const needsCache: FastifyPluginAsync = Object.assign(async () => {}, {
      [Symbol.for('plugin-meta')]: { name: 'users-routes', dependencies: ['ts-rc'] },
    });
    const app = newApp();
    await app.register(tsRcPlugin, { redisUrl: 'memory://' });
    await app.register(needsCache);
    await app.ready();

    const missing = await refusal((app) => app.register(needsCache));
    expect(missing).to.have.property('code', 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED');
    const twice = await refusal((app) =>
      app.register(tsRcPlugin, { redisUrl: 'memory://' }).register(tsRcPlugin, { redisUrl: 'memory://' }),
    );
    expect(twice).to.have.property('code', 'FST_ERR_DEC_ALREADY_PRESENT');
  });
});
