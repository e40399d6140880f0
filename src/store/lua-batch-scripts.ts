import { evictManyTwin, readFencesManyTwin, storeAndFenceManyTwin, storeFencedManyTwin } from './embedded-batch-scripts.js';
import { FENCE_TOKEN, lua } from './lua-scripts.js';

/*
 * Batches: the scripts of lua-scripts.ts over several entries of one slot (every key of one call shares a
 * hash tag on a Cluster). ioredis-mock turns only table literals into a reply, so a reply with one
 * part per entry is a string: tokens joined by spaces, or one digit per entry.
 */

/**
 * READ_FENCES for several entries. KEYS: the namespace fence, then each entry's fence.
 * ARGV: a fresh token, lifetime (ms). Returns the namespace's token, then each entry's, joined by spaces.
 */
export const READ_FENCES_MANY = lua(
  `${FENCE_TOKEN}
local tokens = { token(KEYS[1], ARGV[1] .. ':n') }
for i = 2, #KEYS do
  tokens[i] = token(KEYS[i], ARGV[1] .. ':e')
end
return table.concat(tokens, ' ')`,
  readFencesManyTwin,
);

/**
 * STORE_FENCED for several entries. KEYS: the namespace fence, then entry and entry fence for each.
 * ARGV: value, ttl (ms), entry token and namespace token for each (the tokens its load read).
 * Returns '1' (stored) or '0' per entry.
 */
export const STORE_FENCED_MANY = lua(
  `
local namespace = redis.call('GET', KEYS[1])
local stored = {}
local a = 1
for i = 2, #KEYS, 2 do
  if namespace == ARGV[a + 3] and redis.call('GET', KEYS[i + 1]) == ARGV[a + 2] then
    redis.call('SET', KEYS[i], ARGV[a], 'PX', ARGV[a + 1])
    stored[#stored + 1] = '1'
  else
    stored[#stored + 1] = '0'
  end
  a = a + 4
end
return table.concat(stored)`,
  storeFencedManyTwin,
);

/**
 * STORE_AND_FENCE for several entries. KEYS: entry and entry fence for each. ARGV: fence lifetime
 * (ms), a new token, then value and ttl (ms) for each.
 */
export const STORE_AND_FENCE_MANY = lua(
  `
for i = 1, #KEYS, 2 do
  redis.call('SET', KEYS[i], ARGV[i + 2], 'PX', ARGV[i + 3])
  redis.call('SET', KEYS[i + 1], ARGV[2], 'PX', ARGV[1])
end
return 1`,
  storeAndFenceManyTwin,
);

/**
 * EVICT_ENTRY for several entries; its first write is a DEL, so it runs on a full Redis too.
 * KEYS: entry and entry fence for each. ARGV: a new token, fence lifetime (ms). Returns '1'
 * (removed) or '0' per entry.
 */
export const EVICT_MANY = lua(
  `
local removed = {}
for i = 1, #KEYS, 2 do
  removed[#removed + 1] = redis.call('DEL', KEYS[i]) == 1 and '1' or '0'
  redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[2])
end
return table.concat(removed)`,
  evictManyTwin,
);
