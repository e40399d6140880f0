import { createHash } from 'node:crypto';
import type { RedisClient } from '../client/command-runner.js';

/** A Lua script sent by SHA, falling back to its source the first time a server lacks it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Test-only switch, not exported by the package: when `disabled`, fenced writes store
 * unconditionally. It exists so the eviction-race spec can show it fails without fences.
 */
export const unsafeFences = { disabled: false };

export async function runScript(
  client: RedisClient,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  if (script === STORE_FENCED && unsafeFences.disabled) script = STORE_UNFENCED;
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * Namespace eviction: bump the namespace's fence, which lives as long as an entry fence.
 * KEYS: namespace fence. ARGV: fence lifetime (ms).
 */
export const BUMP_FENCE = lua(`
redis.call('INCR', KEYS[1])
return redis.call('PEXPIRE', KEYS[1], ARGV[1])`);

/**
 * Eviction: bump the entry's fence (so loads that started earlier can't store) and remove it.
 * KEYS: entry, entry fence. ARGV: fence lifetime (ms). Returns the number of entries removed.
 */
export const EVICT = lua(`
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`);

/**
 * Fenced write: store only if neither the entry's fence nor its namespace's fence moved since
 * the load began. KEYS: entry, entry fence, namespace fence. ARGV: value, ttl (ms), the two
 * fence values seen before the load ('' when absent). Returns 1 when stored.
 */
export const STORE_FENCED = lua(`
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] or (redis.call('GET', KEYS[3]) or '') ~= ARGV[4] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);

/** Release a lock only if this caller still owns it. KEYS: lock. ARGV: owner token. */
export const RELEASE_LOCK = lua(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** Only for `unsafeFences.disabled`: the fenced write's signature, without the fence check. */
const STORE_UNFENCED = lua(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);
