/**
 * A small HTTP API over several repositories, mixing decorators with direct CacheService calls,
 * with a /health endpoint. Starts on an ephemeral port, drives itself with a scripted client,
 * prints per request what the route's cache lookups did (hit, miss, or - for none) and its
 * latency, then closes.
 * Run: `npm run demo -- 04` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 04`; after `npm install`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CacheConfig, Cached, CacheEvict, type CacheStats, cacheManager } from 'ts-rc';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const articles = new Map([
  ['1', { id: '1', title: 'Caching 101', views: 0 }],
  ['2', { id: '2', title: 'Eviction races', views: 0 }],
]);
type Article = { id: string; title: string; views: number };

@CacheConfig({ namespace: 'example-articles', ttl: 120 })
class ArticleRepository {
  @Cached({ key: (id: string) => id })
  async find(id: string): Promise<Article | null> {
    await sleep(60); // the "database"
    return articles.get(id) ?? null;
  }

  @Cached({ namespace: 'example-article-lists', key: () => 'all', ttl: 30 })
  async list(): Promise<Article[]> {
    await sleep(120);
    return [...articles.values()];
  }

  @CacheEvict({ key: (id: string) => id })
  @CacheEvict({ namespace: 'example-article-lists', allEntries: true })
  async rename(id: string, title: string): Promise<Article | null> {
    await sleep(40);
    const article = articles.get(id);
    if (article) article.title = title;
    return article ?? null;
  }
}

class StatsRepository {
  // Direct CacheService use: a snapshot of the request counter, cached for 5 s (so it may lag).
  readonly #cache = cacheManager.service<{ requests: number }>('example-api-stats', { defaultTtl: 5 });
  #requests = 0;
  record(): void {
    this.#requests++;
  }
  snapshot(): Promise<{ requests: number }> {
    return this.#cache.getOrSet('snapshot', () => ({ requests: this.#requests }));
  }
}

const repo = new ArticleRepository();
const stats = new StatsRepository();

async function route(req: IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://local');
  const [, resource, id] = url.pathname.split('/');
  if (resource === 'health') {
    const ping = await cacheManager.ping();
    return [ping ? 200 : 503, { redis: ping, available: cacheManager.isAvailable, stats: cacheManager.stats() }];
  }
  if (resource === 'stats') return [200, await stats.snapshot()];
  if (resource === 'articles' && id && req.method === 'PUT')
    return [200, await repo.rename(id, url.searchParams.get('title') ?? '')];
  if (resource === 'articles' && id) {
    const article = await repo.find(id);
    return article ? [200, article] : [404, { error: 'not found' }];
  }
  if (resource === 'articles') return [200, await repo.list()];
  return [404, { error: 'no such route' }];
}

/** What the route's own lookups did: 'miss' if one missed, 'hit' if they all hit, '-' if it looked nothing up. */
function cacheLabel(before: CacheStats, after: CacheStats): string {
  if (after.misses > before.misses) return 'miss';
  return after.hits > before.hits ? 'hit' : '-';
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  stats.record();
  const before = cacheManager.stats();
  const [status, body] = await route(req);
  res.writeHead(status, { 'content-type': 'application/json', 'x-cache': cacheLabel(before, cacheManager.stats()) });
  res.end(JSON.stringify(body));
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'memory://';
  console.log(`04 HTTP API over decorated repositories on ${redisUrl}`);
  cacheManager.init({ redisUrl });
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const script: [string, string][] = [
    ['GET', '/articles/1'],
    ['GET', '/articles/1'],
    ['GET', '/articles'],
    ['GET', '/articles'],
    ['PUT', '/articles/1?title=Caching%20102'],
    ['GET', '/articles/1'],
    ['GET', '/articles'],
    ['GET', '/articles/9'],
    ['GET', '/stats'],
    ['GET', '/stats'],
    ['GET', '/health'],
  ];
  for (const [method, path] of script) {
    const start = performance.now();
    const response = await fetch(base + path, { method });
    const text = await response.text();
    const ms = (performance.now() - start).toFixed(1).padStart(6);
    console.log(
      `${method.padEnd(4)} ${path.padEnd(34)} ${response.status} ${response.headers.get('x-cache')?.padEnd(4)} ${ms} ms  ${text.slice(0, 70)}`,
    );
  }
  await new Promise((resolve) => server.close(resolve));
  await cacheManager.close();
}

await main();
