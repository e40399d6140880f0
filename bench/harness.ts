import { cpus } from 'node:os';

/** One thing being measured: an async operation, run many times. */
export interface Contender {
  readonly name: string;
  /** One operation (e.g. one cache read). Must not reject. */
  readonly op: () => Promise<unknown>;
}

export interface Scenario {
  /** Operations in flight at once: 1 is sequential. */
  readonly concurrency: number;
  /** Operations per contender per round. */
  readonly ops: number;
  /** Measured rounds; the contenders alternate order every round, after one warm-up round. */
  readonly rounds: number;
}

export interface Result {
  readonly name: string;
  /** Median over rounds of microseconds per operation. */
  readonly medianUs: number;
  /** Operations per second at that median. */
  readonly opsPerSec: number;
  /** Every round's µs/op, for anyone who wants the spread. */
  readonly samples: readonly number[];
  /** Every round's CPU µs/op of this process (user + system): ts-rc's own cost, without Redis' time. */
  readonly cpuSamples: readonly number[];
}

/** Run `ops` operations with `concurrency` workers each awaiting one at a time; returns wall and CPU µs/op. */
export async function runRound(op: Contender['op'], { ops, concurrency }: Scenario): Promise<[number, number]> {
  let left = ops;
  const worker = async () => {
    while (left > 0) {
      left--;
      await op();
    }
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
  const wall = Number(process.hrtime.bigint() - start) / 1000 / ops;
  const { user, system } = process.cpuUsage(cpu);
  return [wall, (user + system) / ops];
}

/**
 * Interleaved rounds: every round runs each contender once, in forward order on even rounds
 * and reverse order on odd ones, so drift on a noisy machine hits every contender alike.
 */
export async function compare(contenders: readonly Contender[], scenario: Scenario): Promise<Result[]> {
  const samples = contenders.map(() => [] as number[]);
  const cpuSamples = contenders.map(() => [] as number[]);
  for (let round = -1; round < scenario.rounds; round++) {
    const order = contenders.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const [usPerOp, cpuPerOp] = await runRound(contenders[i]!.op, scenario);
      if (round >= 0) {
        // round -1 warms up JIT, connections and caches
        samples[i]!.push(usPerOp);
        cpuSamples[i]!.push(cpuPerOp);
      }
    }
  }
  return contenders.map((c, i) => resultOf(c.name, samples[i]!, cpuSamples[i]!));
}

/** A result from every round's wall and CPU µs/op. */
export function resultOf(name: string, samples: readonly number[], cpuSamples: readonly number[]): Result {
  const medianUs = median(samples);
  return { name, medianUs, opsPerSec: 1e6 / medianUs, samples, cpuSamples };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A plain-text table: the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * The median over rounds of (contender ÷ baseline in the same round): paired per round, so the
 * machine's drift between rounds cancels out instead of landing on one contender.
 */
export function pairedRatio(result: Result, base: Result, of: 'samples' | 'cpuSamples' = 'samples'): number {
  return median(result[of].map((us, round) => us / base[of][round]!));
}

/** Results as rows, with each one's paired ratios (wall time and this process's CPU) to the `baseline` contender. */
export function ratioTable(results: readonly Result[], baseline: string): string {
  const base = results.find((r) => r.name === baseline)!;
  return table([
    ['contender', 'median µs/op', 'ops/s', 'time ratio', 'CPU µs/op', 'CPU ratio'],
    ...results.map((r) => [
      r.name,
      r.medianUs.toFixed(2),
      Math.round(r.opsPerSec).toLocaleString('en'),
      `${pairedRatio(r, base).toFixed(3)}×`,
      median(r.cpuSamples).toFixed(2),
      `${pairedRatio(r, base, 'cpuSamples').toFixed(3)}×`,
    ]),
  ]);
}

/** When, where and on what the numbers were taken. */
export function environment(redisVersion: string): string {
  const cpu = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), redis ${redisVersion}`,
  ].join('\n');
}

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
