import { RedisCluster } from './redis-cluster.js';

/**
 * The one Redis Cluster the behaviour suites share, started on first use and stopped when the
 * process exits. Both decorator flavours load their own copy of this module: a global holds it.
 */
const SHARED = Symbol.for('ts-rc.spec.cluster');
type Shared = { started?: Promise<RedisCluster>; cluster?: RedisCluster };
const registry = globalThis as Record<symbol, Shared | undefined>;
registry[SHARED] ??= {};
const shared: Shared = registry[SHARED];

/** A mocha `before` hook: waits for the shared cluster (starting it the first time). */
export async function startSpecCluster(this: Mocha.Context): Promise<void> {
  this.timeout(60_000);
  shared.started ??= RedisCluster.start().then((cluster) => {
    shared.cluster = cluster;
    process.once('exit', () => cluster.killNow());
    return cluster;
  });
  await shared.started;
}

export function runningCluster(): RedisCluster | undefined {
  return shared.cluster;
}
