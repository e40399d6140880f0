import type { DynamicModule, FactoryProvider, ModuleMetadata, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { CacheManager, cacheManager } from '../../manager/cache-manager.js';
import type { CacheManagerOptions } from '../../manager/manager-options.js';
import type { CacheServiceOptions } from '../../service/cache-service.js';
import { TsRcHealthIndicator } from './health-indicator.js';
import { getCacheServiceToken, TS_RC_OPTIONS } from './tokens.js';

/** `TsRcModule.forRootAsync`: the manager options from a factory that may inject providers. */
export interface TsRcModuleAsyncOptions {
  /** Modules whose exported providers `useFactory` injects. @default [] */
  imports?: ModuleMetadata['imports'];
  /** The tokens whose providers `useFactory` receives, in order. @default [] */
  inject?: FactoryProvider['inject'];
  /** Returns (or resolves to) the options of `cacheManager.init()`. */
  useFactory: (...args: never[]) => CacheManagerOptions | Promise<CacheManagerOptions>;
}

/** One entry of `TsRcModule.forFeature`: a namespace and the options of its `CacheService`. */
export interface TsRcFeature<T = unknown> extends CacheServiceOptions<T> {
  namespace: string;
}

/**
 * ts-rc in a Nest app. `forRoot` / `forRootAsync` (once, in the root module; global) initialise
 * the default `cacheManager` — the one `@Cached`, `@CachePut` and `@CacheEvict` use unless given
 * a `manager` — provide it as `CacheManager`, provide `TsRcHealthIndicator`, and close the manager
 * on application shutdown. `forFeature` provides `CacheService`s for `@InjectCacheService`.
 * @example imports: [TsRcModule.forRoot({ redisUrl: process.env.REDIS_URL! })]
 */
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static forRoot/forFeature
export class TsRcModule {
  /** Initialise the default `cacheManager` with these options (validated: a bad one fails the bootstrap). */
  static forRoot(options: CacheManagerOptions): DynamicModule {
    return root({ provide: TS_RC_OPTIONS, useValue: options });
  }

  /** `forRoot` with options from a factory, e.g. one that injects your config service. */
  static forRootAsync(options: TsRcModuleAsyncOptions): DynamicModule {
    const { imports = [], inject = [], useFactory } = options;
    return root({ provide: TS_RC_OPTIONS, useFactory, inject }, imports);
  }

  /**
   * A `CacheService` per entry, bound to the module's manager, for `@InjectCacheService(namespace)`.
   * @example imports: [TsRcModule.forFeature([{ namespace: 'users', model: User, defaultTtl: 600 }])]
   */
  static forFeature(features: readonly TsRcFeature[]): DynamicModule {
    const providers = features.map(({ namespace, ...options }) => ({
      provide: getCacheServiceToken(namespace),
      useFactory: (manager: CacheManager) => manager.service(namespace, options),
      inject: [CacheManager],
    }));
    return { module: TsRcModule, providers, exports: providers.map(({ provide }) => provide) };
  }
}
// Applied as a call, not `@Module`: the library is compiled without experimentalDecorators.
Module({})(TsRcModule);

/** Closes the manager in the last shutdown phase, so other providers' `onModuleDestroy` may still use the cache. */
class ManagerLifecycle implements OnApplicationShutdown {
  readonly #manager: CacheManager;

  constructor(manager: CacheManager) {
    this.#manager = manager;
  }

  onApplicationShutdown(): Promise<void> {
    return this.#manager.close();
  }
}

function root(options: Provider, imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
  const withManager = { inject: [CacheManager] };
  return {
    module: TsRcModule,
    global: true,
    imports,
    providers: [
      options,
      {
        provide: CacheManager,
        useFactory: (resolved: CacheManagerOptions) => cacheManager.init(resolved),
        inject: [TS_RC_OPTIONS],
      },
      { provide: TsRcHealthIndicator, useFactory: (manager: CacheManager) => new TsRcHealthIndicator(manager), ...withManager },
      { provide: ManagerLifecycle, useFactory: (manager: CacheManager) => new ManagerLifecycle(manager), ...withManager },
    ],
    exports: [CacheManager, TsRcHealthIndicator],
  };
}
