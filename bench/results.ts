/**
 * The writer of bench/RESULTS.md and its figures (bench/plots/*.svg), from
 * the runs of the benchmark scripts collected by bench/run.ts: each run's
 * human-readable output and the JSON object it printed as its last stdout
 * line under --json. Every figure names the command that produced its data.
 *
 * Known benchmarks get their own figures (crypto: Mizu vs libsignal; cost:
 * bytes stored per operation, and post cost vs box length). Any benchmark
 * may also carry generic line charts in its JSON, which are drawn as given:
 *
 *   "plots": [{ "id": "sync_vs_history", "title": "…", "x_label": "…",
 *               "y_label": "…", "x_scale": "linear" | "log",
 *               "series": [{ "name": "…", "points": [[x, y], …] }] }]
 *
 * `renderResults` is pure (runs in, files out); `writeResults` writes them.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, lineChart } from './plot.js';

export type BenchJson = Record<string, unknown>;

export interface BenchRun {
  /** Script name without extension: crypto, sandbox, cost, sync, e2e. */
  readonly name: string;
  /** The command that runs it alone and prints its JSON. */
  readonly command: string;
  readonly status: 'ok' | 'failed' | 'absent';
  /** Human-readable stdout (the JSON line removed). */
  readonly text: string;
  readonly json?: BenchJson;
  readonly seconds?: number;
  /** Why it failed (exit status, unparsable output). */
  readonly note?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly date: string;
}

export interface RenderedResults {
  readonly markdown: string;
  /** File name (in bench/plots/) → SVG text. */
  readonly plots: ReadonlyMap<string, string>;
}

/** Figures the issue asks for, in the order of the summary table. */
const HEADLINE: readonly { key: string; what: string; bench: string }[] = [
  { key: 'e2e_latency_p50_s', what: 'send → shown, p50 (block time 1 s)', bench: 'e2e' },
  { key: 'e2e_latency_p95_s', what: 'send → shown, p95 (block time 1 s)', bench: 'e2e' },
  {
    key: 'message_cost_tez',
    what: 'steady-state message, 100-byte text, Padmé (tez)',
    bench: 'cost',
  },
  { key: 'message_bytes_on_chain', what: 'same, bytes stored on chain', bench: 'cost' },
  { key: 'message_nopad_cost_tez', what: 'same without padding (tez)', bench: 'cost' },
  {
    key: 'session_start_pq_cost_tez',
    what: 'session start with ML-KEM, the default (tez)',
    bench: 'cost',
  },
  { key: 'session_start_cost_tez', what: 'session start without ML-KEM (tez)', bench: 'cost' },
  { key: 'request_cost_tez', what: 'discovery request (tez)', bench: 'cost' },
  { key: 'post_gas_ratio_10000_vs_1', what: 'post gas, box of 10,000 vs 1', bench: 'cost' },
  { key: 'post_storage_ratio_10000_vs_1', what: 'post storage, box of 10,000 vs 1', bench: 'cost' },
  { key: 'pingpong_us', what: 'ping-pong message, Mizu (µs)', bench: 'crypto' },
  { key: 'libsignal_pingpong_us', what: 'ping-pong message, libsignal (µs)', bench: 'crypto' },
  {
    key: 'included_posts_per_s',
    what: 'posts included per second by the sandbox',
    bench: 'sandbox',
  },
];

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function scalarRows(json: BenchJson): string[] {
  return Object.entries(json)
    .filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v))
    .map(([k, v]) => `| \`${k}\` | ${String(v)} |`);
}

interface Figure {
  readonly file: string;
  readonly svg: string;
  readonly caption: string;
}

