import type { CacheManager } from '../../manager/cache-manager.js';

/** A health indicator's answer in `@nestjs/terminus`' shape: `{ [key]: { status, … } }`. */
export type TsRcHealthResult<Key extends string = string> = Record<Key, { status: 'up' | 'down'; message?: string }>;

/**
 * Redis health for `@nestjs/terminus` (≥ 11): a PING within the manager's `commandTimeout`. A
 * `down` answer makes `HealthCheckService.check` fail (503) with that key under `error`.
 * Provided by `TsRcModule.forRoot`: inject it, no need to list it in `providers`.
 * @example this.health.check([() => this.redis.isHealthy('redis')])
 */
export class TsRcHealthIndicator {
  readonly #manager: CacheManager;

  constructor(manager: CacheManager) {
    this.#manager = manager;
  }

  /** Never throws: `{ [key]: { status: 'up' } }`, or `'down'` with a message. */
  async isHealthy<const Key extends string = 'redis'>(key: Key = 'redis' as Key): Promise<TsRcHealthResult<Key>> {
    const up = await this.#manager.ping();
    const status = up ? { status: 'up' as const } : { status: 'down' as const, message: 'Redis did not answer PING' };
    return { [key]: status } as TsRcHealthResult<Key>;
  }
}
