/** bench/results/peers.svg: one panel of horizontal bars per scenario, a row per contender, plain SVG. */
import type { ContenderInfo } from './contenders.js';
import { callsText } from './report.js';
import { STAMPEDE_CALLERS, type THROUGHPUT } from './scenarios.js';
import { type Figures, STAMPEDE_TARGET_MS, type Summary, summarize, TARGETS } from './summary.js';

const WIDTH = 1100;
const MARGIN = 16;
const LABEL_WIDTH = 250;
const GAP = 18;
const TOP = 132;
const PITCH = 30;
const BAR = 18;
const FONT = 'font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const COLOR = { ours: '#e8590c', peer: '#4c6ef5', raw: '#868e96' };

interface Panel {
  readonly title: string;
  readonly subtitle: string;
  readonly width: number;
  /** Room kept right of the longest bar for its label. */
  readonly labelRoom: number;
  readonly value: (row: Summary) => number;
  readonly label: (row: Summary) => string;
  readonly target?: number;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, body: string, attrs = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${xml(body)}</text>`;
const stripe = (row: number) => (row % 2 === 1 ? '#f8f9fa' : '#ffffff');
const colorOf = (info: ContenderInfo) => (info.ours ? COLOR.ours : info.peer ? COLOR.peer : COLOR.raw);

function panels(): Panel[] {
  const throughput = (title: string, subtitle: string, s: (typeof THROUGHPUT)[number]): Panel => ({
    title,
    subtitle,
    width: 170,
    labelRoom: 58,
    value: (r) => r.ratio[s],
    label: (r) => `${r.ratio[s].toFixed(2)}×${r.info.ours ? (r.ratio[s] >= TARGETS[s] ? ' ✓' : ' ✗') : ''}`,
    target: TARGETS[s],
  });
  return [
    throughput('hit-seq', '1 in flight', 'hit-seq'),
    throughput('hit-conc', '64 in flight', 'hit-conc'),
    throughput('miss-set', 'loader + store, sequential', 'miss-set'),
    {
      title: 'stampede',
      subtitle: `${STAMPEDE_CALLERS.toLocaleString('en')} callers, 50 ms loader`,
      width: WIDTH - 2 * MARGIN - LABEL_WIDTH - 3 * (170 + GAP),
      labelRoom: 150,
      value: (r) => r.stampede.ratio,
      label: (r) => {
        const met = r.stampede.maxCalls === 1 && r.stampede.ms <= STAMPEDE_TARGET_MS;
        const mark = r.info.ours ? (met ? ' ✓' : ' ✗') : '';
        return `${callsText(r.stampede).replace(' loader', '')}, ${Math.round(r.stampede.ms)} ms${mark}`;
      },
    },
  ];
}

function drawPanel(panel: Panel, left: number, rows: readonly Summary[]): string[] {
  const max = Math.max(1, panel.target ?? 0, ...rows.map(panel.value));
  const scale = (panel.width - panel.labelRoom) / max;
  const bottom = TOP + rows.length * PITCH;
  const one = left + scale;
  const out = [
    text(left, 100, panel.title, 'font-size="14" font-weight="600" fill="#212529"'),
    text(left, 116, panel.subtitle, 'font-size="11" fill="#868e96"'),
    `<line x1="${left}" y1="${TOP - 6}" x2="${left}" y2="${bottom}" stroke="#ced4da"/>`,
    `<line x1="${one}" y1="${TOP - 6}" x2="${one}" y2="${bottom}" stroke="#495057" stroke-dasharray="4 3"/>`,
    text(one, bottom + 14, '1.0×', 'font-size="11" fill="#495057" text-anchor="middle"'),
  ];
  const labels: string[] = []; // drawn last, over the lines
  rows.forEach((row, i) => {
    const y = TOP + i * PITCH + (PITCH - BAR) / 2 - 4;
    const end = left + panel.value(row) * scale;
    out.push(
      `<rect x="${left}" y="${y}" width="${(end - left).toFixed(1)}" height="${BAR}" fill="${colorOf(row.info)}" rx="2"/>`,
    );
    if (row.info.ours && panel.target !== undefined) {
      const tx = (left + panel.target * scale).toFixed(1);
      out.push(`<line x1="${tx}" y1="${y - 3}" x2="${tx}" y2="${y + BAR + 3}" stroke="#212529" stroke-width="2"/>`);
    }
    const label = panel.label(row);
    // a plate of the row's colour under the label (11 px text, ~6 px a character), so no line crosses it
    labels.push(
      `<rect x="${(end + 2).toFixed(1)}" y="${y + 2}" width="${(label.length * 6 + 4).toFixed(1)}" height="${BAR - 4}" fill="${stripe(i)}"/>`,
    );
    labels.push(text(end + 4, y + BAR - 5, label, 'font-size="11" fill="#212529"'));
  });
  return [...out, ...labels];
}

function legend(y: number): string[] {
  const items: [string, string][] = [
    [COLOR.ours, 'ts-rc'],
    [COLOR.peer, 'peers'],
    [COLOR.raw, 'raw ioredis'],
  ];
  const out = items.map(([color, name], i) => {
    const x = MARGIN + LABEL_WIDTH + i * 110;
    return `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${color}" rx="2"/>${text(x + 17, y, name, 'font-size="12" fill="#212529"')}`;
  });
  const x = MARGIN + LABEL_WIDTH + items.length * 110;
  out.push(`<line x1="${x + 6}" y1="${y - 12}" x2="${x + 6}" y2="${y + 3}" stroke="#212529" stroke-width="2"/>`);
  out.push(text(x + 14, y, "ts-rc's target (issue #9)", 'font-size="12" fill="#212529"'));
  return out;
}

export function chart(contenders: readonly ContenderInfo[], figures: ReadonlyMap<string, Figures>, environment: string): string {
  const rows = summarize(contenders, figures);
  const height = TOP + rows.length * PITCH + 80;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(
      MARGIN,
      28,
      `ts-rc and its peers on the L2 path: throughput relative to ${contenders[0]!.label} (higher is faster)`,
      'font-size="17" font-weight="600" fill="#212529"',
    ),
    ...environment.split('\n').map((line, i) => text(MARGIN, 50 + i * 16, line, 'font-size="12" fill="#495057"')),
  ];
  rows.forEach((row, i) => {
    const y = TOP + i * PITCH;
    out.push(`<rect x="${MARGIN}" y="${y - 4}" width="${WIDTH - 2 * MARGIN}" height="${PITCH}" fill="${stripe(i)}"/>`);
    out.push(text(MARGIN, y + 15, row.info.label.replace(/`/g, ''), 'font-size="13" fill="#212529"'));
  });
  let left = MARGIN + LABEL_WIDTH;
  for (const panel of panels()) {
    out.push(...drawPanel(panel, left, rows));
    left += panel.width + GAP;
  }
  const foot = TOP + rows.length * PITCH + 40;
  out.push(...legend(foot));
  out.push(
    text(
      MARGIN,
      foot + 24,
      "Bars: median over passes of (raw plain's time ÷ the contender's, same pass). Stampede: the same ratio of total times, per round; label: loader calls, median total.",
      'font-size="11" fill="#868e96"',
    ),
  );
  out.push('</svg>', '');
  return out.join('\n');
}