function costFigures(json: BenchJson): Figure[] {
  const figures: Figure[] = [];
  const box = json.post_vs_box as
    | { box_entries: number; milligas: number; storage_bytes: number }[]
    | undefined;
  if (box?.length) {
    const first = box[0]!;
    figures.push({
      file: 'cost_post_vs_box.svg',
      caption:
        'Gas and bytes stored by the next one-entry post, relative to a box of 1 entry ' +
        `(absolute at 1 entry: ${first.milligas / 1000} gas, ${first.storage_bytes} bytes). ` +
        'Flat: a post never reads or rewrites earlier entries.',
      svg: lineChart({
        title: 'Cost of a post vs entries already in the box',
        xLabel: 'entries in the postal box (log scale)',
        yLabel: 'relative to a box of 1 entry',
        xScale: 'log',
        yMin: 0,
        yMax: 1.5,
        series: [
          {
            name: 'gas',
            points: box.map((p) => ({ x: p.box_entries, y: p.milligas / first.milligas })),
          },
          {
            name: 'storage bytes',
            points: box.map((p) => ({
              x: p.box_entries,
              y: p.storage_bytes / first.storage_bytes,
            })),
          },
        ],
      }),
    });
  }
  const ops = json.operations as { name: string; storage_bytes: number }[] | undefined;
  const wanted = [
    ['steady-state message, Padmé', 'message, Padmé'],
    ['steady-state message, no padding', 'message, no padding'],
    ['session start, classic (no ML-KEM)', 'start, classic'],
    ['session start, post-quantum', 'start, ML-KEM'],
    ['discovery request', 'request'],
    ['register (hybrid bundle)', 'register, hybrid'],
  ] as const;
  const rows = wanted.flatMap(([name, label]) => {
    const r = ops?.find((o) => o.name === name);
    return r ? [{ label, bytes: r.storage_bytes }] : [];
  });
  if (rows.length) {
    figures.push({
      file: 'cost_bytes_per_operation.svg',
      caption:
        'Bytes stored on chain per operation (100-byte text); the storage burn is 250 mutez per byte.',
      svg: barChart({
        title: 'Bytes stored on chain per operation',
        yLabel: 'bytes',
        categories: rows.map((r) => r.label),
        series: [{ name: 'paid storage (bytes)', values: rows.map((r) => r.bytes) }],
      }),
    });
  }
  return figures;
}

function cryptoFigures(json: BenchJson): Figure[] {
  const pairs = [
    ['ping-pong', 'pingpong_us', 'libsignal_pingpong_us'],
    ['burst', 'burst_us', 'libsignal_burst_us'],
    ['session start', 'session_start_us', 'libsignal_session_start_us'],
    ['session accept', 'session_accept_us', 'libsignal_session_accept_us'],
  ] as const;
  const present = pairs.filter(
    ([, a, b]) => num(json[a]) !== undefined && num(json[b]) !== undefined,
  );
  if (!present.length) return [];
  return [
    {
      file: 'crypto_vs_libsignal.svg',
      caption:
        'Median time per operation (encrypt + decrypt for messages), Mizu and libsignal side by side in one process.',
      svg: barChart({
        title: 'Protocol core vs @signalapp/libsignal-client',
        yLabel: 'µs per operation',
        categories: present.map(([label]) => label),
        series: [
          { name: 'Mizu', values: present.map(([, a]) => json[a] as number) },
          { name: 'libsignal', values: present.map(([, , b]) => json[b] as number) },
        ],
      }),
    },
  ];
}

interface GenericPlot {
  id: string;
  title: string;
  x_label: string;
  y_label: string;
  x_scale?: 'linear' | 'log';
  series: { name: string; points: [number, number][] }[];
}

function genericFigures(name: string, json: BenchJson): Figure[] {
  const plots = json.plots as GenericPlot[] | undefined;
  if (!Array.isArray(plots)) return [];
  return plots.map((p) => ({
    file: `${name}_${p.id.replace(/[^a-z0-9_-]/gi, '_')}.svg`,
    caption: p.title,
    svg: lineChart({
      title: p.title,
      xLabel: p.x_label,
      yLabel: p.y_label,
      xScale: p.x_scale ?? 'linear',
      series: p.series.map((s) => ({ name: s.name, points: s.points.map(([x, y]) => ({ x, y })) })),
    }),
  }));
}

