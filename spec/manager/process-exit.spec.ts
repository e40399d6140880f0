import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CacheManager } from '../../src/manager/cache-manager.js';
import { cleanPrefix, describeOnRedis, REDIS_URL, uniquePrefix } from '../support/backends.js';

const WORKER = fileURLToPath(new URL('./fixtures/exit-worker.js', import.meta.url));
/** Well above a run's ~1 s, well below the 60 s timers the worker leaves behind. */
const BOUND_MS = 15_000;

interface Run {
  /** Exit code, or 'still running' when it had not exited within `waitMs` (it is killed then). */
  readonly exit: number | 'still running';
  readonly stdout: string;
  readonly ms: number;
}

function run(waitMs: number, ...args: string[]): Promise<Run> {
  const start = performance.now();
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ exit: 'still running', stdout, ms: performance.now() - start });
    }, waitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exit: code ?? -1, stdout, ms: performance.now() - start });
    });
  });
}

const ANSWERS = { plain: 1, locked: 2, bounded: 3, hung: 'E_CACHE_FACTORY', stale: 5 };

describe('a process using a manager', function () {
  this.timeout(BOUND_MS + 5_000);

  it('on memory:// exits by itself when main returns without close(): no ts-rc timer holds it', async () => {
    const result = await run(BOUND_MS, 'memory://');
    expect(result.exit, `exit code, or 'still running' after ${BOUND_MS} ms`).to.equal(0);
    expect(JSON.parse(result.stdout), 'a caller waiting on a hung load under hardTimeout got its error').to.deep.equal(ANSWERS);
  });

  describeOnRedis('on a real Redis', () => {
    let prefix = '';
    beforeEach(() => {
      prefix = uniquePrefix();
    });
    afterEach(async () => {
      const cleaner = new CacheManager().init({ redisUrl: REDIS_URL });
      await cleanPrefix(cleaner, prefix);
      await cleaner.close();
    });

    it('exits by itself once close() resolves', async () => {
      const result = await run(BOUND_MS, REDIS_URL, prefix, 'close');
      expect(result.exit, `exit code, or 'still running' after ${BOUND_MS} ms`).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.equal(ANSWERS);
    });

    it('without close() stays alive: the open connection holds it (why tests need an afterAll close)', async () => {
      const result = await run(3_000, REDIS_URL, prefix);
      expect(result.exit).to.equal('still running');
      expect(JSON.parse(result.stdout)).to.deep.equal(ANSWERS);
    });
  });
});
