import type { Redis } from 'ioredis';
import { STORE_FENCED } from '../../src/store/lua-scripts.js';

/**
 * Negative controls only: `client`, except that ts-rc's fenced write stores unconditionally, as
 * if there were no eviction fences. Lives on the spec side so nothing in src can turn fences off.
 */
export function withoutFences(client: Redis): Redis {
  const evalsha = (sha: string, numKeys: number, ...rest: (string | number)[]): Promise<unknown> => {
    if (sha !== STORE_FENCED.sha) return client.evalsha(sha, numKeys, ...rest);
    const [key, , , raw, px] = rest as [string, string, string, string, number];
    return client.set(key, raw, 'PX', px).then(() => 1);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'evalsha') return evalsha;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
}
