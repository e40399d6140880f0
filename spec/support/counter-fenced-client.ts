import type { Redis } from 'ioredis';
import { EVICT_ENTRY, FENCE_NAMESPACE, READ_ENTRY_OR_FENCES, READ_FENCES, STORE_FENCED } from '../../src/store/lua-scripts.js';

/*
 * The classic versioned write: a fence is a counter that an eviction increments, a missing one
 * reads as 0, and a write is stored if the counters still hold what the load read. It holds while
 * Redis keeps every fence; once one is lost (restart, maxmemory, expiry) it is back at 0, and a
 * load that read 0 before the eviction stores what it read. Same KEYS and ARGV as ts-rc's scripts.
 */
const COUNTER_SCRIPTS: Record<string, string> = {
  [READ_FENCES.sha]: `return { redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0' }`,
  [READ_ENTRY_OR_FENCES.sha]: `
local entry = redis.call('GET', KEYS[1])
if entry then
  return entry
end
return { redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[3]) or '0' }`,
  [STORE_FENCED.sha]: `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] or (redis.call('GET', KEYS[3]) or '0') ~= ARGV[4] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  [EVICT_ENTRY.sha]: `
local removed = redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return removed`,
  [FENCE_NAMESPACE.sha]: `
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'OK'`,
};

/**
 * Negative controls only: `client`, except that ts-rc's eviction fences are counters instead of
 * random tokens, so losing a fence lets a stale write through. Lives on the spec side, like
 * `withoutFences`, so nothing in src can change how it fences.
 */
export function withCounterFences(client: Redis): Redis {
  const evalsha = (sha: string, numKeys: number, ...rest: (string | number)[]): Promise<unknown> => {
    const counterScript = COUNTER_SCRIPTS[sha];
    if (counterScript === undefined) return client.evalsha(sha, numKeys, ...rest);
    return client.eval(counterScript, numKeys, ...rest);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'evalsha') return evalsha;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
}
