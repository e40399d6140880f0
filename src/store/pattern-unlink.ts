import type { RedisClient } from '../client/command-runner.js';
import { globToRegExp } from '../core/glob.js';

/** Keys per SCAN page and per UNLINK. */
const BATCH = 1000;

/**
 * Remove every key matching `pattern` with SCAN + UNLINK in batches (never KEYS).
 * @returns the number of keys removed
 */
export async function unlinkMatching(client: RedisClient, pattern: string, embedded: boolean): Promise<number> {
  return embedded ? unlinkEmbedded(client, pattern) : unlinkScanned(client, pattern);
}

async function unlinkScanned(client: RedisClient, pattern: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
    cursor = next;
    if (keys.length > 0) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/**
 * ioredis-mock differs from Redis in two ways that matter here: its MATCH ignores `\` escapes,
 * and its cursor is an index that skips keys when keys are deleted mid-scan. So match here, and
 * collect every page before deleting anything.
 */
async function unlinkEmbedded(client: RedisClient, pattern: string): Promise<number> {
  const matcher = globToRegExp(pattern);
  const matched: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', BATCH);
    cursor = next;
    for (const key of keys) if (matcher.test(key)) matched.push(key);
  } while (cursor !== '0');
  let removed = 0;
  for (let i = 0; i < matched.length; i += BATCH) removed += await client.unlink(...matched.slice(i, i + BATCH));
  return removed;
}
