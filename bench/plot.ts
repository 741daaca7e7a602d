/**
 * A tiny, dependency-free SVG chart writer for the benchmark report
 * (bench/results.ts): line charts (linear or log x axis) and grouped bar
 * charts, with axes, ticks, axis labels, a title and a legend. Pure: specs
 * in, SVG text out. Text is escaped; the output is a standalone SVG 1.1
 * document that browsers and GitHub render.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly Point[];
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly xScale?: 'linear' | 'log';
  /** Fixed y range; by default 0 … a nice ceiling over the data. */
  readonly yMin?: number;
  readonly yMax?: number;
}

export interface BarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  /** One bar per category per series, `values[i]` for `categories[i]`. */
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 84, right: 24, top: 48, bottom: 96 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const FONT = 'font-family="sans-serif" font-size="12"';

const colour = (i: number) => COLOURS[i % COLOURS.length]!;

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Up to ~6 round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** The smallest nice value ≥ `v` (1, 2, 2.5, 5 × 10^k), for axis ceilings. */
export function niceCeiling(v: number): number {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((c) => c >= v)!;
}

export function formatTick(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(0);
  return Number(v.toPrecision(6)).toLocaleString('en-US');
}

function frame(title: string, body: string[], legend: readonly string[]): string {
  const items = legend.map((name, i) => {
    const x = MARGIN.left + i * 170;
    const y = HEIGHT - 24;
    return (
      `<rect x="${x}" y="${y - 10}" width="14" height="10" fill="${colour(i)}"/>` +
      `<text x="${x + 20}" y="${y}" ${FONT}>${escapeXml(name)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-family="sans-serif" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    ...items,
    '</svg>',
    '',
  ].join('\n');
}

function yAxis(label: string, ticks: readonly number[], toY: (v: number) => number): string[] {
  const out = [
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}" stroke="black"/>`,
    `<text transform="translate(18 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${escapeXml(label)}</text>`,
  ];
  for (const t of ticks) {
    const y = toY(t).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + PLOT_W}" y2="${y}" stroke="#e0e0e0"/>`,
      `<line x1="${MARGIN.left - 5}" y1="${y}" x2="${MARGIN.left}" y2="${y}" stroke="black"/>`,
      `<text x="${MARGIN.left - 8}" y="${y}" dy="4" text-anchor="end" ${FONT}>${formatTick(t)}</text>`,
    );
  }
  return out;
}

function xAxisLine(label: string): string[] {
  const y = MARGIN.top + PLOT_H;
  return [
    `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + PLOT_W}" y2="${y}" stroke="black"/>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${y + 40}" text-anchor="middle" ${FONT}>${escapeXml(label)}</text>`,
  ];
}

export function lineChart(spec: LineChartSpec): string {
  const points = spec.series.flatMap((s) => s.points);
  if (points.length === 0) throw new RangeError(`Cannot plot "${spec.title}": no points`);
  const log = spec.xScale === 'log';
  if (log && points.some((p) => p.x <= 0))
    throw new RangeError(`Cannot plot "${spec.title}" on a log axis: x ≤ 0`);
  const fx = (x: number) => (log ? Math.log10(x) : x);
  let x0 = Math.min(...points.map((p) => fx(p.x)));
  let x1 = Math.max(...points.map((p) => fx(p.x)));
  if (log) {
    x0 = Math.floor(x0);
    x1 = Math.max(Math.ceil(x1), x0 + 1);
  } else if (x1 === x0) x1 = x0 + 1;
  const y0 = spec.yMin ?? Math.min(0, ...points.map((p) => p.y));
  const y1 = spec.yMax ?? niceCeiling(Math.max(...points.map((p) => p.y)) * 1.1);
  const toX = (x: number) => MARGIN.left + ((fx(x) - x0) / (x1 - x0)) * PLOT_W;
  const toY = (y: number) => MARGIN.top + PLOT_H - ((y - y0) / (y1 - y0)) * PLOT_H;
  const xTicks = log
    ? Array.from({ length: x1 - x0 + 1 }, (_, i) => 10 ** (x0 + i))
    : niceTicks(x0, x1);
  const body = [...yAxis(spec.yLabel, niceTicks(y0, y1), toY), ...xAxisLine(spec.xLabel)];
  const base = MARGIN.top + PLOT_H;
  for (const t of xTicks) {
    const x = toX(t).toFixed(1);
    body.push(
      `<line x1="${x}" y1="${base}" x2="${x}" y2="${base + 5}" stroke="black"/>`,
      `<text x="${x}" y="${base + 20}" text-anchor="middle" ${FONT}>${formatTick(t)}</text>`,
    );
  }
  // Series after the first are dashed with hollow square markers, so that
  // coinciding lines (a flat cost plotted twice) both stay visible.
  spec.series.forEach((s, i) => {
    const pts = s.points.map((p) => [toX(p.x).toFixed(1), toY(p.y).toFixed(1)] as const);
    const dash = i === 0 ? '' : ` stroke-dasharray="${6 + 2 * i} 4"`;
    body.push(
      `<polyline fill="none" stroke="${colour(i)}" stroke-width="2"${dash} points="${pts.map((p) => p.join(',')).join(' ')}"/>`,
      ...pts.map(([cx, cy]) =>
        i === 0
          ? `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour(i)}"/>`
          : `<rect x="${(Number(cx) - 5).toFixed(1)}" y="${(Number(cy) - 5).toFixed(1)}" width="10" height="10" fill="none" stroke="${colour(i)}" stroke-width="1.5"/>`,
      ),
    );
  });
  return frame(
    spec.title,
    body,
    spec.series.map((s) => s.name),
  );
}

export function barChart(spec: BarChartSpec): string {
  const values = spec.series.flatMap((s) => s.values);
  if (values.length === 0) throw new RangeError(`Cannot plot "${spec.title}": no values`);
  for (const s of spec.series)
    if (s.values.length !== spec.categories.length)
      throw new RangeError(`Cannot plot "${spec.title}": series ${s.name} has the wrong length`);
  const y1 = niceCeiling(Math.max(...values) * 1.1);
  const toY = (y: number) => MARGIN.top + PLOT_H - (y / y1) * PLOT_H;
  const body = [...yAxis(spec.yLabel, niceTicks(0, y1), toY), ...xAxisLine('')];
  const group = PLOT_W / spec.categories.length;
  const bar = (group * 0.7) / spec.series.length;
  const base = MARGIN.top + PLOT_H;
  spec.categories.forEach((c, ci) => {
    const gx = MARGIN.left + ci * group + group * 0.15;
    spec.series.forEach((s, si) => {
      const v = s.values[ci]!;
      const y = toY(v);
      body.push(
        `<rect x="${(gx + si * bar).toFixed(1)}" y="${y.toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(base - y).toFixed(1)}" fill="${colour(si)}"><title>${escapeXml(`${s.name}: ${formatTick(v)}`)}</title></rect>`,
      );
    });
    const lx = (gx + group * 0.35).toFixed(1);
    body.push(
      `<text x="${lx}" y="${base + 14}" transform="rotate(-20 ${lx} ${base + 14})" text-anchor="end" ${FONT}>${escapeXml(c)}</text>`,
    );
  });
  return frame(
    spec.title,
    body,
    spec.series.map((s) => s.name),
  );
}
