import { randomUUID } from 'node:crypto';
import { FAILED, type Failed } from '../client/command-runner.js';
import { RELEASE_LOCK, runScript } from '../store/lua-scripts.js';
import type { EntryStore } from '../store/namespace-store.js';

/**
 * Take the distributed lock for one entry: `SET NX PX` with a random token.
 * @returns the token when acquired, null when another process holds it, FAILED when Redis is down
 */
export async function acquireLock(
  store: EntryStore<unknown>,
  lockKey: string,
  ttlMs: number,
  id: unknown,
): Promise<string | null | Failed> {
  const token = randomUUID();
  const answer = await store.runtime.run('SET NX', store.scope(lockKey, id), (c) => c.set(lockKey, token, 'PX', ttlMs, 'NX'));
  if (answer === FAILED) return FAILED;
  return answer === 'OK' ? token : null;
}

/** Release the lock if (and only if) `token` still owns it: an expired lock re-taken by another process is left alone. */
export async function releaseLock(store: EntryStore<unknown>, lockKey: string, token: string, id: unknown): Promise<void> {
  await store.runtime.run('DEL lock', store.scope(lockKey, id), (c) => runScript(c, RELEASE_LOCK, [lockKey], [token]));
}
