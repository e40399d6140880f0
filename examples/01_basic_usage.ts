/**
 * Level 1: the ioredis client itself. Cache-aside written by hand with `cacheManager.client`,
 * using ts-rc only for the connection and the key helpers.
 * Run: `npm run demo -- 01` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 01`; after `npm install`.
 */
import { buildCacheKey, cacheManager, getTtlWithJitter } from 'ts-rc';

interface Product {
  id: number;
  name: string;
  price: number;
}

const redisUrl = process.env.REDIS_URL ?? 'memory://';
const PREFIX = 'ts-rc-example'; // keeps the example's keys apart from anything else in that Redis
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stands in for a database query that takes ~50 ms. */
async function loadProductFromDb(id: number): Promise<Product> {
  await sleep(50);
  return { id, name: `Product ${id}`, price: 10 * id };
}

const counts = { hits: 0, misses: 0 };

/** Cache-aside by hand: GET, on a miss load and SET with a jittered TTL (seconds, as Redis EX). */
async function getProduct(id: number): Promise<Product> {
  const redis = cacheManager.client;
  const key = buildCacheKey('products', id, { prefix: PREFIX });
  const cached = await redis.get(key);
  if (cached !== null) {
    counts.hits++;
    return JSON.parse(cached) as Product;
  }
  counts.misses++;
  const product = await loadProductFromDb(id);
  await redis.set(key, JSON.stringify(product), 'EX', getTtlWithJitter(60));
  return product;
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  console.log(`  ${label.padEnd(34)} ${(performance.now() - start).toFixed(2).padStart(8)} ms`);
  return result;
}

async function main(): Promise<void> {
  cacheManager.init({ redisUrl });
  console.log(`01 basic usage on ${redisUrl.startsWith('memory://') ? 'memory://' : redisUrl}`);
  console.log(`  ping: ${await cacheManager.ping()}, available: ${cacheManager.isAvailable}`);

  await timed('getProduct(1)  (miss: database)', () => getProduct(1));
  await timed('getProduct(1)  (hit: cache)', () => getProduct(1));
  await timed('getProduct(2)  (miss: database)', () => getProduct(2));
  for (let i = 0; i < 5; i++) await getProduct(2);

  const key = buildCacheKey('products', 1, { prefix: PREFIX });
  console.log(`  key ${key}: TTL ${await cacheManager.client.ttl(key)} s`);

  // A MULTI transaction (pipeline() is transactional by default): update the row and its cache together.
  const results = await cacheManager
    .pipeline()
    .set(key, JSON.stringify({ id: 1, name: 'Product 1', price: 12 }), 'EX', 60)
    .incr(buildCacheKey('counters', 'price-updates', { prefix: PREFIX }))
    .exec();
  console.log(`  MULTI results: ${JSON.stringify(results)}`);
  console.log(`  after update: ${JSON.stringify(await getProduct(1))}`);

  console.log(`  hits: ${counts.hits}, misses: ${counts.misses}`);
  await cacheManager.client.del(
    key,
    buildCacheKey('products', 2, { prefix: PREFIX }),
    buildCacheKey('counters', 'price-updates', { prefix: PREFIX }),
  );
  await cacheManager.close();
}

await main();
