import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, RedisProcess, waitUntil } from './redis-process.js';

/** Passwords of a topology: `data` on the master and replica (`--requirepass`/`--masterauth`), `sentinel` on the sentinels (`requirepass`). */
export interface SentinelTopologyOptions {
  dataPassword?: string;
  sentinelPassword?: string;
}

export interface Address {
  host: string;
  port: number;
}

/**
 * A real Sentinel topology of the test's own: a master, one replica and three sentinels
 * (quorum 2, down-after 1000 ms), each a redis-server process on its own free port, the
 * sentinels' config files in a temp dir. Always `stop()` it (kills every pid, removes the dir).
 */
export class RedisSentinel {
  static readonly NAME = 'mymaster';
  static readonly DOWN_AFTER_MS = 1000;

  /** The data nodes: the first master, then its replica (a failover swaps their roles, not their places). */
  readonly #nodes: RedisProcess[];
  readonly #sentinels = new Map<number, ChildProcess>();
  readonly #auth: string[];
  readonly #killAtExit = () => this.killNow();

  private constructor(
    dataPorts: readonly [number, number],
    readonly sentinelPorts: readonly number[],
    private readonly dir: string,
    private readonly options: SentinelTopologyOptions,
  ) {
    const { dataPassword } = options;
    this.#auth = dataPassword === undefined ? [] : ['--requirepass', dataPassword, '--masterauth', dataPassword];
    const [master, replica] = dataPorts;
    this.#nodes = [new RedisProcess(master, this.#dataArgs(master)), this.#replicaProcess(replica, master)];
  }

