/** What `npm run bench:peers` measures, and the shapes of the messages between runner and workers. */
import { envInt } from '../harness.js';

/** The throughput scenarios, each timed with the harness' `runRound`. */
export const THROUGHPUT = ['hit-seq', 'hit-conc', 'miss-set'] as const;
export type ThroughputScenario = (typeof THROUGHPUT)[number];
export type Scenario = ThroughputScenario | 'stampede';
export const SCENARIOS: readonly Scenario[] = [...THROUGHPUT, 'stampede'];

/** Entries seeded for the hit scenarios, read in turn: with 64 in flight no two reads share a key. */
export const HIT_IDS = 256;
export const STAMPEDE_CALLERS = envInt('BENCH_PEERS_CALLERS', 1000);
export const STAMPEDE_LOADER_MS = 50;

/**
 * Operations per pass, and in the unmeasured warm-up pass each worker runs first. A round
 * measures PASSES short passes of each scenario on every contender, in turn (order reversed every
 * pass), so that a pass and the baseline's it is paired with are well under a second apart.
 */
export const SIZES: Record<ThroughputScenario, { concurrency: number; ops: number; warmUpOps: number }> = {
  'hit-seq': { concurrency: 1, ops: envInt('BENCH_PEERS_OPS_SEQ', 400), warmUpOps: 1500 },
  'hit-conc': { concurrency: 64, ops: envInt('BENCH_PEERS_OPS_CONC', 2000), warmUpOps: 6000 },
  'miss-set': { concurrency: 1, ops: envInt('BENCH_PEERS_OPS_MISS', 200), warmUpOps: 1000 },
};
export const PASSES = envInt('BENCH_PEERS_PASSES', 7);
/** Measured stampedes per contender per round (after one warm-up). */
export const STAMPEDES = 2;

/** One pass of a throughput scenario: wall and this process's CPU µs per operation. */
export interface Timing {
  readonly usPerOp: number;
  readonly cpuUsPerOp: number;
}

/** One stampede: how often the loader ran and how long the last caller waited. */
export interface Stampede {
  readonly loaderCalls: number;
  readonly ms: number;
}

export type ToWorker =
  | { readonly kind: 'run'; readonly scenario: Scenario; readonly warmUp: boolean }
  | { readonly kind: 'stop' };
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'timing'; readonly timing: Timing }
  | { readonly kind: 'stampede'; readonly stampede: Stampede }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: string };
