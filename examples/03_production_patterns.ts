/**
 * Production patterns with decorators: a repository over a slow database, zod-checked reads,
 * write-through with @CachePut, evictions after writes (also across namespaces), jittered TTLs.
 * Namespaces are named `example-…`, so that run on a real Redis it never touches an app's entries.
 * Run: `npm run demo -- 03` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 03`; after `npm install`.
 */
import { CacheConfig, Cached, CacheEvict, CachePut, cacheManager, getCacheOperations } from 'ts-rc';
import { z } from 'zod';

const userSchema = z.object({ id: z.string(), name: z.string(), email: z.email() });
type User = z.infer<typeof userSchema>;
interface Product {
  id: string;
  title: string;
  price: number;
}

/** A fake database: every query takes ~80 ms, so cache hits are easy to see. */
class SlowDatabase {
  readonly users = new Map<string, User>([['1', { id: '1', name: 'Ada', email: 'ada@example.com' }]]);
  readonly products = new Map<string, Product>([
    ['p1', { id: 'p1', title: 'Keyboard', price: 49 }],
    ['p2', { id: 'p2', title: 'Mouse', price: 19 }],
  ]);
  queries = 0;
  async query<T>(run: () => T): Promise<T> {
    this.queries++;
    await new Promise((resolve) => setTimeout(resolve, 80));
    return run();
  }
}
const db = new SlowDatabase();

// TTLs are jittered ±10% by default, so entries written together don't expire together.
@CacheConfig({ namespace: 'example-users', ttl: 600 })
class UserRepository {
  @Cached({ key: (id: string) => id, model: userSchema })
  async findById(id: string): Promise<User | null> {
    return db.query(() => db.users.get(id) ?? null);
  }

  @CachePut({ keyFromResult: (user: User) => user.id, model: userSchema })
  async save(user: User): Promise<User> {
    return db.query(() => (db.users.set(user.id, user), user));
  }

  @CacheEvict({ key: (id: string) => id })
  async remove(id: string): Promise<boolean> {
    return db.query(() => db.users.delete(id));
  }
}

@CacheConfig({ namespace: 'example-products', ttl: 300 })
class ProductRepository {
  @Cached({ key: (id: string) => id })
  async findById(id: string): Promise<Product | null> {
    return db.query(() => db.products.get(id) ?? null);
  }

  // Lists live in their own namespace, with a shorter TTL.
  @Cached({ namespace: 'example-product-lists', key: (maxPrice: number) => `under:${maxPrice}`, ttl: 60 })
  async listUnder(maxPrice: number): Promise<Product[]> {
    return db.query(() => [...db.products.values()].filter((p) => p.price <= maxPrice));
  }

  // An update evicts the product and every list that might contain it, after the write succeeds.
  @CacheEvict({ key: (product: Product) => product.id })
  @CacheEvict({ namespace: 'example-product-lists', allEntries: true })
  async update(product: Product): Promise<Product> {
    return db.query(() => (db.products.set(product.id, product), product));
  }
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const before = db.queries;
  const start = performance.now();
  const result = await run();
  const source = db.queries > before ? 'database' : 'cache   ';
  console.log(`${label.padEnd(36)} ${source} ${(performance.now() - start).toFixed(1).padStart(6)} ms`);
  return result;
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'memory://';
  console.log(`03 production patterns (decorators) on ${redisUrl}`);
  cacheManager.init({ redisUrl });
  cacheManager.on('error', (event) => console.warn('cache error:', event.error?.message));
  const users = new UserRepository();
  const products = new ProductRepository();
  console.log('operations:', getCacheOperations(ProductRepository));

  await timed('users.findById(1)            miss', () => users.findById('1'));
  await timed('users.findById(1)            hit', () => users.findById('1'));
  await timed('users.save(2)         write-through', () => users.save({ id: '2', name: 'Grace', email: 'grace@example.com' }));
  await timed('users.findById(2)            hit', () => users.findById('2'));
  await timed('users.remove(1)              evict', () => users.remove('1'));
  console.log('users.findById(1) after remove:', await users.findById('1'));

  await timed('products.listUnder(50)       miss', () => products.listUnder(50));
  await timed('products.listUnder(50)       hit', () => products.listUnder(50));
  await timed('products.update(p2)          evict', () => products.update({ id: 'p2', title: 'Mouse', price: 99 }));
  const list = await timed('products.listUnder(50)  miss again', () => products.listUnder(50));
  console.log(
    'list after update:',
    list.map((p) => p.title),
  );
  console.log('users TTL (jittered around 600 s):', await cacheManager.service('example-users').getTtl('2'));
  await cacheManager.close();
}

await main();
