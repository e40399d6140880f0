import { randomUUID } from 'node:crypto';
import { type CommandRunner, type EventScope, FAILED, type Failed } from '../client/command-runner.js';
import { RELEASE_LOCK, runScript } from '../store/lua-scripts.js';

/**
 * Take the distributed lock for one entry: `SET NX PX` with a random token.
 * @returns the token when acquired, null when another process holds it, FAILED when Redis is down
 */
export async function acquireLock(
  runner: CommandRunner,
  scope: EventScope,
  lockKey: string,
  ttlMs: number,
): Promise<string | null | Failed> {
  const token = randomUUID();
  const answer = await runner.run('SET NX', scope, (c) => c.set(lockKey, token, 'PX', ttlMs, 'NX'));
  if (answer === FAILED) return FAILED;
  return answer === 'OK' ? token : null;
}

/** Release the lock if (and only if) `token` still owns it: an expired lock re-taken by another process is left alone. */
export async function releaseLock(runner: CommandRunner, scope: EventScope, lockKey: string, token: string): Promise<void> {
  await runner.run('DEL lock', scope, (c) => runScript(c, RELEASE_LOCK, [lockKey], [token]));
}
