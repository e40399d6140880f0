import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RaceReport, RaceRun } from './race-protocol.js';

/** The reports of every worker for one run, summed (`elapsedMs`: the slowest worker's run). */
export type RaceTotals = Omit<RaceReport, 'worker' | 'error'>;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  stderr: string[];
}

/**
 * Worker processes (spec/integration/fixtures/race-worker.ts) that play one seeded race run at a
 * time each, all at once. Always `kill()` them.
 */
export class RaceWorkers {
  readonly #workers: Worker[] = [];

  /** Start `count` workers and resolve once each is ready. */
  static async start(script: string, count: number): Promise<RaceWorkers> {
    const pool = new RaceWorkers();
    for (let index = 0; index < count; index++) {
      const child = spawn(process.execPath, [script, String(index)]);
      const stderr: string[] = [];
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      pool.#workers.push({ child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), stderr });
    }
    try {
      await Promise.all(pool.#workers.map(async (worker) => expectLine(worker, 'ready')));
    } catch (error) {
      pool.kill();
      throw error;
    }
    return pool;
  }

  /** Every worker plays `run` with a seed of its own drawn from `seed`; resolves with their summed reports. */
  async run(run: Omit<RaceRun, 'seed'>, seed: number): Promise<RaceTotals> {
    const reports = await Promise.all(
      this.#workers.map(async (worker, index) => {
        worker.child.stdin.write(`${JSON.stringify({ ...run, seed: workerSeed(seed, index) })}\n`);
        const report = JSON.parse(await nextLine(worker)) as RaceReport;
        if (report.error !== undefined) throw new Error(`worker ${index} failed: ${report.error}`);
        return report;
      }),
    );
    return sum(reports);
  }

  kill(): void {
    for (const { child } of this.#workers) child.kill('SIGKILL');
  }
}

/** Independent streams per worker, all replayed from the one seed. */
function workerSeed(seed: number, index: number): number {
  return (seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
}

async function nextLine(worker: Worker): Promise<string> {
  const { value, done } = await worker.lines.next();
  if (done) throw new Error(`race worker exited (code ${worker.child.exitCode}): ${worker.stderr.join('')}`);
  return value;
}

async function expectLine(worker: Worker, expected: string): Promise<void> {
  const line = await nextLine(worker);
  if (line !== expected) throw new Error(`race worker said ${JSON.stringify(line)}, not ${expected}: ${worker.stderr.join('')}`);
}

function sum(reports: RaceReport[]): RaceTotals {
  const totals: RaceTotals = {
    ...{ reads: 0, hits: 0, staleServed: 0, failed: 0, updates: 0, published: 0, staleReads: 0 },
    ...{ staleByPath: {}, examples: [], elapsedMs: 0 },
  };
  for (const report of reports) {
    for (const count of ['reads', 'hits', 'staleServed', 'failed', 'updates', 'published', 'staleReads'] as const) {
      totals[count] += report[count];
    }
    for (const [path, count] of Object.entries(report.staleByPath)) {
      totals.staleByPath[path] = (totals.staleByPath[path] ?? 0) + count;
    }
    totals.examples.push(...report.examples);
    totals.elapsedMs = Math.max(totals.elapsedMs, report.elapsedMs);
  }
  return totals;
}