function figuresOf(run: BenchRun): Figure[] {
  if (!run.json) return [];
  const specific =
    run.name === 'cost'
      ? costFigures(run.json)
      : run.name === 'crypto'
        ? cryptoFigures(run.json)
        : [];
  return [...specific, ...genericFigures(run.name, run.json)];
}

function machineSection(m: Machine): string[] {
  // The 1-minute averages: the 5- and 15-minute ones still remember work
  // that ended before the run.
  const busy = Math.max(m.loadBefore[0] ?? 0, m.loadAfter[0] ?? 0) > m.cores * 0.5;
  return [
    `Generated ${m.date} by \`npm run bench\` (\`tsx bench/run.ts\`), which runs each benchmark ` +
      'in its own Node process, one after the other.',
    '',
    `Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}.`,
    `Load average (1, 5, 15 min) before: ${m.loadBefore.map((l) => l.toFixed(2)).join(', ')}; ` +
      `after: ${m.loadAfter.map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    busy
      ? '**Other processes were running** during these runs (the machine is shared with other ' +
        'jobs): timings (µs, posts per second, latencies) are pessimistic and noisy. On-chain ' +
        'costs (bytes, mutez, gas) are deterministic and do not depend on the load.'
      : 'The machine was otherwise idle during these runs (1-minute load average below half the cores).',
  ];
}

export function renderResults(runs: readonly BenchRun[], machine: Machine): RenderedResults {
  const plots = new Map<string, string>();
  const byName = new Map(runs.map((r) => [r.name, r]));
  const md: string[] = ['# Benchmark results', '', ...machineSection(machine), ''];

  md.push('## Summary', '', '| figure | value | from |', '| --- | --- | --- |');
  for (const h of HEADLINE) {
    const run = byName.get(h.bench);
    const v = run?.json?.[h.key];
    const shown =
      v === undefined
        ? `not measured (${run?.status === 'absent' ? 'benchmark not present yet' : (run?.status ?? 'not run')})`
        : String(v);
    md.push(`| ${h.what} (\`${h.key}\`) | ${shown} | ${h.bench} |`);
  }
  md.push('');

  for (const run of runs) {
    md.push(`## ${run.name}`, '');
    if (run.status === 'absent') {
      md.push(`Not run: \`bench/${run.name}.ts\` does not exist yet.`, '');
      continue;
    }
    md.push(
      `Command: \`${run.command}\`` +
        (run.seconds === undefined ? '' : ` (${run.seconds.toFixed(1)} s)`),
      '',
    );
    if (run.status === 'failed') md.push(`**Failed**: ${run.note ?? 'no JSON result'}.`, '');
    if (run.text.trim()) md.push('```text', run.text.trimEnd(), '```', '');
    for (const f of figuresOf(run)) {
      plots.set(f.file, f.svg);
      md.push(
        `![${f.caption}](plots/${f.file})`,
        '',
        `*${f.caption}* Data: \`${run.command}\`.`,
        '',
      );
    }
    if (run.json) {
      md.push(
        '<details><summary>Every scalar figure of the JSON result</summary>',
        '',
        '| key | value |',
        '| --- | --- |',
        ...scalarRows(run.json),
        '',
        '</details>',
        '',
      );
    }
  }
  return { markdown: `${md.join('\n').trimEnd()}\n`, plots };
}

/** Writes RESULTS.md and plots/*.svg into `benchDir`; returns the paths written. */
export function writeResults(
  benchDir: string,
  runs: readonly BenchRun[],
  machine: Machine,
): string[] {
  const { markdown, plots } = renderResults(runs, machine);
  const plotDir = join(benchDir, 'plots');
  mkdirSync(plotDir, { recursive: true });
  const written = [join(benchDir, 'RESULTS.md')];
  writeFileSync(written[0]!, markdown);
  for (const [file, svg] of plots) {
    const path = join(plotDir, file);
    writeFileSync(path, svg);
    written.push(path);
  }
  return written;
}
