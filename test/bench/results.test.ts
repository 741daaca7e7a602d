/**
 * The benchmark report writer (bench/results.ts) and its SVG charts
 * (bench/plot.ts): tick arithmetic, escaping, well-formed charts, and a
 * report that names every figure's command, marks missing benchmarks and
 * draws the cost and generic plots it is given.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChart, escapeXml, lineChart, niceCeiling, niceTicks } from '../../bench/plot.js';
import { type BenchRun, type Machine, renderResults } from '../../bench/results.js';

const machine: Machine = {
  cpu: 'Test CPU',
  cores: 2,
  memoryGb: 4,
  node: 'v20.20.0',
  os: 'Linux',
  loadBefore: [3, 2, 1],
  loadAfter: [3, 2, 1],
  date: '2026-01-01T00:00:00Z',
};

/** Every opened element is closed, in order (enough to catch broken SVG text). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
}

describe('bench plots', () => {
  it('picks round ticks and ceilings', () => {
    assert.deepEqual(niceTicks(0, 1.5), [0, 0.5, 1, 1.5]);
    assert.deepEqual(niceTicks(0, 2000), [0, 500, 1000, 1500, 2000]);
    assert.equal(niceCeiling(1717), 2000);
    assert.equal(niceCeiling(0.22), 0.25);
  });

  it('escapes text and draws well-formed line and bar charts', () => {
    assert.equal(escapeXml('a<b & "c">'), 'a&lt;b &amp; &quot;c&quot;&gt;');
    const line = lineChart({
      title: 'x < y',
      xLabel: 'n',
      yLabel: 's',
      xScale: 'log',
      series: [
        { name: 'a', points: [1, 10, 100].map((x) => ({ x, y: 1 })) },
        { name: 'b', points: [1, 100].map((x) => ({ x, y: 2 })) },
      ],
    });
    assertBalanced(line);
    assert.match(line, /x &lt; y/);
    assert.equal(line.match(/<polyline/g)?.length, 2);
    for (const t of ['>1<', '>10<', '>100<']) assert.ok(line.includes(t), t);
    const bars = barChart({
      title: 't',
      yLabel: 'µs',
      categories: ['p', 'q'],
      series: [
        { name: 'A', values: [1, 2] },
        { name: 'B', values: [3, 4] },
      ],
    });
    assertBalanced(bars);
    assert.equal(bars.match(/<rect x="[\d.]+" y="[\d.]+" width/g)?.length, 4 + 2);
    assert.throws(() => lineChart({ title: 't', xLabel: '', yLabel: '', series: [] }), RangeError);
    assert.throws(
      () =>
        lineChart({
          title: 't',
          xLabel: '',
          yLabel: '',
          xScale: 'log',
          series: [{ name: 'a', points: [{ x: 0, y: 1 }] }],
        }),
      RangeError,
    );
  });
});

describe('bench report', () => {
  const cost = {
    bench: 'cost',
    message_cost_tez: 0.062337,
    post_gas_ratio_10000_vs_1: 1,
    post_vs_box: [
      { box_entries: 1, milligas: 1000, storage_bytes: 244 },
      { box_entries: 10_000, milligas: 1000, storage_bytes: 244 },
    ],
    operations: [{ name: 'discovery request', storage_bytes: 479 }],
  };
  const runs: BenchRun[] = [
    {
      name: 'cost',
      command: 'npm run bench:cost -- --json',
      status: 'ok',
      text: 'table',
      json: cost,
      seconds: 3,
    },
    {
      name: 'sync',
      command: 'npx tsx bench/sync.ts --json',
      status: 'ok',
      text: '',
      json: {
        plots: [
          {
            id: 'vs history',
            title: 'Sync',
            x_label: 'entries',
            y_label: 'ms',
            series: [
              {
                name: 'new',
                points: [
                  [1, 2],
                  [2, 4],
                ],
              },
            ],
          },
        ],
      },
    },
    { name: 'e2e', command: 'npx tsx bench/e2e.ts --json', status: 'absent', text: '' },
  ];

  it('writes the summary, the commands, the load note and every plot it references', () => {
    const { markdown, plots } = renderResults(runs, machine);
    assert.match(markdown, /\| 0\.062337 \| cost \|/);
    assert.match(markdown, /`e2e_latency_p50_s`\) \| not measured \(benchmark not present yet\)/);
    assert.match(markdown, /Not run: `bench\/e2e\.ts` does not exist yet/);
    assert.match(markdown, /\*\*Other processes were running\*\*/);
    assert.deepEqual([...plots.keys()].sort(), [
      'cost_bytes_per_operation.svg',
      'cost_post_vs_box.svg',
      'sync_vs_history.svg',
    ]);
    for (const [file, svg] of plots) {
      assert.ok(markdown.includes(`](plots/${file})`), file);
      assertBalanced(svg);
    }
    assert.match(markdown, /Data: `npm run bench:cost -- --json`/);
    assert.match(markdown, /Data: `npx tsx bench\/sync\.ts --json`/);
  });

  it('says when the machine was idle', () => {
    const idle = { ...machine, loadBefore: [0.1, 0.1, 0.1], loadAfter: [0.2, 0.1, 0.1] };
    assert.match(renderResults(runs, idle).markdown, /otherwise idle/);
  });
});
