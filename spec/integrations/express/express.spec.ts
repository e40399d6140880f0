import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import type { CacheManager } from '../../../src/manager/cache-manager.js';
import { describeOnBackends } from '../../support/backends.js';
import { testBed } from '../../support/test-bed.js';

interface User {
  id: string;
  name: string;
}

/** The README's Express recipe: a route through getOrSet on `manager`, and /health with ping(). */
function usersApp(manager: CacheManager, prefix: string): { app: Express; loads: string[] } {
  const loads: string[] = [];
  const users = manager.service<User>('users', { prefix, defaultTtl: 60 });
  const app = express();
  app.get('/users/:id', async (req, res) => {
    const before = loads.length;
    const user = await users.getOrSet(req.params.id, async () => {
      loads.push(req.params.id);
      return { id: req.params.id, name: `user ${req.params.id}` };
    });
    res.set('x-cache', loads.length > before ? 'miss' : 'hit').json(user);
  });
  app.get('/health', async (_req, res) => {
    const up = await manager.ping();
    res.status(up ? 200 : 503).json({ redis: up ? 'up' : 'down' });
  });
  return { app, loads };
}

describeOnBackends('Express recipe', (backend) => {
  const bed = testBed(backend);

  it('a route through getOrSet misses, then hits: one load', async () => {
    const { app, loads } = usersApp(bed.manager, bed.prefix);
    const first = await request(app).get('/users/42');
    const second = await request(app).get('/users/42');
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({ id: '42', name: 'user 42' });
    expect([first.headers['x-cache'], second.headers['x-cache']]).to.deep.equal(['miss', 'hit']);
    expect(second.body).to.deep.equal(first.body);
    expect(loads).to.deep.equal(['42']);
    expect(bed.manager.stats().namespaces.users).to.include({ hits: 1, misses: 1, sets: 1 });
  });

  it('concurrent requests for one cold id load it once', async () => {
    const { app, loads } = usersApp(bed.manager, bed.prefix);
    const responses = await Promise.all(Array.from({ length: 10 }, () => request(app).get('/users/7')));
    expect(responses.map((r) => r.status)).to.deep.equal(Array(10).fill(200));
    expect(loads).to.deep.equal(['7']);
  });

  it('/health answers 200 while Redis answers, 503 once the manager is closed; routes still answer', async () => {
    const { app, loads } = usersApp(bed.manager, bed.prefix);
    const up = await request(app).get('/health');
    expect([up.status, up.body]).to.deep.equal([200, { redis: 'up' }]);

    await bed.manager.close(); // as on shutdown: the routes go to the source, health says so
    const down = await request(app).get('/health');
    expect([down.status, down.body]).to.deep.equal([503, { redis: 'down' }]);
    const user = await request(app).get('/users/1');
    expect([user.status, user.headers['x-cache']]).to.deep.equal([200, 'miss']);
    expect(loads).to.deep.equal(['1']);
  });
});
