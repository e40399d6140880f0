import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import { expect } from 'chai';
import request from 'supertest';
import { describeOnBackends, entryKey } from '../../support/backends.js';
import { recordEvents } from '../../support/events.js';
import { cleanNamespaces } from '../../support/namespaces.js';
import { freePort } from '../../support/redis-process.js';
import type * as UsersApp from './app/users-app.js';

// The app is CommonJS compiled by TypeScript 5.9 (`npm run build:spec-nest`), as Nest users compile
// theirs; this spec drives it from outside and uses only what the app's own copy of ts-rc exports.
const compiled = new URL('../../../../nest/spec/integrations/nestjs/app/users-app.js', import.meta.url);
if (!existsSync(compiled)) throw new Error(`${compiled.pathname} is missing: run \`npm run build:spec\``);
const nest = createRequire(import.meta.url)(compiled.pathname) as typeof UsersApp;
const { USERS, GREETINGS } = nest;

/** An app of the test's own; `stop()` cleans its keys and closes it (unless the test did). */
async function start(options: Parameters<typeof nest.createApp>[0], how?: 'forRoot' | 'forRootAsync') {
  const app = await nest.createApp(options, how);
  nest.managerOf(app).resetStats(); // the default manager outlives each app: count this app's calls only
  return {
    app,
    http: () => request(app.getHttpServer()),
    manager: nest.managerOf(app),
    async stop() {
      if (this.manager.options) await cleanNamespaces(this.manager, USERS, GREETINGS);
      await app.close();
    },
  };
}

describeOnBackends('NestJS: TsRcModule in a Nest app (CommonJS, TypeScript 5.9)', (backend) => {
  let running: Awaited<ReturnType<typeof start>> | undefined;
  const boot = async (how?: 'forRoot' | 'forRootAsync') => {
    running = await start({ ...backend.options, commandTimeout: 1000 }, how);
    return running;
  };
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('GET twice: the repository is read once, the second answer is a cache hit of the default manager', async () => {
    const { app, http, manager } = await boot();
    expect(manager).to.equal(nest.cacheManager, 'CacheManager injected by class is the one decorators use');
    const first = await http().get('/users/1').expect(200);
    const second = await http().get('/users/1').expect(200);
    expect(first.body).to.deep.equal({ id: '1', greeting: 'Hello, Ada' });
    expect(second.body).to.deep.equal(first.body, 'revived as a User (greet() works)');
    expect(app.get(nest.UserRepository).reads).to.equal(1);
    expect(manager.stats().namespaces[USERS]).to.include({ misses: 1, hits: 1, sets: 1 });
  });

  it('DELETE evicts: the next GET reads the repository again (and finds nothing)', async () => {
    const { app, http, manager } = await boot();
    await http().get('/users/1').expect(200);
    const { events, stop } = recordEvents(manager, ['evict']);
    await http().delete('/users/1').expect(204);
    stop();
    expect(events.evict?.map((e) => e.key)).to.deep.equal([entryKey(manager, USERS, '1')]);
    await http().get('/users/1').expect(404);
    expect(app.get(nest.UserRepository).reads).to.equal(2);
  });

  it('forFeature + @InjectCacheService: the injected CacheService reads what @Cached stored, revived by its model', async () => {
    const { http } = await boot();
    expect((await http().get('/users/2/cached').expect(200)).body).to.deep.equal({ cached: null });
    await http().get('/users/2').expect(200);
    expect((await http().get('/users/2/cached').expect(200)).body).to.deep.equal({ cached: 'Hello, Grace' });
  });

  for (const order of ['above', 'below'] as const) {
    it(`@Cached ${order} @Get(':id'): the route answers 200 (not 404), its guard runs, the second call is a hit`, async () => {
      const { app, http, manager } = await boot();
      const checks = nest.ApiKeyGuard.checks;
      await http().get(`/greetings/${order}/7`).expect(403);
      expect(nest.ApiKeyGuard.checks).to.equal(checks + 1);
      for (let i = 0; i < 2; i++) {
        const answer = await http().get(`/greetings/${order}/7`).set('x-api-key', 'secret').expect(200);
        expect(answer.body).to.deep.equal({ greeting: 'hello 7' });
      }
      expect(nest.ApiKeyGuard.checks).to.equal(checks + 3, 'the guard ran before the cache answered');
      expect(app.get(nest.GreetingsController).calls).to.equal(1);
      expect(manager.stats().namespaces[GREETINGS]).to.include({ misses: 1, hits: 1 });
    });
  }

  it('TsRcHealthIndicator is injectable without listing it; up, under any key; GET /health is 200', async () => {
    const { app, http } = await boot();
    const indicator = app.get(nest.TsRcHealthIndicator);
    expect(await indicator.isHealthy()).to.deep.equal({ redis: { status: 'up' } });
    expect(await indicator.isHealthy('cache')).to.deep.equal({ cache: { status: 'up' } });
    const health = await http().get('/health').expect(200);
    expect(health.body).to.deep.include({ status: 'ok', info: { redis: { status: 'up' } } });
  });

  it('app.close() closes the manager: it is no longer initialised', async () => {
    const { app, manager } = await boot();
    expect(manager.options, 'initialised while the app runs').to.not.equal(undefined);
    await cleanNamespaces(manager, USERS, GREETINGS);
    running = undefined;
    await app.close();
    expect(() => manager.client).to.throw(nest.CacheNotInitializedError);
    expect(manager.isAvailable).to.equal(false);
  });

  it('forRootAsync: the options come from a factory injecting another module’s provider', async () => {
    const { app, http, manager } = await boot('forRootAsync');
    expect(manager).to.equal(nest.cacheManager);
    await http().get('/users/1').expect(200);
    await http().get('/users/1').expect(200);
    expect(app.get(nest.UserRepository).reads).to.equal(1);
  });
});

describe('NestJS: TsRcModule when Redis is down or the options are wrong', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('the health indicator answers down and GET /health fails with status down for its key; routes still answer', async () => {
    const port = await freePort(); // nothing listens there
    app = await nest.createApp({ redisUrl: `redis://127.0.0.1:${port}`, commandTimeout: 200, socketConnectTimeout: 200 });
    expect(await app.get(nest.TsRcHealthIndicator).isHealthy()).to.deep.equal({
      redis: { status: 'down', message: 'Redis did not answer PING' },
    });
    const health = await request(app.getHttpServer()).get('/health').expect(503);
    expect(health.body.status).to.equal('error');
    expect(health.body.error.redis.status).to.equal('down');
    expect(health.body.details.redis.status).to.equal('down');
    await request(app.getHttpServer()).get('/users/1').expect(200); // uncached, not broken
  });

  it('a bad option fails the bootstrap with a CacheConfigError naming it, and leaves the manager idle', async () => {
    let error: unknown;
    try {
      app = await nest.createApp({ redisUrl: 'memory://', socketTimeout: -1 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(nest.CacheConfigError);
    expect((error as Error).message).to.include('socketTimeout');
    expect(nest.cacheManager.options).to.equal(undefined);
  });
});
