import type { CacheManager } from '../../src/manager/cache-manager.js';
import type { LuaScript } from '../../src/store/lua-scripts.js';

type Method = (...args: unknown[]) => unknown;

/** What a manager's client was asked, from `countCommands` on: calls per method, and EVALSHA calls per script. */
export interface CommandCount {
  readonly calls: Record<string, number>;
  scripts(script: LuaScript): number;
}

/**
 * Count the calls ts-rc makes of `methods` (and of `evalsha`, by script) on the manager's client:
 * every command ts-rc sends is one such call (on a Cluster, the cluster client's call, routed to
 * one node), so this is the number of round trips. The manager's own client is patched in place.
 */
export function countCommands(manager: CacheManager, ...methods: string[]): CommandCount {
  const client = manager.client as unknown as Record<string, Method>;
  const calls: Record<string, number> = {};
  const shas: string[] = [];
  for (const name of [...methods, 'evalsha']) {
    const original = client[name]!;
    calls[name] = 0;
    client[name] = function (this: unknown, ...args: unknown[]) {
      calls[name]!++;
      if (name === 'evalsha') shas.push(String(args[0]));
      return original.apply(this, args);
    };
  }
  return { calls, scripts: (script) => shas.filter((sha) => sha === script.sha).length };
}

/** The number of distinct Cluster hash tags among `keys`: the fewest commands that can cover them. */
export function slotGroups(keys: readonly string[]): number {
  return new Set(keys.map((key) => /\{([^}]+)\}/.exec(key)?.[1] ?? key)).size;
}
