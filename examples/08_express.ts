/**
 * Express: the manager is initialised once at startup and used by the routes as a module
 * singleton (the default `cacheManager`, the one decorators use too); GET /health pings Redis;
 * on SIGTERM the server stops taking requests, then the manager closes. This example listens on
 * an ephemeral port, sends itself two requests with fetch (a miss, then a hit) and shuts down.
 * Run: `npm run demo -- 08` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 08`; after `npm install`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { cacheManager } from 'ts-rc';

interface User {
  id: string;
  name: string;
}

let databaseReads = 0;
async function findUser(id: string): Promise<User> {
  databaseReads++;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { id, name: `User ${id}` };
}

// At startup: init() checks the options and connects in the background (an unreachable Redis
// doesn't fail it; routes then answer from the database until Redis is back).
cacheManager.init({ redisUrl: process.env.REDIS_URL ?? 'memory://' });
const users = cacheManager.service<User>('users', { prefix: 'ts-rc-example', defaultTtl: 60 });

const app = express();
app.get('/users/:id', async (req, res) => {
  const before = databaseReads;
  const user = await users.getOrSet(req.params.id, () => findUser(req.params.id));
  res.set('x-cache', databaseReads > before ? 'miss' : 'hit').json(user);
});
app.get('/health', async (_req, res) => {
  const up = await cacheManager.ping(); // never throws: false when Redis doesn't answer within commandTimeout
  res.status(up ? 200 : 503).json({ redis: up ? 'up' : 'down' });
});

const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');

/** Stop taking requests, let those in flight finish, then close the manager (and its connections). */
async function shutdown(): Promise<void> {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  await users.invalidatePattern(); // the example's own clean-up; an app keeps its entries
  await cacheManager.close();
}
process.once('SIGTERM', () => void shutdown());

console.log(`08 Express on ${process.env.REDIS_URL ?? 'memory://'}`);
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
for (const path of ['/users/42', '/users/42', '/health']) {
  const response = await fetch(base + path);
  const cache = response.headers.get('x-cache');
  console.log(`GET ${path.padEnd(9)} -> ${response.status} ${await response.text()}${cache ? ` (x-cache: ${cache})` : ''}`);
}
console.log(`database reads: ${databaseReads}`);
await shutdown(); // what SIGTERM does
console.log(`after shutdown: listening = ${server.listening}, manager available = ${cacheManager.isAvailable}`);
