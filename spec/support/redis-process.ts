import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A free TCP port on 127.0.0.1 (nothing listens on it once this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own, on its own port: started, killed, paused (SIGSTOP: the
 * socket stays open and nothing answers), resumed and restarted for real. Always `stop()` it.
 */
export class RedisProcess {
  #child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  static async start(extraArgs: string[] = []): Promise<RedisProcess> {
    const server = new RedisProcess(await freePort(), extraArgs);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#child = child;
    await waitUntil(() => ping(this.port, this.extraArgs), 5000, `redis-server on port ${this.port} did not start`);
  }

  /** SIGKILL: the server is gone, connections drop. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }
}

async function ping(port: number, extraArgs: string[]): Promise<boolean> {
  if (extraArgs.includes('--tls-port')) return true; // TLS servers are probed by their own test
  const requirepass = extraArgs.indexOf('--requirepass');
  const password = requirepass >= 0 ? extraArgs[requirepass + 1] : undefined;
  return probe(port, async (client) => (await client.ping()) === 'PONG', password);
}

/**
 * Connect to 127.0.0.1:`port` once (no retries), run `ask`, disconnect: its answer, or false when
 * the server can't be reached or `ask` throws. For readiness checks of the specs' own servers.
 */
export async function probe(port: number, ask: (client: Redis) => Promise<boolean>, password?: string): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    ...(password !== undefined && { password }),
    lazyConnect: true,
    connectTimeout: 200,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await ask(client);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
