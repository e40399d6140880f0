/**
 * `npm run bench:peers`: ts-rc against the caches a user would otherwise pick, on the same Redis.
 * Every round forks one fresh process per contender (so one's event-loop load never skews
 * another's) and lets them all set up; then, one process busy at a time, it runs each scenario
 * pass by pass on each contender in turn, the order reversed every pass, so that a contender's
 * pass and the baseline's are seconds apart. Writes bench/results/peers.{md,svg,json}.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_URL, redisVersion } from '../fixture.js';
import { envInt, environment } from '../harness.js';
import { chart } from './chart.js';
import { CONTENDERS, type ContenderInfo } from './contenders.js';
import { report } from './report.js';
import { type FromWorker, PASSES, SCENARIOS, STAMPEDES } from './scenarios.js';
import type { Figures } from './summary.js';

const ROUNDS = envInt('BENCH_PEERS_ROUNDS', 7);
const OUT = process.env.BENCH_PEERS_OUT ?? 'bench/results';
const WORKER = new URL('./worker.js', import.meta.url);
/** BENCH_PEERS_ONLY=id,id: those contenders (and the baseline) only. */
const only = process.env.BENCH_PEERS_ONLY?.split(',');
const contenders = CONTENDERS.filter((c, i) => i === 0 || (only ? only.includes(c.id) : !c.extra));

/** A forked contender: ask it something, await its answer. */
class Worker {
  readonly #child: ChildProcess;
  readonly #inbox: FromWorker[] = [];
  #waiting: { resolve(m: FromWorker): void; reject(e: Error): void } | undefined;
  #gone: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(
    readonly info: ContenderInfo,
    round: number,
  ) {
    this.#child = fork(WORKER, [info.id, String(round)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (message: FromWorker) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting.resolve(message);
      else this.#inbox.push(message);
    });
    this.#exited = new Promise((resolve) =>
      this.#child.on('exit', (code, signal) => {
        this.#gone = new Error(`${info.id} exited (${signal ?? code}) before answering`);
        this.#waiting?.reject(this.#gone);
        resolve();
      }),
    );
  }

  async next<K extends FromWorker['kind']>(kind: K): Promise<Extract<FromWorker, { kind: K }>> {
    const message =
      this.#inbox.shift() ??
      (await new Promise<FromWorker>((resolve, reject) => {
        if (this.#gone) reject(this.#gone);
        else this.#waiting = { resolve, reject };
      }));
    if (message.kind === 'failed') throw new Error(`${this.info.id} failed:\n${message.error}`);
    if (message.kind !== kind) throw new Error(`${this.info.id} answered '${message.kind}', expected '${kind}'`);
    return message as Extract<FromWorker, { kind: K }>;
  }

  ask(message: Parameters<NonNullable<ChildProcess['send']>>[0]): void {
    this.#child.send(message);
  }

  /** Ask it to clean up, and wait until it has exited (a --cpu-prof profile is written on exit). */
  async stop(): Promise<void> {
    this.ask({ kind: 'stop' });
    await this.next('stopped');
    this.#child.disconnect();
    await this.#exited;
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }
}

async function runRound(round: number, figures: Map<string, Figures>): Promise<void> {
  const workers = contenders.map((info) => new Worker(info, round));
  try {
    await Promise.all(workers.map((w) => w.next('ready')));
    let turn = round;
    for (const scenario of SCENARIOS) {
      for (let pass = 0; pass < (scenario === 'stampede' ? STAMPEDES : PASSES); pass++) {
        for (const worker of turn++ % 2 === 1 ? [...workers].reverse() : workers) {
          worker.ask({ kind: 'run', scenario, warmUp: pass === 0 });
          const mine = figures.get(worker.info.id)!;
          if (scenario === 'stampede') mine.stampedes.push((await worker.next('stampede')).stampede);
          else mine.timings[scenario].push((await worker.next('timing')).timing);
        }
      }
    }
    await Promise.all(workers.map((w) => w.stop()));
  } finally {
    for (const worker of workers) worker.kill();
  }
}

/** What a run measured, as saved in peers.json (BENCH_PEERS_FROM=that file re-renders it without measuring). */
interface Saved {
  readonly environment: string;
  readonly rounds: number;
  readonly passes: number;
  readonly figures: Record<string, Figures>;
}

/** peers.json: one line per contender, µs to 0.01, so that a new run's diff stays readable. */
function toJson({ figures, ...rest }: Saved): string {
  const rounded = (_key: string, value: unknown) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value);
  const lines = Object.entries(figures).map(([id, f]) => `  ${JSON.stringify(id)}: ${JSON.stringify(f, rounded)}`);
  const head = JSON.stringify(rest, null, 1).slice(0, -2); // without the closing brace
  return `${head},\n "figures": {\n${lines.join(',\n')}\n }\n}\n`;
}

async function measure(): Promise<Saved> {
  const redis = new Redis(REDIS_URL);
  try {
    const machine = process.env.BENCH_MACHINE; // what the numbers can't say about the machine
    const where = [environment(await redisVersion(redis)), ...(machine ? [`machine: ${machine}`] : [])].join('\n');
    const figures = new Map<string, Figures>(
      contenders.map((c) => [c.id, { timings: { 'hit-seq': [], 'hit-conc': [], 'miss-set': [] }, stampedes: [] }]),
    );
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      await runRound(round, figures);
      process.stderr.write(`round ${round + 1}/${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
    return { environment: where, rounds: ROUNDS, passes: PASSES, figures: Object.fromEntries(figures) };
  } finally {
    await redis.quit();
  }
}

const from = process.env.BENCH_PEERS_FROM;
const saved: Saved = from ? JSON.parse(await readFile(from, 'utf8')) : await measure();
const figures = new Map(Object.entries(saved.figures));
const shown = CONTENDERS.filter((c) => figures.has(c.id));
const markdown = report(shown, figures, saved.environment, saved);
console.log(markdown);
await mkdir(OUT, { recursive: true });
await writeFile(join(OUT, 'peers.md'), markdown);
await writeFile(join(OUT, 'peers.svg'), chart(shown, figures, saved.environment));
await writeFile(join(OUT, 'peers.json'), toJson(saved));
console.log(`\nwritten: ${join(OUT, 'peers.md')}, peers.svg, peers.json`);
