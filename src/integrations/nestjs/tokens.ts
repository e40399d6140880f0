import { Inject } from '@nestjs/common';

/** The token of the options `forRootAsync`'s factory resolves to. */
export const TS_RC_OPTIONS = 'ts-rc:options';

/**
 * The injection token of the `CacheService` that `TsRcModule.forFeature` registers for `namespace`,
 * for `moduleRef.get(…)` or a test's `overrideProvider(…)`.
 * @example moduleRef.get<CacheService<User>>(getCacheServiceToken('users'))
 */
export function getCacheServiceToken(namespace: string): string {
  return `ts-rc:CacheService:${namespace}`;
}

/**
 * Injects the `CacheService` of a namespace listed in `TsRcModule.forFeature`.
 * @example constructor(@InjectCacheService('users') private readonly users: CacheService<User>) {}
 */
export function InjectCacheService(namespace: string): PropertyDecorator & ParameterDecorator {
  return Inject(getCacheServiceToken(namespace));
}
