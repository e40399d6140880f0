// A Nest app written as Nest users write one, compiled as they compile it (CommonJS, TypeScript
// 5.x, experimentalDecorators + emitDecoratorMetadata: tsconfig.spec-nest.json), and driven over
// HTTP by ../nestjs.spec.ts. It imports src/ the way an app imports 'ts-rc' and 'ts-rc/nestjs'.
import 'reflect-metadata';
import {
  type CanActivate,
  Controller,
  Delete,
  type DynamicModule,
  type ExecutionContext,
  Get,
  HttpCode,
  type INestApplication,
  Injectable,
  Module,
  NotFoundException,
  Param,
  UseGuards,
} from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { CacheConfig, Cached, CacheEvict, CacheManager, type CacheManagerOptions, CacheService } from '../../../../src/index.js';
import { InjectCacheService, TsRcHealthIndicator, TsRcModule } from '../../../../src/integrations/nestjs/index.js';

export { CacheConfigError, CacheManager, CacheNotInitializedError, cacheManager } from '../../../../src/index.js';
export { TsRcHealthIndicator } from '../../../../src/integrations/nestjs/index.js';

/** Namespaces of this run only, so runs sharing one Redis never meet. */
const run = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
export const USERS = `nest-users-${run}`;
export const GREETINGS = `nest-greetings-${run}`;

export class User {
  id = '';
  name = '';
  greet(): string {
    return `Hello, ${this.name}`;
  }
}

@Injectable()
@CacheConfig({ namespace: USERS, ttl: 60 })
export class UserRepository {
  reads = 0;
  readonly #rows = new Map([
    ['1', 'Ada'],
    ['2', 'Grace'],
  ]);

  @Cached({ key: (id: string) => id, model: User })
  async findById(id: string): Promise<User | null> {
    this.reads++;
    const name = this.#rows.get(id);
    return name === undefined ? null : Object.assign(new User(), { id, name });
  }

  @CacheEvict({ key: (id: string) => id })
  async remove(id: string): Promise<void> {
    this.#rows.delete(id);
  }
}

@Injectable()
export class UsersService {
  constructor(
    readonly repository: UserRepository,
    @InjectCacheService(USERS) readonly cache: CacheService<User>,
  ) {}
}

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  async find(@Param('id') id: string): Promise<{ id: string; greeting: string }> {
    const user = await this.users.repository.findById(id);
    if (!user) throw new NotFoundException(`no user ${id}`);
    return { id: user.id, greeting: user.greet() };
  }

  /** What the cache holds for `id`, read through the injected CacheService (revived by its model). */
  @Get(':id/cached')
  async cached(@Param('id') id: string): Promise<{ cached: string | null }> {
    return { cached: (await this.users.cache.get(id))?.greet() ?? null };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.users.repository.remove(id);
  }
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  static checks = 0;
  canActivate(context: ExecutionContext): boolean {
    ApiKeyGuard.checks++;
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-api-key'] === 'secret';
  }
}

/** @Cached above Nest's @Get (its guard above it), and below @Get (its guard below it). */
@Controller('greetings')
export class GreetingsController {
  calls = 0;

  @UseGuards(ApiKeyGuard)
  @Cached({ namespace: GREETINGS, key: (id: string) => `above:${id}` })
  @Get('above/:id')
  async above(@Param('id') id: string): Promise<{ greeting: string }> {
    this.calls++;
    return { greeting: `hello ${id}` };
  }

  @Get('below/:id')
  @Cached({ namespace: GREETINGS, key: (id: string) => `below:${id}` })
  @UseGuards(ApiKeyGuard)
  async below(@Param('id') id: string): Promise<{ greeting: string }> {
    this.calls++;
    return { greeting: `hello ${id}` };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: TsRcHealthIndicator, // provided by TsRcModule.forRoot, not listed below
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.redis.isHealthy('redis')]);
  }
}

@Module({
  imports: [TsRcModule.forFeature([{ namespace: USERS, model: User }])],
  controllers: [UsersController, GreetingsController],
  providers: [UserRepository, UsersService, ApiKeyGuard],
})
export class UsersModule {}

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
export class HealthModule {}

/** Stands for an app's config module: forRootAsync's factory injects its provider. */
const CONFIG = 'APP_CONFIG';
@Module({})
export class ConfigModule {
  static with(options: CacheManagerOptions): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: options }], exports: [CONFIG] };
  }
}

/** Boot the app with TsRcModule.forRoot(options), or forRootAsync with the options from ConfigModule. */
export async function createApp(
  options: CacheManagerOptions,
  how: 'forRoot' | 'forRootAsync' = 'forRoot',
): Promise<INestApplication> {
  const tsRc =
    how === 'forRoot'
      ? TsRcModule.forRoot(options)
      : TsRcModule.forRootAsync({
          imports: [ConfigModule.with(options)],
          inject: [CONFIG],
          useFactory: async (config: CacheManagerOptions) => config,
        });
  const moduleRef = await Test.createTestingModule({ imports: [tsRc, UsersModule, HealthModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** The manager the app was given, by class, as a provider would inject it. */
export function managerOf(app: INestApplication): CacheManager {
  return app.get(CacheManager);
}
