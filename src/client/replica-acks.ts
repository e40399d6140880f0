import type { ChainableCommander } from 'ioredis';
import { CacheReplicationError } from '../errors.js';
import { type CommandRunner, type EventScope, FAILED } from './command-runner.js';
import { connectionEpoch, type RedisClient } from './redis-client.js';

type Settings = NonNullable<CommandRunner['replicaAcks']>;

/**
 * `replicaAcks`: one call's wait for the replicas to have its writes (Redis `WAIT`). WAIT counts
 * the writes of the connection it is sent on, so it follows them there: in one pipeline with a
 * lone write (`pipelined`), or once per connection after a call's many writes (`wrote`, then
 * `confirm`: on a Cluster one WAIT per master, never one per slot group, since a WAIT holds its
 * connection until it is answered). Fewer replicas than asked are reported once per call as a
 * `CacheReplicationError`, and the call resolves as usual: its writes did happen on the master. A
 * WAIT that fails (timed out, refused) is reported as a `CacheConnectionError` for `WAIT`. A
 * connection re-made between a write and its WAIT's answer (a failover moves the client) counts as
 * none acknowledged: a WAIT on the new connection counts none of the old one's writes, and answers at once.
 */
export class ReplicaAcks {
  /** Each connection written on: a key it carried (on a Cluster, its shard's breaker guards the WAIT), and its connection epoch then. */
  readonly #written = new Map<RedisClient, { key: string; epoch: number }>();
  /** A write not known to be acknowledged: its connection could not be named (a Cluster without a slot map) or was re-made since. */
  #unknown = false;

  private constructor(
    private readonly runner: CommandRunner,
    private readonly settings: Settings,
    private readonly operation: string,
    private readonly scope: EventScope,
  ) {}

  /** The wait of one call whose writes are `operation`s, or undefined when `replicaAcks` is off. */
  static of(runner: CommandRunner, operation: string, scope: EventScope): ReplicaAcks | undefined {
    const settings = runner.replicaAcks;
    return settings && new ReplicaAcks(runner, settings, operation, scope);
  }

  /**
   * Send a lone write (`queue` adds it to the pipeline) and a WAIT in one pipeline: one round trip
   * on one connection (on a Cluster, the master of the write's key). @returns the write's reply; its error is thrown
   */
  async pipelined(client: RedisClient, key: string, queue: (pipeline: ChainableCommander) => void): Promise<unknown> {
    const connection = this.runner.connectionOf(client, key);
    const epoch = connection && connectionEpoch(connection);
    const pipeline = client.pipeline();
    queue(pipeline);
    const [[writeError, reply] = [], [waitError, acknowledged] = []] =
      (await pipeline.call('WAIT', ...this.#args()).exec()) ?? [];
    if (writeError) throw writeError;
    if (waitError) this.runner.reportFailure('WAIT', waitError, this.scope);
    else this.#check([connection && connectionEpoch(connection) === epoch ? Number(acknowledged) : 0]);
    return reply;
  }

  /** `client` (as `run` handed it) carried a write of `key`. Call it once the write has answered: a Cluster's MOVED has then been followed. */
  wrote(client: RedisClient, key: string): void {
    const connection = this.runner.connectionOf(client, key);
    if (connection === undefined) {
      this.#unknown = true;
      return;
    }
    const epoch = connectionEpoch(connection);
    const before = this.#written.get(connection);
    if (before !== undefined && before.epoch !== epoch) this.#unknown = true; // earlier writes went out on the connection before
    if (before?.epoch !== epoch) this.#written.set(connection, { key, epoch });
  }

  /** One WAIT on each connection written on, in parallel; resolves once every one has answered. */
  async confirm(): Promise<void> {
    const answers = await Promise.all(
      [...this.#written].map(async ([connection, { key, epoch }]) => {
        const answer = await this.runner.run('WAIT', this.scope, () => connection.call('WAIT', ...this.#args()), key);
        return answer === FAILED || connectionEpoch(connection) === epoch ? answer : 0;
      }),
    );
    const acknowledged = answers.filter((answer) => answer !== FAILED).map(Number); // a failed WAIT was reported by run()
    this.#check(this.#unknown ? [0, ...acknowledged] : acknowledged);
  }

  #args(): [number, number] {
    return [this.settings.replicas, this.settings.timeoutMs];
  }

  /** Report a shortfall on the connection with the fewest acknowledgements. */
  #check(acknowledged: readonly number[]): void {
    if (acknowledged.length === 0) return;
    const fewest = Math.min(...acknowledged);
    const { replicas, timeoutMs } = this.settings;
    if (fewest < replicas) this.runner.report(new CacheReplicationError(this.operation, fewest, replicas, timeoutMs), this.scope);
  }
}
