/**
 * NestJS: TsRcModule initialises the default manager (the one @Cached uses) and closes it on
 * shutdown; a repository caches with @Cached/@CacheEvict, a controller serves it over HTTP, a
 * health endpoint reports Redis through @nestjs/terminus. Most Nest apps compile to CommonJS;
 * this one is ESM like the other examples, and the code reads the same either way.
 * Run: `npm run demo -- 06` (memory://), or `REDIS_URL=redis://127.0.0.1:6379 npm run demo -- 06`; after `npm install`.
 */
import 'reflect-metadata';
import { Controller, Delete, Get, HttpCode, Injectable, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { CacheConfig, Cached, CacheEvict, CacheManager } from 'ts-rc';
import { TsRcHealthIndicator, TsRcModule } from 'ts-rc/nestjs';

const redisUrl = process.env.REDIS_URL ?? 'memory://';

interface Product {
  id: string;
  title: string;
}

@Injectable()
@CacheConfig({ namespace: 'example-nest-products', ttl: 60 })
class ProductRepository {
  readonly #rows = new Map([['1', 'Keyboard']]);

  /** Stands in for a query of ~50 ms. */
  @Cached({ key: (id: string) => id })
  async findById(id: string): Promise<Product | null> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const title = this.#rows.get(id);
    return title === undefined ? null : { id, title };
  }

  @CacheEvict({ key: (id: string) => id })
  async touch(_id: string): Promise<void> {}
}

@Controller('products')
class ProductsController {
  constructor(private readonly products: ProductRepository) {}

  @Get(':id')
  async find(@Param('id') id: string): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new NotFoundException();
    return product;
  }

  @Delete(':id/cache')
  @HttpCode(204)
  async evict(@Param('id') id: string): Promise<void> {
    await this.products.touch(id);
  }
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: TsRcHealthIndicator, // exported by TsRcModule.forRoot
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.redis.isHealthy('redis')]);
  }
}

@Module({
  imports: [TsRcModule.forRoot({ redisUrl }), TerminusModule.forRoot({ logger: false })],
  controllers: [ProductsController, HealthController],
  providers: [ProductRepository],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const manager = app.get(CacheManager); // the default cacheManager, initialised by the module
  let outcome = '';
  manager.on('hit', () => (outcome = 'hit')).on('miss', () => (outcome = 'miss'));
  console.log(`06 NestJS on ${redisUrl.startsWith('memory://') ? 'memory://' : redisUrl}`);

  const call = async (method: 'GET' | 'DELETE', path: string): Promise<void> => {
    outcome = '';
    const start = performance.now();
    const response = await fetch(`${base}${path}`, { method });
    const ms = (performance.now() - start).toFixed(1).padStart(6);
    const body = response.status === 204 ? '' : await response.text();
    console.log(`  ${`${method} ${path}`.padEnd(26)} ${response.status} ${outcome.padEnd(4)} ${ms} ms  ${body}`);
  };
  await call('DELETE', '/products/1/cache'); // start cold, whatever an earlier run left in Redis
  await call('GET', '/products/1');
  await call('GET', '/products/1');
  await call('DELETE', '/products/1/cache');
  await call('GET', '/products/1');
  await call('GET', '/health');

  await app.get(ProductRepository).touch('1'); // leave nothing behind in Redis
  await app.close(); // onApplicationShutdown closes the manager
  console.log(`  after app.close(): manager initialised = ${manager.options !== undefined}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
