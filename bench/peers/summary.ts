/** From every round's figures to what the table and the chart show: paired ratios, medians, targets. */
import { median, pairedRatio, type Result, resultOf } from '../harness.js';
import type { ContenderInfo } from './contenders.js';
import { STAMPEDE_LOADER_MS, type Stampede, THROUGHPUT, type ThroughputScenario, type Timing } from './scenarios.js';

/** What one contender measured: every pass (same index = measured next to each other), every round's stampede. */
export interface Figures {
  readonly timings: Record<ThroughputScenario, Timing[]>;
  readonly stampedes: Stampede[];
}

export interface Summary {
  readonly info: ContenderInfo;
  /** Throughput relative to the baseline: the median over passes of (baseline µs/op ÷ this µs/op). */
  readonly ratio: Record<ThroughputScenario, number>;
  /** The spread of those per-pass ratios: first and third quartiles. */
  readonly quartiles: Record<ThroughputScenario, readonly [number, number]>;
  /** Medians over passes: wall and this process's CPU µs per operation. */
  readonly usPerOp: Record<ThroughputScenario, number>;
  readonly cpuUsPerOp: Record<ThroughputScenario, number>;
  readonly stampede: {
    readonly minCalls: number;
    readonly maxCalls: number;
    /** Median total time, first call to last answer. */
    readonly ms: number;
    /** Like `ratio`: the baseline's stampede time ÷ this one's, paired per round. */
    readonly ratio: number;
  };
}

/** ts-rc's targets, from issue #9 ("The L2 path"). */
export const TARGETS: Record<ThroughputScenario, number> = { 'hit-seq': 1.0, 'hit-conc': 1.3, 'miss-set': 0.95 };
export const STAMPEDE_TARGET_MS = 1.1 * STAMPEDE_LOADER_MS;

const asResult = (name: string, samples: readonly number[]): Result => resultOf(name, samples, samples);
/** Throughput of `mine` relative to `base`: pairedRatio with the two swapped gives median(base ÷ mine). */
const speedup = (mine: Result, base: Result): number => pairedRatio(base, mine);

export function summarize(contenders: readonly ContenderInfo[], figures: ReadonlyMap<string, Figures>): Summary[] {
  const base = figures.get(contenders[0]!.id)!;
  return contenders.map((info) => {
    const mine = figures.get(info.id)!;
    const of = <R>(pick: (s: ThroughputScenario) => R) =>
      Object.fromEntries(THROUGHPUT.map((s) => [s, pick(s)])) as Record<ThroughputScenario, R>;
    const wall = (f: Figures, s: ThroughputScenario) =>
      asResult(
        s,
        f.timings[s].map((t) => t.usPerOp),
      );
    const calls = mine.stampedes.map((s) => s.loaderCalls);
    const stampedeMs = (f: Figures) =>
      asResult(
        'stampede',
        f.stampedes.map((s) => s.ms),
      );
    return {
      info,
      ratio: of((s) => speedup(wall(mine, s), wall(base, s))),
      quartiles: of((s) => quartiles(mine.timings[s].map((t, i) => base.timings[s][i]!.usPerOp / t.usPerOp))),
      usPerOp: of((s) => median(mine.timings[s].map((t) => t.usPerOp))),
      cpuUsPerOp: of((s) => median(mine.timings[s].map((t) => t.cpuUsPerOp))),
      stampede: {
        minCalls: Math.min(...calls),
        maxCalls: Math.max(...calls),
        ms: median(mine.stampedes.map((s) => s.ms)),
        ratio: speedup(stampedeMs(mine), stampedeMs(base)),
      },
    };
  });
}

function quartiles(values: readonly number[]): readonly [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return [at(0.25), at(0.75)];
}

/** The third-party library with the best geometric mean of the three throughput ratios. */
export function bestPeer(rows: readonly Summary[]): Summary | undefined {
  const score = (r: Summary) => THROUGHPUT.reduce((product, s) => product * r.ratio[s], 1);
  return rows.filter((r) => r.info.peer).sort((a, b) => score(b) - score(a))[0];
}
