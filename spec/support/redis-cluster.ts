import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { probe, waitUntil } from './redis-process.js';

/** A TCP port free on 127.0.0.1, and its cluster bus port (port + 10000) free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A real Redis Cluster of the test's own: `masters` masters with one replica each, made of
 * redis-server processes started with `--cluster-enabled yes` and joined by
 * `redis-cli --cluster create … --cluster-replicas 1`. Always `stop()` it (kills every pid).
 */
export class RedisCluster {
  readonly #processes = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: readonly number[],
    private readonly dir: string,
  ) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < masters * 2; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      taken.add(port + 10_000);
      ports.push(port);
    }
    const cluster = new RedisCluster(ports, mkdtempSync(join(tmpdir(), 'tsrc-cluster-')));
    try {
      await Promise.all(ports.map((port) => cluster.startNode(port)));
      const nodes = ports.map((port) => `127.0.0.1:${port}`);
      const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await waitUntil(() => cluster.healthy(), 20_000, 'the cluster did not reach cluster_state:ok');
      // Replicas are assigned after the slots: a failover test needs each master's replica in sync.
      await waitUntil(() => cluster.replicasInSync(masters), 20_000, 'the replicas did not sync with their masters');
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Seed addresses, as `cluster.nodes` takes them. */
  get urls(): string[] {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`);
  }

  async startNode(port: number): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
    args.push('--cluster-config-file', join(this.dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000');
    // A master starts a replica's full sync at once (by default it waits 5 s for more replicas).
    args.push('--save', '', '--appendonly', 'no', '--dir', this.dir, '--repl-diskless-sync-delay', '0');
    this.#processes.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    await waitUntil(
      () => probe(port, async (client) => (await client.ping()) === 'PONG'),
      5000,
      `redis-server on port ${port} did not start`,
    );
  }

  /** SIGKILL one node (e.g. a master, to force a failover). */
  async kill(port: number): Promise<void> {
    const child = this.#processes.get(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#processes.delete(port);
  }

  /** SIGSTOP one node: its sockets stay open and it answers nothing (nor replicates) until `resume`. */
  pause(port: number): void {
    this.#processes.get(port)?.kill('SIGSTOP');
  }

  resume(port: number): void {
    this.#processes.get(port)?.kill('SIGCONT');
  }

  /** The ports of the current masters, from CLUSTER NODES on a live node. */
  async masterPorts(): Promise<number[]> {
    const lines = await this.#clusterNodes();
    return lines.filter((line) => /\bmaster\b/.test(line) && !/\bfail\b/.test(line)).map(portOf);
  }

  /** Each live master's port, mapped to the port of its replica. */
  async replicaPorts(): Promise<Map<number, number>> {
    const lines = (await this.#clusterNodes()).filter((line) => !/\bfail\b/.test(line));
    const portById = new Map(lines.map((line) => [line.split(' ')[0]!, portOf(line)]));
    const replicas = new Map<number, number>();
    for (const line of lines.filter((l) => /\bslave\b/.test(l))) {
      const master = portById.get(line.split(' ')[3]!);
      if (master !== undefined) replicas.set(master, portOf(line));
    }
    return replicas;
  }

  /** The lines of CLUSTER NODES, asked of a live node. */
  async #clusterNodes(): Promise<string[]> {
    const port = [...this.#processes.keys()][0]!;
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    try {
      await client.connect();
      return ((await client.call('CLUSTER', 'NODES')) as string).split('\n').filter(Boolean);
    } finally {
      client.disconnect();
    }
  }

  /**
   * Every write a master took has reached its replicas: each replica's acknowledged offset
   * (reported about once a second) equals its master's. Wait for it before killing a master
   * whose data must survive the failover.
   */
  async replicated(): Promise<boolean> {
    for (const port of this.#processes.keys()) {
      const caughtUp = await probe(port, async (client) => {
        const info = await client.info('replication');
        if (!info.includes('role:master')) return true;
        const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
        const replicas = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((match) => match[1]);
        return replicas.every((acked) => acked === offset);
      });
      if (!caughtUp) return false;
    }
    return true;
  }

  /** Start a killed node again (it rejoins as a replica of whoever took its slots) and wait until every master has a replica in sync. */
  async rejoin(port: number): Promise<void> {
    await this.startNode(port);
    await waitUntil(
      async () => (await this.healthy()) && (await this.replicasInSync(this.ports.length / 2)),
      30_000,
      `node ${port} did not rejoin the cluster as a replica`,
    );
  }

  /** Wait until a replica has taken over from the killed master on `port` and every node sees cluster_state:ok. */
  async failedOver(port: number, timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      async () => {
        const masters = await this.masterPorts();
        return masters.length === this.ports.length / 2 && !masters.includes(port) && (await this.healthy());
      },
      timeoutMs,
      `no replica took over from the master on port ${port}`,
    );
  }

  /** Every master has a replica whose link to it is up. */
  async replicasInSync(masters: number): Promise<boolean> {
    let inSync = 0;
    for (const port of this.#processes.keys()) {
      const linked = await probe(port, async (client) => {
        const info = await client.info('replication');
        return info.includes('role:slave') && info.includes('master_link_status:up');
      });
      if (linked) inSync++;
    }
    return inSync === masters;
  }

  /** Every node answers and sees cluster_state:ok. */
  async healthy(): Promise<boolean> {
    for (const port of this.#processes.keys()) {
      const ok = await probe(port, async (client) =>
        ((await client.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok'),
      );
      if (!ok) return false;
    }
    return true;
  }

  /** At process exit, when nothing can be awaited: SIGKILL every node. */
  killNow(): void {
    for (const child of this.#processes.values()) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    for (const port of this.#processes.keys()) this.resume(port);
    await Promise.all([...this.#processes.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The port in a CLUSTER NODES line (`<id> host:port@bus …`). */
function portOf(line: string): number {
  return Number(/:(\d+)@/.exec(line)?.[1]);
}
