import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { CommandRunner, FAILED } from '../../src/client/command-runner.js';
import type { CacheEvent } from '../../src/client/events.js';
import type { RedisClient } from '../../src/client/redis-client.js';
import { ReplicaAcks } from '../../src/client/replica-acks.js';
import { CacheConnectionError, CacheReplicationError } from '../../src/errors.js';

type Reply = [Error | null, unknown];

/** A stand-in for one ioredis connection: WAIT answers `acks` (or fails with it); `reconnect()` re-makes it. */
class FakeConnection extends EventEmitter {
  readonly options = { commandTimeout: 1000 }; // times its own commands: no race timer
  readonly status = 'ready';
  acks: number | Error = 2;
  writeError: Error | undefined;
  /** Runs while a command is out (e.g. a reconnection meanwhile). */
  during: (() => void) | undefined;
  /** Every command sent, as sent; a pipeline's commands in one entry. */
  readonly sent: string[][][] = [];

  reconnect(): void {
    this.emit('ready');
  }

  async call(...args: (string | number)[]): Promise<unknown> {
    this.sent.push([args.map(String)]);
    this.during?.();
    if (this.acks instanceof Error) throw this.acks;
    return this.acks;
  }

  pipeline() {
    const queued: string[][] = [];
    const pipeline = {
      eval: (...args: (string | number)[]) => (queued.push(['EVAL', ...args.map(String)]), pipeline),
      call: (...args: (string | number)[]) => (queued.push(args.map(String)), pipeline),
      exec: async (): Promise<Reply[]> => {
        this.sent.push(queued);
        this.during?.();
        return queued.map((command): Reply => {
          if (command[0] === 'WAIT') return this.acks instanceof Error ? [this.acks, null] : [null, this.acks];
          return this.writeError ? [this.writeError, null] : [null, 1];
        });
      },
    };
    return pipeline;
  }
}

describe('ReplicaAcks: the WAIT after an eviction', () => {
  let errors: CacheEvent[];
  const scope = { namespace: 'users', key: 'cache:v1:users:1', id: '1' };

  function runnerOn(...connections: FakeConnection[]): CommandRunner {
    const runner = new CommandRunner();
    const settings = {
      breaker: false as const,
      commandTimeoutMs: 1000,
      secrets: ['s3cret'],
      replicaAcks: { replicas: 2, timeoutMs: 50 },
    };
    runner.attach(connections as unknown as RedisClient[], settings);
    errors = [];
    runner.events.on('error', (event) => errors.push(event));
    return runner;
  }
  /** One lone eviction through `run`: its write and the WAIT in one pipeline. */
  function evict(runner: CommandRunner): Promise<unknown> {
    const acks = ReplicaAcks.of(runner, 'DEL', scope)!;
    return runner.run('DEL', scope, (c) => acks.pipelined(c, scope.key, (p) => p.eval('return 1', 1, scope.key)));
  }

  it('is off without replicaAcks', () => {
    const runner = new CommandRunner();
    runner.attach([new FakeConnection() as unknown as RedisClient], { breaker: false, commandTimeoutMs: 1000, secrets: [] });
    expect(ReplicaAcks.of(runner, 'DEL', scope)).to.equal(undefined);
  });

  it('a lone write and its WAIT go in one pipeline; acknowledged: the write’s reply, nothing reported', async () => {
    const connection = new FakeConnection();
    expect(await evict(runnerOn(connection))).to.equal(1);
    expect(connection.sent).to.deep.equal([
      [
        ['EVAL', 'return 1', '1', scope.key],
        ['WAIT', '2', '50'],
      ],
    ]);
    expect(errors).to.deep.equal([]);
  });

  it('fewer replicas than asked: the call resolves as usual, one CacheReplicationError names acknowledged vs asked', async () => {
    const connection = new FakeConnection();
    connection.acks = 1;
    expect(await evict(runnerOn(connection))).to.equal(1);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.include(scope);
    expect(errors[0]!.error).to.be.instanceOf(CacheReplicationError);
    expect(errors[0]!.error).to.deep.include({ code: 'E_CACHE_REPLICATION', operation: 'DEL', acknowledged: 1, replicas: 2 });
    expect(errors[0]!.error!.message).to.equal(
      'Redis DEL was acknowledged by 1 of 2 replicas within 50 ms (replicaAcks): it happened on the master, but a failover before a replica has it may undo it',
    );
  });

  it('the WAIT fails: a CacheConnectionError for WAIT, redacted; the write’s reply still returned', async () => {
    const connection = new FakeConnection();
    connection.acks = new Error('Command timed out (s3cret)');
    expect(await evict(runnerOn(connection))).to.equal(1);
    expect(errors.map((e) => e.error)).to.have.length(1);
    expect(errors[0]!.error).to.be.instanceOf(CacheConnectionError).and.deep.include({ operation: 'WAIT' });
    expect(errors[0]!.error!.message).to.not.include('s3cret');
  });

  it('the write fails: the eviction failed (FAILED, reported for its command), whatever the WAIT said', async () => {
    const connection = new FakeConnection();
    connection.writeError = new Error('READONLY You can’t write against a read only replica.');
    expect(await evict(runnerOn(connection))).to.equal(FAILED);
    expect(errors.map((e) => (e.error as CacheConnectionError).operation)).to.deep.equal(['DEL']);
  });

  it('the connection re-made while the pipeline was out: none acknowledged (a WAIT resent alone counts nothing)', async () => {
    const connection = new FakeConnection();
    connection.during = () => connection.reconnect();
    expect(await evict(runnerOn(connection))).to.equal(1);
    expect(errors[0]!.error).to.be.instanceOf(CacheReplicationError).and.deep.include({ acknowledged: 0 });
  });

  it('many writes: one WAIT per connection written on, after them; the fewest acknowledgements reported once', async () => {
    const [a, b, idle] = [new FakeConnection(), new FakeConnection(), new FakeConnection()];
    const runner = runnerOn(a, b, idle);
    b.acks = 1;
    const acks = ReplicaAcks.of(runner, 'UNLINK', { namespace: 'users' })!;
    acks.wrote(a as unknown as RedisClient, 'k1');
    acks.wrote(a as unknown as RedisClient, 'k2');
    acks.wrote(b as unknown as RedisClient, 'k3');
    await acks.confirm();
    expect([a.sent, b.sent, idle.sent]).to.deep.equal([[[['WAIT', '2', '50']]], [[['WAIT', '2', '50']]], []]);
    expect(errors.map((e) => e.error)).to.have.length(1);
    expect(errors[0]!.error).to.deep.include({ operation: 'UNLINK', acknowledged: 1, replicas: 2 });
  });

  it('a connection re-made between its writes, or before its WAIT answered: none acknowledged', async () => {
    for (const reconnect of ['between the writes', 'during the WAIT'] as const) {
      const connection = new FakeConnection();
      const acks = ReplicaAcks.of(runnerOn(connection), 'DEL', { namespace: 'users' })!;
      acks.wrote(connection as unknown as RedisClient, 'k1');
      if (reconnect === 'between the writes') connection.reconnect();
      acks.wrote(connection as unknown as RedisClient, 'k2');
      if (reconnect === 'during the WAIT') connection.during = () => connection.reconnect();
      await acks.confirm();
      expect(connection.sent, reconnect).to.have.length(1);
      expect(errors[0]?.error, reconnect).to.be.instanceOf(CacheReplicationError).and.deep.include({ acknowledged: 0 });
    }
  });
});
