import { CacheConfigError } from '../errors.js';
import { CommandRunner, DEFAULT_SETTINGS } from './command-runner.js';
import type { RedisClient } from './redis-client.js';

const runners = new WeakMap<object, CommandRunner>();

/** Give `owner` (a manager) its runner; `runnerOf(owner)` finds it without importing the manager. */
export function bindRunner(owner: object, runner: CommandRunner): void {
  runners.set(owner, runner);
}

/** The runner bound to a manager, or a private one for a bare client (one per client). */
export function runnerOf(source: object): CommandRunner {
  let runner = runners.get(source);
  if (!runner) {
    if (typeof (source as { get?: unknown }).get !== 'function') {
      throw new CacheConfigError('CacheService', [
        { path: 'redis', message: 'expected an ioredis-compatible client or a CacheManager' },
      ]);
    }
    runner = new CommandRunner();
    runner.attach([source as RedisClient], DEFAULT_SETTINGS);
    runners.set(source, runner);
  }
  return runner;
}
