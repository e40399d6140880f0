import type { RedisClient } from '../src/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Key prefix of every benchmark entry, so a run can clean up after itself. */
export const PREFIX = 'ts-rc-bench';

/** Remove the benchmark's keys (entries and eviction fences, which live under `<prefix>~`), or those matching `pattern`. */
export async function cleanup(client: RedisClient, pattern = `${PREFIX}*`): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

/** A ~1 KB JSON object, like a typical cached row. */
export function sampleUser(): Record<string, unknown> {
  return {
    id: 'u-123456',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    createdAt: '2024-01-02T03:04:05.000Z',
    roles: ['admin', 'editor', 'viewer'],
    address: { street: '12 St James Square', city: 'London', postcode: 'SW1Y 4JH', country: 'GB' },
    preferences: { theme: 'dark', language: 'en-GB', notifications: { email: true, sms: false, push: true } },
    bio: 'Mathematician and writer, chiefly known for her work on the Analytical Engine. '.repeat(7),
    scores: [98, 87, 91, 78, 88, 93, 85, 90, 99, 84],
  };
}

/** The server's version, from INFO. */
export async function redisVersion(client: { info(section: string): Promise<string> }): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}
