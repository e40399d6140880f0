import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describeOnRedis, REDIS_URL } from '../support/backends.js';
import { recordEvents, sleep } from '../support/events.js';
import { testBed } from '../support/test-bed.js';

const WORKER = fileURLToPath(new URL('./fixtures/lock-worker.js', import.meta.url));

/** Start a worker and resolve once it is connected; lines it prints after that go to `lines`. */
function startWorker(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, [WORKER, ...args]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return lines.next().then(({ value }) => {
    if (value !== 'ready') throw new Error(`worker did not start: ${String(value)}`);
    return { child, lines };
  });
}

describeOnRedis('distributed lock (real Redis)', () => {
  const bed = testBed({ name: 'redis', options: { redisUrl: REDIS_URL } });

  it('4 processes × 50 concurrent calls on one cold key call the factory once', async function () {
    this.timeout(20_000);
    const counterKey = `${bed.prefix}:factory-calls`;
    const workers = await Promise.all(Array.from({ length: 4 }, () => startWorker([REDIS_URL, bed.prefix, counterKey, '50'])));
    try {
      for (const { child } of workers) child.stdin.write('go\n');
      const results = await Promise.all(
        workers.map(async ({ lines }) => JSON.parse((await lines.next()).value as string) as string[]),
      );
      const values = results.flat();
      expect(values).to.have.length(200);
      expect(new Set(values).size, 'every caller got the one computed value').to.equal(1);
      expect(await bed.manager.client.get(counterKey)).to.equal('1');
      expect(await bed.manager.client.exists(`${bed.prefix}~:l:v1:reports:cold`), 'the lock was released').to.equal(0);
    } finally {
      for (const { child } of workers) child.kill();
    }
  });

  it('waits for the holder at most `wait` ms, then calls the factory itself', async () => {
    const reports = bed.manager.service<string>('reports', { prefix: bed.prefix, lock: { ttl: 5000, wait: 150 } });
    await bed.manager.client.set(`${bed.prefix}~:l:v1:reports:k`, 'someone-else', 'PX', 5000);
    const start = performance.now();
    expect(await reports.getOrSet('k', () => 'mine')).to.equal('mine');
    expect(performance.now() - start).to.be.within(140, 1000);
    expect(await bed.manager.client.get(`${bed.prefix}~:l:v1:reports:k`), "another owner's lock is left alone").to.equal(
      'someone-else',
    );
  });

  it('a waiter returns the value as soon as the holder stores it', async () => {
    const reports = bed.manager.service<string>('reports', { prefix: bed.prefix, lock: true });
    await bed.manager.client.set(`${bed.prefix}~:l:v1:reports:k`, 'someone-else', 'PX', 5000);
    let called = false;
    const waiting = reports.getOrSet('k', () => {
      called = true;
      return 'mine';
    });
    await sleep(50);
    await reports.set('k', 'theirs');
    expect(await waiting).to.equal('theirs');
    expect(called).to.equal(false);
  });

  it('serves a stale value at once while another process refreshes it', async () => {
    const reports = bed.manager.service<string>('reports', {
      prefix: bed.prefix,
      defaultTtl: 0.1,
      useJitter: false,
      grace: 30,
      lock: true,
    });
    await reports.getOrSet('k', () => 'old');
    await sleep(150);
    await bed.manager.client.set(`${bed.prefix}~:l:v1:reports:k`, 'someone-else', 'PX', 5000);
    const { events, stop } = recordEvents(bed.manager, ['stale']);
    const start = performance.now();
    expect(await reports.getOrSet('k', () => 'new')).to.equal('old');
    expect(performance.now() - start).to.be.below(100);
    expect(events.stale).to.have.length(1);
    stop();
  });
});
