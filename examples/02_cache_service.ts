/**
 * Level 2: `CacheService<T>`: namespaced, versioned keys, cache-aside with `getOrSet`, TTL with
 * jitter, params, pattern invalidation, and typed values (a zod schema or a class).
 * Run: `npm run demo -- 02` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 02`; after `npm install`.
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { type CacheEvent, cacheManager } from 'ts-rc';
import { z } from 'zod';

const redisUrl = process.env.REDIS_URL ?? 'memory://';
const prefix = 'ts-rc-example'; // keeps the example's keys apart from anything else in that Redis
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A zod model: checked when written and when read back; a cached entry that fails is a miss. */
const productSchema = z.object({ id: z.number().int(), name: z.string().min(1), price: z.number().nonnegative() });
type Product = z.infer<typeof productSchema>;

/** A class model: revived with class-transformer, so methods work and dates are Dates again. */
class User {
  id = '';
  name = '';
  @Type(() => Date) createdAt = new Date(0);

  greet(): string {
    return `Hello, ${this.name} (member since ${this.createdAt.getFullYear()})`;
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  console.log(`  ${label.padEnd(44)} ${(performance.now() - start).toFixed(2).padStart(8)} ms`);
  return result;
}

let dbCalls = 0;
async function queryDb<T>(value: T, ms = 50): Promise<T> {
  dbCalls++;
  await sleep(ms);
  return value;
}

/** The failure this example provokes on purpose, while it does; any other is printed as unexpected. */
let provoking: string | undefined;

async function main(): Promise<void> {
  // The 'error' listener below prints failures, so the default logger (console) is turned off here.
  cacheManager.init({ redisUrl, logger: false });
  const events = { hit: 0, miss: 0, set: 0, evict: 0, error: 0 };
  for (const name of Object.keys(events) as (keyof typeof events)[]) {
    cacheManager.on(name, (event: CacheEvent) => {
      events[name]++;
      if (!event.error) return;
      const line = `${event.error.code}: ${event.error.message.split('\n')[0]?.slice(0, 60)}…`;
      console.log(provoking ? `  expected 'error' event (${provoking}): ${line}` : `  UNEXPECTED 'error' event: ${line}`);
    });
  }
  console.log(`02 CacheService on ${redisUrl.startsWith('memory://') ? 'memory://' : redisUrl}`);

  // Zod model, cache-aside with getOrSet.
  const products = cacheManager.service<Product>('products', { model: productSchema, defaultTtl: 300, prefix });
  const load = (id: number) => () => queryDb({ id, name: `Product ${id}`, price: 9.5 * id });
  await timed('products.getOrSet(1)  (miss: database)', () => products.getOrSet(1, load(1)));
  const hit = await timed('products.getOrSet(1)  (hit)', () => products.getOrSet(1, load(1)));
  console.log(`  → ${JSON.stringify(hit)} under ${products.key(1)}, TTL ${await products.getTtl(1)} s (300 ± 10%)`);

  // 50 concurrent misses on one key: one database call (single-flight).
  const before = dbCalls;
  await timed('50 × products.getOrSet(2) at once', () =>
    Promise.all(Array.from({ length: 50 }, () => products.getOrSet(2, load(2)))),
  );
  console.log(`  → database calls: ${dbCalls - before}`);

  // A value that fails the schema is not stored, and the caller still gets false, not an exception.
  provoking = 'the value fails the schema';
  const stored = await products.set(3, { id: 3, name: '', price: -1 });
  provoking = undefined;
  console.log(`  products.set(3, invalid) stored: ${stored}`);

  // Class model with @Type(() => Date).
  const users = cacheManager.service<User>('users', { model: User, defaultTtl: 600, prefix });
  const ada = Object.assign(new User(), { id: 'ada', name: 'Ada', createdAt: new Date('2015-12-10T00:00:00Z') });
  await users.set(ada.id, ada, { ttl: 60 });
  const back = await timed("users.get('ada')  (hit, revived)", () => users.get('ada'));
  console.log(`  → instanceof User: ${back instanceof User}, createdAt is a Date: ${back?.createdAt instanceof Date}`);
  console.log(`  → ${back?.greet()}`);

  // A cached null is a value, not a miss.
  const maybe = cacheManager.service<User | null>('user-lookups', { prefix });
  await maybe.set('nobody', null);
  const lookups = dbCalls;
  console.log(`  cached null: ${await maybe.getOrSet('nobody', () => queryDb(null))}, database calls: ${dbCalls - lookups}`);

  // Params select a variant of an entry; their order does not matter.
  const search = cacheManager.service<string[]>('search', { defaultTtl: 120, prefix });
  const params = { q: 'lamp', page: 1, filters: { color: 'red', size: 'L' } };
  await timed('search.getOrSet(list, params)  (miss)', () =>
    search.getOrSet('list', () => queryDb(['lamp-1', 'lamp-2']), { params }),
  );
  const reordered = { filters: { size: 'L', color: 'red' }, page: 1, q: 'lamp' };
  await timed('search.get(list, reordered params)  (hit)', () => search.get('list', reordered));
  console.log(`  → page 2 is another entry: ${JSON.stringify(await search.get('list', { ...params, page: 2 }))}`);
  console.log(`  → key ${search.key('list', params)}`);

  // Pattern invalidation: SCAN + UNLINK, never KEYS; the pattern applies to the identifier.
  for (let i = 0; i < 20; i++) await products.set(`draft:${i}`, { id: i, name: `Draft ${i}`, price: 0 });
  const removed = await timed("products.invalidatePattern('draft:*')", () => products.invalidatePattern('draft:*'));
  console.log(`  → removed ${removed} drafts; product 1 still cached: ${await products.exists(1)}`);

  console.log(`  delete(1): ${await products.delete(1)}, then get(1): ${JSON.stringify(await products.get(1))}`);

  const stats = cacheManager.stats();
  console.log(`  events: ${JSON.stringify(events)}`);
  console.log(
    `  stats: hits ${stats.hits}, misses ${stats.misses}, joined ${stats.joined} (the 49 callers that waited for one load), ` +
      `sets ${stats.sets}, hit ratio ${stats.hitRatio.toFixed(2)}`,
  );

  for (const service of [products, users, maybe, search]) await service.invalidatePattern();
  await cacheManager.close();
}

await main();
