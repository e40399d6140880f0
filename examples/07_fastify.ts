/**
 * Fastify: `app.register(tsRcPlugin, options)` gives every route and plugin `app.cacheManager`,
 * and `app.close()` closes it. Requests are sent with `app.inject()` (no port opened).
 * Run: `npm run demo -- 07` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 07`; after `npm install`.
 */
import Fastify from 'fastify';
import { tsRcPlugin } from 'ts-rc/fastify';

interface User {
  id: string;
  name: string;
}

console.log(`07 Fastify on ${process.env.REDIS_URL ?? 'memory://'}`);
let databaseReads = 0;
async function findUser(id: string): Promise<User> {
  databaseReads++;
  return { id, name: `User ${id}` };
}

const app = Fastify();
// Manager options as for cacheManager.init(); `logger: app.log` would send failures to Fastify's logger.
await app.register(tsRcPlugin, { redisUrl: process.env.REDIS_URL ?? 'memory://' });

// Any plugin registered after it sees app.cacheManager (the decorator is not encapsulated).
await app.register(async (routes) => {
  const users = routes.cacheManager.service<User>('users', { prefix: 'ts-rc-example', defaultTtl: 60 });
  routes.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
    const before = databaseReads;
    const user = await users.getOrSet(request.params.id, () => findUser(request.params.id));
    reply.header('x-cache', databaseReads > before ? 'miss' : 'hit');
    return user;
  });
  routes.addHook('onClose', async () => void (await users.invalidatePattern())); // the example cleans up its keys
});

for (let i = 0; i < 2; i++) {
  const response = await app.inject({ method: 'GET', url: '/users/42' });
  console.log(`GET /users/42 -> ${response.statusCode} ${response.body} (x-cache: ${response.headers['x-cache']})`);
}
console.log(`database reads: ${databaseReads}; stats(): ${JSON.stringify(app.cacheManager.stats())}`);
await app.close(); // closes the manager the plugin created
console.log(`after app.close(): isAvailable = ${app.cacheManager.isAvailable}`);
