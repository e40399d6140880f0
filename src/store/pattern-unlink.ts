import { randomUUID } from 'node:crypto';
import { type CommandRunner, type EventScope, FAILED, type Failed } from '../client/command-runner.js';
import type { RedisClient } from '../client/redis-client.js';
import { ReplicaAcks } from '../client/replica-acks.js';
import { DEFAULTS } from '../core/defaults.js';
import { globToRegExp } from '../core/glob.js';
import { CacheConnectionError } from '../errors.js';
import { FENCE_NAMESPACE, runScript } from './lua-scripts.js';
import { groupBySlot } from './slot-groups.js';

/** Keys per SCAN page and per UNLINK. */
const BATCH = 1000;
/** Walks started again after a reconnection before the call gives up and reports it. */
const MAX_RESTARTS = 3;

/**
 * Fence the namespace (so no load already under way can store what it read before), then remove
 * every key matching `pattern` with SCAN + UNLINK in batches, never KEYS. Each command is bounded
 * on its own. When a connection is re-made mid-walk, or a Cluster's masters change (a failover),
 * the server may be another one whose cursor means nothing: the walk starts again from cursor 0.
 * With `replicaAcks`, the call then waits for the replicas: one WAIT on each connection that
 * carried a fence or an UNLINK, after the last of them.
 * @param namespaceFences the namespace's fence, or one per bucket on a Cluster
 * @returns the number of keys removed (a walk that can't finish is reported, and counts what it
 *   removed), or FAILED when the namespace could not be fenced: nothing was evicted
 */
export async function unlinkMatching(
  runner: CommandRunner,
  namespaceFences: readonly string[],
  pattern: string,
  scope: EventScope,
): Promise<number | Failed> {
  const acks = ReplicaAcks.of(runner, 'UNLINK', scope);
  if (!(await fenceNamespace(runner, namespaceFences, scope, acks))) return FAILED;
  const walk = runner.embedded ? walkEmbedded : runner.clustered ? walkCluster : walkScanned;
  let removed = 0;
  let finished = false;
  for (let restarts = 0; restarts <= MAX_RESTARTS && !finished; restarts++) {
    const outcome = await walk(runner, pattern, scope, acks);
    removed += outcome.removed;
    finished = outcome.done || outcome.failed; // a failing command was reported by the runner
  }
  if (!finished) {
    runner.report(new CacheConnectionError('SCAN', `the connection changed ${MAX_RESTARTS + 1} times during the scan`), scope);
  }
  await acks?.confirm();
  return removed;
}

async function fenceNamespace(
  runner: CommandRunner,
  fences: readonly string[],
  scope: EventScope,
  acks: ReplicaAcks | undefined,
): Promise<boolean> {
  const token = randomUUID();
  const fence = async (c: RedisClient, key: string) => {
    const reply = await runScript(c, FENCE_NAMESPACE, [key], [token, DEFAULTS.fenceTtlMs]);
    acks?.wrote(c, key);
    return reply;
  };
  const fenced = await Promise.all(fences.map((key) => runner.run('FENCE', scope, (c) => fence(c, key), key)));
  return !fenced.includes(FAILED);
}

interface WalkOutcome {
  removed: number;
  /** Every key matching was seen on one connection. */
  done: boolean;
  /** A command failed (already reported). */
  failed: boolean;
}

async function walkScanned(runner: CommandRunner, pattern: string, scope: EventScope, acks?: ReplicaAcks): Promise<WalkOutcome> {
  const epoch = runner.connectionEpoch();
  let removed = 0;
  let cursor = '0';
  do {
    const page = await runner.run('SCAN', scope, (c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH));
    if (page === FAILED) return { removed, done: false, failed: true };
    if (runner.connectionEpoch() !== epoch) return { removed, done: false, failed: false };
    const [next, keys] = page;
    cursor = next;
    const unlinked = keys.length > 0 ? await unlink(runner, keys, scope, acks) : 0;
    if (unlinked === FAILED) return { removed, done: false, failed: true };
    removed += unlinked;
  } while (cursor !== '0');
  return { removed, done: true, failed: false };
}

/**
 * ioredis-mock differs from Redis in two ways that matter here: its MATCH ignores `\` escapes,
 * and its cursor is an index that skips keys when keys are deleted mid-scan. So match here, and
 * collect every page before deleting anything.
 */
async function walkEmbedded(runner: CommandRunner, pattern: string, scope: EventScope, acks?: ReplicaAcks): Promise<WalkOutcome> {
  const matcher = globToRegExp(pattern);
  const matched: string[] = [];
  let cursor = '0';
  do {
    const page = await runner.run('SCAN', scope, (c) => c.scan(cursor, 'COUNT', BATCH));
    if (page === FAILED) return { removed: 0, done: false, failed: true };
    cursor = page[0];
    for (const key of page[1]) if (matcher.test(key)) matched.push(key);
  } while (cursor !== '0');
  let removed = 0;
  for (let i = 0; i < matched.length; i += BATCH) {
    const unlinked = await unlink(runner, matched.slice(i, i + BATCH), scope, acks);
    if (unlinked === FAILED) return { removed, done: false, failed: true };
    removed += unlinked;
  }
  return { removed, done: true, failed: false };
}

function unlink(runner: CommandRunner, keys: string[], scope: EventScope, acks?: ReplicaAcks): Promise<number | Failed> {
  return runner.run(
    'UNLINK',
    scope,
    async (c: RedisClient) => {
      const unlinked = await c.unlink(...keys);
      acks?.wrote(c, keys[0]!);
      return unlinked;
    },
    keys[0],
  );
}

/**
 * A Cluster: SCAN every master on its own connection, and UNLINK what each page holds grouped by
 * hash tag (one slot per group) through the cluster client, which follows MOVED and ASK. A walk
 * is done only if its masters served every slot from start to end.
 */
async function walkCluster(runner: CommandRunner, pattern: string, scope: EventScope, acks?: ReplicaAcks): Promise<WalkOutcome> {
  let before = runner.topology();
  if (before === undefined) return { removed: 0, done: false, failed: true };
  // A master left the pool (it died; its replica may have taken over since, unknown to the client
  // until it asks): a walk of the others would say "done" while the dead master's keys come back
  // with its replica. Ask for the slot map once; if a master is still missing, say so.
  if (!before.covered) before = (await runner.refreshedTopology())!;
  if (!before.covered) {
    runner.report(new CacheConnectionError('SCAN', 'a master serving some slots is unreachable (a failover under way?)'), scope);
    return { removed: 0, done: false, failed: true };
  }
  let removed = 0;
  for (const node of before.masters) {
    let cursor = '0';
    do {
      const page = await runner.run('SCAN', scope, () => node.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH), null);
      if (page === FAILED) return { removed, done: false, failed: true };
      if (runner.topology()?.signature !== before.signature) return { removed, done: false, failed: false };
      cursor = page[0];
      for (const keys of groupBySlot(page[1], (key) => key, true, Number.POSITIVE_INFINITY)) {
        const unlinked = await unlink(runner, keys, scope, acks);
        if (unlinked === FAILED) return { removed, done: false, failed: true };
        removed += unlinked;
      }
    } while (cursor !== '0');
  }
  return { removed, done: runner.topology()?.signature === before.signature, failed: false };
}
