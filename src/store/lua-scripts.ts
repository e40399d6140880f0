import { createHash } from 'node:crypto';
import { isEmbedded, type RedisClient } from '../client/redis-client.js';
import type { ReplicaAcks } from '../client/replica-acks.js';
import {
  type EmbeddedTwin,
  evictEntryTwin,
  fenceNamespaceTwin,
  readEntryOrFencesTwin,
  readFencesTwin,
  releaseLockTwin,
  runTwin,
  storeAndFenceTwin,
  storeFencedTwin,
} from './embedded-scripts.js';

/**
 * A Lua script sent by SHA, falling back to its source the first time a server lacks it. The
 * source is the one definition for Redis; on the embedded backend its JavaScript twin runs
 * instead (see embedded-scripts.ts), step for step the same.
 */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly twin: EmbeddedTwin;
}

export function lua(source: string, twin: EmbeddedTwin): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex'), twin };
}

/** Run `script` on `client`: its twin on the embedded backend, else EVALSHA (EVAL the first time). */
export function runScript(client: RedisClient, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  if (!isEmbedded(client)) return runLua(client, script, keys, args);
  return (
    runTwin(client, script.twin, keys, args) ??
    // A mock without a keyspace view runs the Lua; reading the keys first drops expired ones, whose
    // old expiry the mock would apply to a new SET PX of them (see EmbeddedRun.setPx).
    client.exists(...keys).then(() => runLua(client, script, keys, args))
  );
}

/**
 * `runScript` for a write that evicts: with `acks` (`replicaAcks` on), sent as EVAL in one pipeline
 * with its WAIT (a pipeline can't fall back from EVALSHA to EVAL without a second WAIT).
 */
export function runEvicting(
  client: RedisClient,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
  acks: ReplicaAcks | undefined,
): Promise<unknown> {
  if (acks === undefined) return runScript(client, script, keys, args);
  return acks.pipelined(client, keys[0]!, (pipeline) => pipeline.eval(script.source, keys.length, ...keys, ...args));
}

async function runLua(client: RedisClient, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}

/*
 * Eviction fences are random tokens, never counters: a write is stored only if every fence it
 * read still holds the same token, so a fence that was lost (FLUSHALL, restart, maxmemory
 * eviction, expiry) refuses the write instead of accepting it.
 *
 * Under `maxmemory` with `noeviction`, Redis refuses a script's first write when it is a command
 * that may grow memory (SET), but lets every later one through. So the scripts that evict start
 * with a DEL, which is always allowed: an eviction works on a full Redis.
 */

/** Lua: a fence's token, creating a missing fence with `fresh` (a present one's lifetime, ARGV[2], is refreshed). */
export const FENCE_TOKEN = `
local function token(key, fresh)
  local current = redis.call('GET', key)
  if current then
    redis.call('PEXPIRE', key, ARGV[2])
    return current
  end
  redis.call('SET', key, fresh, 'PX', ARGV[2])
  return fresh
end`;

/**
 * The tokens of the entry's and the namespace's fences, creating a missing one (a present one's
 * lifetime is refreshed). KEYS: entry fence, namespace fence. ARGV: a fresh token, lifetime (ms).
 * (A table literal: ioredis-mock converts only those to a reply.)
 */
export const READ_FENCES = lua(
  `${FENCE_TOKEN}
return { token(KEYS[1], ARGV[1] .. ':e'), token(KEYS[2], ARGV[1] .. ':n') }`,
  readFencesTwin,
);

/**
 * A load's first read in one round trip: the entry if it is there (a read, nothing written),
 * else the tokens READ_FENCES returns. KEYS: entry, entry fence, namespace fence. ARGV: as READ_FENCES.
 */
export const READ_ENTRY_OR_FENCES = lua(
  `${FENCE_TOKEN}
local entry = redis.call('GET', KEYS[1])
if entry then
  return entry
end
return { token(KEYS[2], ARGV[1] .. ':e'), token(KEYS[3], ARGV[1] .. ':n') }`,
  readEntryOrFencesTwin,
);

/**
 * Fenced write: store only if the entry's and the namespace's fences hold the tokens the load
 * read. KEYS: entry, entry fence, namespace fence. ARGV: value, ttl (ms), the two tokens.
 * Returns 1 when stored.
 */
export const STORE_FENCED = lua(
  `
if redis.call('GET', KEYS[2]) ~= ARGV[3] or redis.call('GET', KEYS[3]) ~= ARGV[4] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  storeFencedTwin,
);

/**
 * Explicit write (`set`, `@CachePut`): store the value and give the entry's fence a new token, so
 * a load that began before this write can't overwrite it with what it read earlier.
 * KEYS: entry, entry fence. ARGV: value, ttl (ms), new token, fence lifetime (ms).
 */
export const STORE_AND_FENCE = lua(
  `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1`,
  storeAndFenceTwin,
);

/**
 * Evict one entry: remove it, then give its fence a new token. KEYS: entry, entry fence.
 * ARGV: new token, fence lifetime (ms). Returns the number of entries removed.
 */
export const EVICT_ENTRY = lua(
  `
local removed = redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return removed`,
  evictEntryTwin,
);

/**
 * Fence a whole namespace: a new token for its fence. KEYS: namespace fence. ARGV: new token,
 * fence lifetime (ms).
 */
export const FENCE_NAMESPACE = lua(
  `
redis.call('DEL', KEYS[1])
return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`,
  fenceNamespaceTwin,
);

/** Release a lock only if this caller still owns it. KEYS: lock. ARGV: owner token. */
export const RELEASE_LOCK = lua(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  releaseLockTwin,
);
