/**
 * The contract every contender of `npm run bench:peers` implements: one cache-aside read of an
 * id, done the way that library's README shows, against the shared Redis.
 */
import { Redis } from 'ioredis';
import { cleanup, REDIS_URL } from '../fixture.js';

/** A cached value: the ~1 KB JSON row of `sampleUser()`. */
export type Row = Record<string, unknown>;
/** What a cache-aside call runs on a miss (the user's database query). */
export type Loader = () => Promise<Row>;

export interface PeerAdapter {
  /** Connect, and make sure the client is ready (nothing is measured yet). */
  setup(): Promise<void>;
  /** Read an entry that is stored (seeded through `miss` beforehand). */
  hit(id: string): Promise<unknown>;
  /** Cache-aside on an id never read before: `loader` runs and its value is stored. */
  miss(id: string, loader: Loader): Promise<unknown>;
  /** One of many concurrent callers of a cold id: the library's own stampede protection, if any. */
  stampede(id: string, loader: Loader): Promise<unknown>;
  /** Remove this contender's keys and close its connections. */
  teardown(): Promise<void>;
}

/** Every key a contender writes starts with this (plus its own tag), so it can clean up after itself. */
export const KEY_PREFIX = 'ts-rc-peers';
/** Seconds every contender stores entries for (anything left by a crashed run expires). */
export const TTL_SECONDS = 600;

/** The loader a hit passes: a hit that reaches it is a bug in the benchmark, not a slow hit. */
export const notAHit: Loader = () => Promise.reject(new Error('a hit reached the loader: the entry was not stored'));

/**
 * An adapter whose hit, miss and stampede are one cache-aside call, as a user would write them:
 * `getOrSet(id, loader)`. `patterns` are the SCAN globs of the keys it writes (removed on teardown).
 */
export function cacheAsideAdapter(parts: {
  setup(): Promise<void>;
  getOrSet(id: string, loader: Loader): Promise<unknown>;
  close(): Promise<unknown>;
  patterns: readonly string[];
}): PeerAdapter {
  return {
    setup: parts.setup,
    hit: (id) => parts.getOrSet(id, notAHit),
    miss: parts.getOrSet,
    stampede: parts.getOrSet,
    async teardown() {
      const janitor = new Redis(REDIS_URL);
      try {
        for (const pattern of parts.patterns) await cleanup(janitor, pattern);
      } finally {
        await janitor.quit();
        await parts.close();
      }
    },
  };
}

/** Resolves once an ioredis client answers. */
export async function ready(client: Redis): Promise<void> {
  if ((await client.ping()) !== 'PONG') throw new Error(`Redis at ${REDIS_URL} did not answer PING`);
}
