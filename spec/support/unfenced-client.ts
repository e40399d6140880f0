import type { Cluster, Redis } from 'ioredis';
import { STORE_FENCED_MANY } from '../../src/store/lua-batch-scripts.js';
import { STORE_FENCED } from '../../src/store/lua-scripts.js';

/**
 * Negative controls only: `client`, except that ts-rc's fenced write stores unconditionally, as
 * if there were no eviction fences. Lives on the spec side so nothing in src can turn fences off.
 */
export function withoutFences<C extends Redis | Cluster>(client: C): C {
  const evalsha = (sha: string, numKeys: number, ...rest: (string | number)[]): Promise<unknown> => {
    if (sha === STORE_FENCED_MANY.sha) return storeAll(client, numKeys, rest);
    if (sha !== STORE_FENCED.sha) return client.evalsha(sha, numKeys, ...rest);
    const [key, , , raw, px] = rest as [string, string, string, string, number];
    return client.set(key, raw, 'PX', px).then(() => 1);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'evalsha') return evalsha;
      // On ioredis-mock, no keyspace view: ts-rc then runs the Lua scripts (through evalsha,
      // intercepted here) instead of their in-process twins.
      if (property === 'data') return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
}

/** STORE_FENCED_MANY without its check: every value stored (KEYS: namespace fence, then entry and fence; ARGV: 4 per entry). */
async function storeAll(client: Redis | Cluster, numKeys: number, rest: (string | number)[]): Promise<string> {
  const keys = rest.slice(0, numKeys);
  const args = rest.slice(numKeys);
  let stored = '';
  for (let i = 1, a = 0; i < keys.length; i += 2, a += 4) {
    await client.set(String(keys[i]), String(args[a]), 'PX', Number(args[a + 1]));
    stored += '1';
  }
  return stored;
}
