/** The markdown of `npm run bench:peers`: the table of paired ratios, targets, medians and versions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContenderInfo } from './contenders.js';
import { SIZES, STAMPEDE_CALLERS, STAMPEDE_LOADER_MS, THROUGHPUT, type ThroughputScenario } from './scenarios.js';
import { bestPeer, type Figures, STAMPEDE_TARGET_MS, type Summary, summarize, TARGETS } from './summary.js';

/** Said of the machine in every result: the figures mean little without it. */
export const MACHINE =
  'a shared 2-core VM: the client processes, the Redis server and other workers all run on the same two cores';

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

export function report(
  contenders: readonly ContenderInfo[],
  figures: ReadonlyMap<string, Figures>,
  environment: string,
  rounds: number,
): string {
  const rows = summarize(contenders, figures);
  const base = contenders[0]!.label;
  return [
    '# ts-rc and its peers on the L2 path (`npm run bench:peers`)',
    '',
    ...environment.split('\n').map((line) => `${line}  `),
    `Machine: ${MACHINE}. Expect ±10% between runs.`,
    '',
    ...mainTable(rows),
    '',
    `Ratio: throughput relative to ${base} (> 1 is faster): the median over ${rounds} rounds of (${base}'s µs/op ÷ the` +
      " contender's, in the same round). Every contender runs in its own process, one at a time, on ~1 KB JSON values." +
      ` hit-seq: ${int(SIZES['hit-seq'].ops)} sequential hits; hit-conc: ${int(SIZES['hit-conc'].ops)} hits, 64 in flight` +
      ` (1,024 entries read in turn); miss-set: ${int(SIZES['miss-set'].ops)} sequential misses on new keys, a loader that` +
      ` resolves at once, then the store. Stampede: ${int(STAMPEDE_CALLERS)} concurrent calls on one cold key, a` +
      ` ${STAMPEDE_LOADER_MS} ms loader; the loader's calls, and the median time until the last caller has its value.`,
    '',
    `Targets for ts-rc (issue #9): hit-seq ≥ ${x(TARGETS['hit-seq'])}, hit-conc ≥ ${x(TARGETS['hit-conc'])},` +
      ` miss-set ≥ ${x(TARGETS['miss-set'])}, stampede 1 loader call and ≤ 1.1× the loader's time` +
      ` (${int(STAMPEDE_TARGET_MS)} ms). ✓ met; ✗ missed, by the percentage shown.`,
    '',
    "Medians per operation (wall time, and the CPU time of the contender's own process: user + system):",
    '',
    ...mediansTable(rows),
    '',
    `Versions: ${versions(contenders)}.`,
    '',
  ].join('\n');
}
