/** What `npm run bench:peers` measures, and the shapes of the messages between runner and workers. */
import { envInt } from '../harness.js';

/** The throughput scenarios, each timed with the harness' `runRound`. */
export const THROUGHPUT = ['hit-seq', 'hit-conc', 'miss-set'] as const;
export type ThroughputScenario = (typeof THROUGHPUT)[number];
export type Scenario = ThroughputScenario | 'stampede';
export const SCENARIOS: readonly Scenario[] = [...THROUGHPUT, 'stampede'];

/** Entries seeded for the hit scenarios, read in turn: with 64 in flight no two reads share a key. */
export const HIT_IDS = 1024;
export const STAMPEDE_CALLERS = envInt('BENCH_PEERS_CALLERS', 1000);
export const STAMPEDE_LOADER_MS = 50;

/** Operations per pass. Each worker runs one warm-up pass, then PASSES measured ones. */
export const SIZES: Record<ThroughputScenario, { concurrency: number; ops: number }> = {
  'hit-seq': { concurrency: 1, ops: envInt('BENCH_PEERS_OPS_SEQ', 1000) },
  'hit-conc': { concurrency: 64, ops: envInt('BENCH_PEERS_OPS_CONC', 5000) },
  'miss-set': { concurrency: 1, ops: envInt('BENCH_PEERS_OPS_MISS', 500) },
};
export const PASSES = envInt('BENCH_PEERS_PASSES', 3);

/** One round's figures for a throughput scenario: wall and this process's CPU µs per operation. */
export interface Timing {
  readonly usPerOp: number;
  readonly cpuUsPerOp: number;
}

/** One stampede: how often the loader ran and how long the last caller waited. */
export interface Stampede {
  readonly loaderCalls: number;
  readonly ms: number;
}

export type ToWorker = { readonly kind: 'run'; readonly scenario: Scenario } | { readonly kind: 'stop' };
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'timing'; readonly timing: Timing }
  | { readonly kind: 'stampede'; readonly stampede: Stampede }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: string };