  static async start(options: SentinelTopologyOptions = {}): Promise<RedisSentinel> {
    const [masterPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, ...number[]];
    const dir = mkdtempSync(join(tmpdir(), 'tsrc-sentinel-'));
    const topology = new RedisSentinel([masterPort, replicaPort], sentinelPorts, dir, options);
    process.once('exit', topology.#killAtExit);
    try {
      for (const node of topology.#nodes) await node.start();
      await Promise.all(sentinelPorts.map((port) => topology.#startSentinel(port, masterPort)));
      await waitUntil(() => topology.#ready(masterPort), 15_000, 'the sentinels did not agree on the master and its replica');
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  /** `redis://[:password@]127.0.0.1:<port>` of every sentinel, as `sentinel.sentinels` takes them. */
  sentinelUrls(password = this.options.sentinelPassword): string[] {
    const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
    return this.sentinelPorts.map((port) => `redis://${auth}127.0.0.1:${port}`);
  }

  /** The ports of the two data nodes. */
  get dataPorts(): number[] {
    return this.#nodes.map((node) => node.port);
  }

  /** The data node listening on `port`. */
  node(port: number): RedisProcess {
    const node = this.#nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no data node on port ${port}`);
    return node;
  }

  /** Start every data node that is down again, as a replica of the current master; resolves once the sentinels could promote it. */
  async restoreReplica(): Promise<void> {
    const master = await this.agreedMaster();
    if (!master) throw new Error('the sentinels do not agree on a master');
    for (const [i, node] of this.#nodes.entries()) {
      if (node.pid !== undefined) continue;
      this.#nodes[i] = this.#replicaProcess(node.port, master.port);
      await this.#nodes[i].start();
    }
    await waitUntil(() => this.#ready(master.port), 15_000, 'the sentinels did not see the restored replica');
  }

  /**
   * Resolves once the sentinels agree on the master and the other data node is linked to it as
   * its replica (its own INFO): enough for `failover()`. After a `SENTINEL FAILOVER` the sentinels
   * demote the old master only some 10 s later (they let a reported role settle first); this
   * sends it the same `REPLICAOF` at once.
   */
  async readyToFailOver(timeoutMs = 15_000): Promise<void> {
    const { dataPassword } = this.options;
    const ready = async () => {
      const master = await this.agreedMaster();
      const other = this.dataPorts.find((port) => port !== master?.port);
      if (!master || other === undefined) return false;
      const info = (await this.#ask(other, (c) => c.info('replication'), dataPassword)) ?? '';
      if (info.includes('role:master')) await this.#ask(other, (c) => c.replicaof(master.host, master.port), dataPassword);
      return info.includes('role:slave') && info.includes(`master_port:${master.port}`) && info.includes('master_link_status:up');
    };
    await waitUntil(ready, timeoutMs, 'the other data node is not linked to the master as its replica');
  }

  /** The master's address as every sentinel reports it, or undefined while they disagree (or can't be reached). */
  async agreedMaster(): Promise<Address | undefined> {
    const answers = await Promise.all(
      this.sentinelPorts.map((port) =>
        this.#ask(port, (c) => c.call('SENTINEL', 'get-master-addr-by-name', RedisSentinel.NAME) as Promise<string[] | null>),
      ),
    );
    const found = new Set(answers.map((a) => (Array.isArray(a) ? `${a[0]}:${a[1]}` : 'none')));
    const [only] = found;
    if (found.size !== 1 || only === undefined || only === 'none') return undefined;
    const [host, port] = only.split(':');
    return { host: host!, port: Number(port) };
  }

  /** How many clients each sentinel has connected (the other sentinels included, this question not). */
  async sentinelConnections(): Promise<number[]> {
    const infos = await Promise.all(this.sentinelPorts.map((port) => this.#ask(port, (c) => c.info('clients'))));
    return infos.map((info) => Number(/connected_clients:(\d+)/.exec(info ?? '')?.[1] ?? Number.NaN) - 1);
  }

  /** Resolves once every sentinel names `port` as the master, with the time it took. */
  async waitForMaster(port: number, timeoutMs: number): Promise<number> {
    const start = performance.now();
    await waitUntil(async () => (await this.agreedMaster())?.port === port, timeoutMs, `the sentinels did not promote ${port}`);
    return performance.now() - start;
  }

  /** The replication offset a data node has reached. */
  async replicationOffset(port: number): Promise<number> {
    const info = await this.#ask(port, (c) => c.info('replication'), this.options.dataPassword);
    const offset = /master_repl_offset:(\d+)/.exec(info ?? '')?.[1]; // on a replica too: what it has applied
    if (offset === undefined) throw new Error(`no replication offset from ${port}`);
    return Number(offset);
  }

  /** Resolves once the replica on `replicaPort` has received everything the master on `masterPort` had written. */
  async waitForReplica(masterPort: number, replicaPort: number, timeoutMs = 5000): Promise<void> {
    const target = await this.replicationOffset(masterPort);
    await waitUntil(async () => (await this.replicationOffset(replicaPort)) >= target, timeoutMs, 'the replica did not catch up');
  }

  /** SIGSTOP a sentinel: it accepts connections and answers nothing. */
  pauseSentinel(port: number): void {
    this.#sentinels.get(port)?.kill('SIGSTOP');
  }

  resumeSentinel(port: number): void {
    this.#sentinels.get(port)?.kill('SIGCONT');
  }

  /** `SENTINEL FAILOVER`: a failover while the master is healthy (it is demoted to a replica). */
  async failover(): Promise<void> {
    for (const port of this.sentinelPorts) {
      if ((await this.#ask(port, (c) => c.call('SENTINEL', 'failover', RedisSentinel.NAME))) === 'OK') return;
    }
    throw new Error('no sentinel accepted SENTINEL FAILOVER');
  }

  /** At process exit, when nothing can be awaited: SIGKILL every process, remove the temp dir. */
  killNow(): void {
    for (const child of this.#sentinels.values()) child.kill('SIGKILL');
    for (const node of this.#nodes) if (node.pid !== undefined) process.kill(node.pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    for (const port of this.#sentinels.keys()) this.resumeSentinel(port);
    await Promise.all([
      ...this.#nodes.map((node) => node.stop()),
      ...[...this.#sentinels.keys()].map((port) => this.#kill(port)),
    ]);
    rmSync(this.dir, { recursive: true, force: true });
    process.off('exit', this.#killAtExit);
  }

  #replicaProcess(port: number, masterPort: number): RedisProcess {
    return new RedisProcess(port, [...this.#dataArgs(port), '--replicaof', '127.0.0.1', String(masterPort)]);
  }

  /**
   * A replica writes the RDB of its full sync to disk: in the temp dir, one file per node. The
   * master starts a full sync at once (by default it waits 5 s for more replicas to join it).
   */
  #dataArgs(port: number): string[] {
    return [...this.#auth, '--dir', this.dir, '--dbfilename', `dump-${port}.rdb`, '--repl-diskless-sync-delay', '0'];
  }

  async #startSentinel(port: number, masterPort: number): Promise<void> {
    const { dataPassword, sentinelPassword } = this.options;
    const name = RedisSentinel.NAME;
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${this.dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${name} ${RedisSentinel.DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${name} 5000`,
      `sentinel parallel-syncs ${name} 1`,
      ...(dataPassword === undefined ? [] : [`sentinel auth-pass ${name} ${quoted(dataPassword)}`]),
      // A sentinel with a password needs it to talk to the other sentinels too.
      ...(sentinelPassword === undefined
        ? []
        : [`requirepass ${quoted(sentinelPassword)}`, `sentinel sentinel-pass ${quoted(sentinelPassword)}`]),
    ];
    const conf = join(this.dir, `sentinel-${port}.conf`); // a file of its own: a sentinel rewrites it
    writeFileSync(conf, `${lines.join('\n')}\n`);
    this.#sentinels.set(port, spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    await waitUntil(async () => (await this.#ask(port, (c) => c.ping())) === 'PONG', 5000, `sentinel on ${port} did not start`);
  }

  /** Every sentinel names the master, sees its replica up and linked, and knows the two other sentinels (so it can vote for a failover). */
  async #ready(masterPort: number): Promise<boolean> {
    if ((await this.agreedMaster())?.port !== masterPort) return false;
    const views = await Promise.all(
      this.sentinelPorts.map(async (port) => ({
        master: fields(await this.#ask(port, (c) => c.call('SENTINEL', 'master', RedisSentinel.NAME))),
        replicas: (
          (await this.#ask(port, (c) => c.call('SENTINEL', 'replicas', RedisSentinel.NAME))) as unknown[] | undefined
        )?.map(fields),
      })),
    );
    return views.every(
      ({ master, replicas }) =>
        master.get('flags') === 'master' &&
        master.get('num-other-sentinels') === '2' &&
        replicas?.length === 1 &&
        replicas.every((r) => r.get('flags') === 'slave' && r.get('master-link-status') === 'ok'),
    );
  }

  async #kill(port: number): Promise<void> {
    const child = this.#sentinels.get(port);
    this.#sentinels.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** One command on a short-lived connection; undefined when the server can't be reached or refuses. */
  async #ask<R>(
    port: number,
    command: (client: Redis) => Promise<R>,
    password = this.options.sentinelPassword,
  ): Promise<R | undefined> {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      ...(password !== undefined && { password }),
      lazyConnect: true,
      connectTimeout: 500,
      commandTimeout: 500,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      return await command(client);
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  }
}

/** `count` distinct free ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** A sentinel's `[name, value, name, value…]` reply as a map. */
function fields(reply: unknown): Map<string, string> {
  const list = Array.isArray(reply) ? (reply as string[]) : [];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i]!, list[i + 1]!);
  return map;
}

/** A config-file argument in double quotes (a password may hold spaces or `#`). */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
