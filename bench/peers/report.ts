/** The markdown of `npm run bench:peers`: the table of paired ratios, targets, medians and versions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContenderInfo } from './contenders.js';
import {
  HIT_IDS,
  SIZES,
  STAMPEDE_CALLERS,
  STAMPEDE_LOADER_MS,
  STAMPEDES,
  THROUGHPUT,
  type ThroughputScenario,
} from './scenarios.js';
import { bestPeer, type Figures, STAMPEDE_TARGET_MS, type Summary, summarize, TARGETS } from './summary.js';

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const int = (n: number) => Math.round(n).toLocaleString('en');
const percent = (n: number) => `${n > 0 ? '+' : '−'}${Math.abs(Math.round(n * 100))}%`;

function ratioCell(row: Summary, s: ThroughputScenario): string {
  const value = row.ratio[s];
  if (!row.info.ours) return x(value);
  const target = TARGETS[s];
  return value >= target ? `${x(value)} ✓ ≥ ${x(target)}` : `${x(value)} ✗ needs ${x(target)} (${percent(value / target - 1)})`;
}

export function callsText({ minCalls, maxCalls }: Summary['stampede']): string {
  const calls = minCalls === maxCalls ? int(minCalls) : `${int(minCalls)}–${int(maxCalls)}`;
  return `${calls} loader call${maxCalls === 1 ? '' : 's'}`;
}

function stampedeCell(row: Summary): string {
  const { stampede } = row;
  const text = `${callsText(stampede)}, ${int(stampede.ms)} ms`;
  if (!row.info.ours) return text;
  if (stampede.maxCalls !== 1) return `${text} ✗ needs 1 call`;
  if (stampede.ms > STAMPEDE_TARGET_MS)
    return `${text} ✗ needs ≤ ${int(STAMPEDE_TARGET_MS)} ms (${percent(stampede.ms / STAMPEDE_TARGET_MS - 1)})`;
  return `${text} ✓ ≤ ${int(STAMPEDE_TARGET_MS)} ms`;
}

function labelOf(row: Summary, best: Summary | undefined): string {
  return row === best ? `${row.info.label} (best peer)` : row.info.label;
}

/** `name version` of each package the contenders run on, as installed. */
function versions(contenders: readonly ContenderInfo[]): string {
  const names = [...new Set(contenders.flatMap((c) => c.packages))];
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return names.map((name) => `${name} ${version(name)}`).join(', ');
}

function mainTable(rows: readonly Summary[]): string[] {
  const best = bestPeer(rows);
  return [
    `| contender | hit-seq | hit-conc (64) | miss-set | stampede (${int(STAMPEDE_CALLERS)} callers, ${STAMPEDE_LOADER_MS} ms loader) |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${labelOf(r, best)} | ${THROUGHPUT.map((s) => ratioCell(r, s)).join(' | ')} | ${stampedeCell(r)} |`),
  ];
}

function spreadTable(rows: readonly Summary[]): string[] {
  return [
    '| contender | hit-seq | hit-conc (64) | miss-set |',
    '|---|---:|---:|---:|',
    ...rows.slice(1).map((r) => `| ${r.info.label} | ${THROUGHPUT.map((s) => r.quartiles[s].map(x).join('–')).join(' | ')} |`),
  ];
}

function mediansTable(rows: readonly Summary[]): string[] {
  return [
    '| contender | hit-seq µs/op | CPU µs/op | hit-conc µs/op | CPU µs/op | miss-set µs/op | CPU µs/op |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.info.label} | ${THROUGHPUT.map((s) => `${r.usPerOp[s].toFixed(1)} | ${r.cpuUsPerOp[s].toFixed(1)}`).join(' | ')} |`,
    ),
  ];
}

/** How the figures were taken, in one paragraph. */
function method(base: string, rounds: number, passes: number): string {
  const [seq, conc, miss] = THROUGHPUT.map((s) => SIZES[s]);
  return [
    `Ratio: throughput relative to ${base} (> 1 is faster): the median over ${rounds} rounds × ${passes} passes of`,
    `(${base}'s µs/op ÷ the contender's, in the same pass).`,
    'Each round forks a fresh process per contender; they run one at a time, in turn, the order reversed every pass,',
    `after a warm-up pass each (${int(seq!.warmUpOps)}, ${int(conc!.warmUpOps)} and ${int(miss!.warmUpOps)} ops); ~1 KB JSON values.`,
    `Per pass, hit-seq: ${int(seq!.ops)} sequential hits; hit-conc: ${int(conc!.ops)} hits, 64 in flight`,
    `(${int(HIT_IDS)} entries read in turn); miss-set: ${int(miss!.ops)} sequential misses on new keys, a loader that`,
    'resolves at once, then the store.',
    `Stampede: ${int(STAMPEDE_CALLERS)} concurrent calls on one cold key, a ${STAMPEDE_LOADER_MS} ms loader,`,
    `${STAMPEDES} per round: the loader's calls, and the median time until the last caller has its value.`,
  ].join(' ');
}

export function report(
  contenders: readonly ContenderInfo[],
  figures: ReadonlyMap<string, Figures>,
  environment: string,
  { rounds, passes }: { rounds: number; passes: number },
): string {
  const rows = summarize(contenders, figures);
  const base = contenders[0]!.label;
  return [
    '# ts-rc and its peers on the L2 path (`npm run bench:peers`)',
    '',
    ...environment.split('\n').map((line) => `${line}  `),
    '',
    ...mainTable(rows),
    '',
    method(base, rounds, passes),
    '',
    `Targets for ts-rc (issue #9): hit-seq ≥ ${x(TARGETS['hit-seq'])}, hit-conc ≥ ${x(TARGETS['hit-conc'])},` +
      ` miss-set ≥ ${x(TARGETS['miss-set'])}, stampede 1 loader call and ≤ 1.1× the loader's time` +
      ` (${int(STAMPEDE_TARGET_MS)} ms). ✓ met; ✗ missed, by the percentage shown.`,
    '',
    'Spread of the paired ratios (first to third quartile over the passes):',
    '',
    ...spreadTable(rows),
    '',
    "Medians per operation (wall time, and the CPU time of the contender's own process: user + system):",
    '',
    ...mediansTable(rows),
    '',
    `Versions: ${versions(contenders)}.`,
    '',
  ].join('\n');
}
