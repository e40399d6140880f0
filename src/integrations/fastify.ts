import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { configError } from '../core/config-error.js';
import { CacheManager } from '../manager/cache-manager.js';
import type { CacheManagerOptions } from '../manager/manager-options.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The manager `tsRcPlugin` registered: `app.cacheManager.service<User>('users')`. */
    cacheManager: CacheManager;
  }
}

/**
 * Options of `app.register(tsRcPlugin, …)`: the options of `cacheManager.init()` (the plugin
 * creates the manager and closes it with the app), or `{ manager }`, one you created, initialised
 * and close yourself (the default `cacheManager`, so that decorators use it too).
 */
export type TsRcPluginOptions = CacheManagerOptions | { manager: CacheManager };

/** What Fastify's `register()` itself takes; they are not manager options. */
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

const passedIn = z.strictObject({ manager: z.instanceof(CacheManager, { error: 'expected a CacheManager' }) });

function managerFrom(options: TsRcPluginOptions | undefined): { manager: CacheManager; owned: boolean } {
  const own = Object.fromEntries(Object.entries(options ?? {}).filter(([name]) => !REGISTER_OPTIONS.includes(name)));
  if (!('manager' in own)) return { manager: new CacheManager().init(own as unknown as CacheManagerOptions), owned: true };
  const parsed = passedIn.safeParse(own);
  if (!parsed.success) throw configError('ts-rc/fastify options (with `manager`, nothing else)', parsed.error);
  return { manager: parsed.data.manager, owned: false };
}

async function register(app: FastifyInstance, options: TsRcPluginOptions): Promise<void> {
  const { manager, owned } = managerFrom(options);
  try {
    app.decorate('cacheManager', manager);
  } catch (error) {
    if (owned) await manager.close(); // registered twice: Fastify's own error, and no manager left behind
    throw error;
  }
  if (owned) app.addHook('onClose', () => manager.close());
}

/**
 * Decorates the Fastify instance with `app.cacheManager`, visible to every plugin and route (not
 * encapsulated), and closes the manager it created on `onClose`. A manager passed as
 * `{ manager }` is used as is and never closed. Fastify ≥ 5; `fastify` is an optional peer
 * dependency of `ts-rc`, used for its types only.
 *
 * The metadata `fastify-plugin` would add is set here directly (Fastify reads these symbols
 * itself: `skip-override` shares the decorator with the parent scope, `plugin-meta` gives the
 * name other plugins can list in `dependencies` and the Fastify range Fastify checks), so
 * ts-rc needs no run-time dependency on either package.
 * @example app.register(tsRcPlugin, { redisUrl: 'redis://localhost:6379', logger: app.log })
 */
export const tsRcPlugin: FastifyPluginAsync<TsRcPluginOptions> = Object.assign(register, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'ts-rc',
  [Symbol.for('plugin-meta')]: { name: 'ts-rc', fastify: '5.x' },
});
