import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecisionTrace } from '../../engine/backtest/types.ts';
import { sampleRejected } from '../chart/run-charts.ts';
import { shortParamNames } from '../specs/sweep.ts';
import { withSvgTooltips } from '../vega/tooltips.ts';
import { compareReport } from './kinds/compare.ts';
import { scanStages } from './kinds/scan.ts';
import { sweepReport } from './kinds/sweep.ts';
import { type RunReport, rebaseLinks, reportCharts, table } from './model.ts';
import { runKindOf } from './read.ts';
import { renderReportHtml } from './render-html.ts';
import { renderReportMarkdown } from './write.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/smc.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'smc-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const interval = (estimate: number, low: number, high: number) => ({
  estimate,
  low,
  high,
  confidence: 0.95,
  standardError: 0.1,
  resamples: 100,
  blockLength: 3,
  method: 'stationary',
});

/** A compare run's result.json as api/compare.ts writes it (two variants, one difference). */
const compareResult = {
  kind: 'compare',
  schema: 1,
  packageVersion: '0.1.0',
  compareHash: 'c'.repeat(64),
  comparison: {
    baseline: 'base',
    firstDay: 0,
    days: 40,
    trials: 2,
    rows: [
      {
        name: 'base',
        metrics: { sharpe: 1.2, trades: 10, winRate: 0.5 },
        funnel: null,
        sample: null,
        psr: 0.8,
        dsr: 0.6,
      },
      {
        name: 'fast | 5',
        metrics: { sharpe: 0.4, trades: 14, winRate: 0.4 },
        funnel: null,
        sample: null,
        psr: 0.6,
        dsr: 0.3,
      },
    ],
    differences: [
      {
        name: 'fast | 5',
        statistics: { sharpe: interval(-0.8, -1.5, -0.1), total_return: interval(0.01, -0.02, 0.05) },
      },
    ],
    pbo: 0.25,
    pboNote: null,
  },
};

describe('withSvgTooltips', () => {
  it('gives data marks a <title> with their description and leaves axes alone', () => {
    const svg =
      '<svg><g class="role-axis"><path aria-label="X-axis" d="M0,0"/></g>' +
      '<g class="role-mark"><path aria-label="pnl: 3; exit: tp" role="graphics-symbol" d="M1,1"/></g></svg>';
    expect(withSvgTooltips(svg)).toBe(
      '<svg><g class="role-axis"><path aria-label="X-axis" d="M0,0"/></g>' +
        '<g class="role-mark"><path aria-label="pnl: 3; exit: tp" role="graphics-symbol" d="M1,1"><title>pnl: 3; exit: tp</title></path></g></svg>',
    );
  });
});

describe('report kinds', () => {
  it('sweep: a heat map of two varied parameters and their sensitivity, best configs ranked', async () => {
    const rows = [5, 10].flatMap((fast, i) =>
      [30, 40].map((slow, j) => ({
        index: 2 * i + j,
        params: { 'b.s.0.fast': String(fast), 'b.s.0.slow': String(slow), 'b.s.0.fixed': '1' },
        trades: 10,
        metrics: { sharpe: fast / 10 - slow / 100 },
      })),
    );
    const report = sweepReport({
      objective: 'sharpe',
      minTrades: 0,
      sweepHash: 'a'.repeat(64),
      dataHash: 'b'.repeat(64),
      packageVersion: '0.1.0',
      axes: ['b.s.0.fast', 'b.s.0.slow', 'b.s.0.fixed'],
      rows,
      best: { index: 2 },
      reason: null,
      statistics: { trials: 4, chosen: { psr: 0.7, dsr: 0.4 }, pbo: { pbo: 0.2 }, pboNote: null },
    });
    expect(reportCharts(report).map((c) => c.id)).toEqual(['heatmap-1', 'sensitivity']);
    const top = report.summary.top as { index: number }[];
    expect(top.map((t) => t.index)).toEqual([2, 3, 0, 1]);
    const html = await renderReportHtml(report);
    // four cells with their means printed, and hover titles on them
    expect(html).toContain('>0.70<');
    expect(html).toContain('<title>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('compare: differences with their intervals; markdown escapes table pipes and links the PNGs', () => {
    const report = compareReport(compareResult as Parameters<typeof compareReport>[0]);
    const charts = reportCharts(report);
    expect(charts.map((c) => c.id)).toEqual(['differences', 'metrics']);
    const values = (charts[0].spec as { data: { values: { verdict: string; statistic: string }[] } }).data
      .values;
    expect(values.map((v) => [v.statistic, v.verdict])).toEqual([
      ['sharpe', 'below baseline'],
      ['total_return', 'interval spans 0'],
    ]);
    const md = renderReportMarkdown(report, new Map(charts.map((c) => [c, `img/${c.id}.png`])));
    expect(md).toContain('![Difference to base with 95% confidence intervals](img/differences.png)');
    expect(md).toContain('| fast \\| 5 | sharpe | -0.8000 | -1.500 | -0.1000 |');
  });

  it('scan: the funnel counts down gate by gate to the signals', () => {
    const stages = scanStages({
      candidates: 100,
      rejected: { warmup: 20, bias: 0, structure: 50, regime: 0, ote: 25, targets: 0, score: 0 },
      byReason: {},
      signals: 5,
      long: 3,
      short: 2,
    });
    expect(stages.map((s) => [s.stage, s.remaining])).toEqual([
      ['candidates', 100],
      ['after warmup', 80],
      ['after structure', 30],
      ['after ote', 5],
      ['signals', 5],
    ]);
  });

  it('short parameter names drop the shared prefix', () => {
    expect(shortParamNames(['backtest.strategies.0.fast', 'backtest.strategies.0.slow'])).toEqual({
      'backtest.strategies.0.fast': 'fast',
      'backtest.strategies.0.slow': 'slow',
    });
    expect(shortParamNames(['strategy.ote.tolerance'])).toEqual({
      'strategy.ote.tolerance': 'ote.tolerance',
    });
  });
});

describe('rebaseLinks', () => {
  it("keeps a chart link pointing at the run's file when the report is written elsewhere", () => {
    const report: RunReport = {
      kind: 'backtest',
      title: 't',
      meta: [],
      summary: {},
      sections: [
        {
          title: 's',
          blocks: [
            table(
              ['a'],
              [
                [
                  { text: 'chart', href: 'charts/BTC-1.html' },
                  { text: 'web', href: 'https://x.org' },
                ],
              ],
            ),
          ],
        },
      ],
    };
    const moved = rebaseLinks(report, 'runs/demo', 'share/docs');
    const rows = (moved.sections[0].blocks[0] as unknown as { rows: { href?: string }[][] }).rows;
    expect(rows[0].map((c) => c.href)).toEqual(['../../runs/demo/charts/BTC-1.html', 'https://x.org']);
    expect(rebaseLinks(report, 'runs/demo', 'runs/demo/')).toBe(report);
  });
});

describe('sampleRejected', () => {
  it('takes each reason in turn, spread over time, and skips entries and warm-up', () => {
    const n = 12;
    const trace: DecisionTrace = {
      symbols: ['BTC'],
      strategies: [{ id: 'smc', reasonNames: ['NONE', 'WARMUP', 'ENTRY_NOT_IN_OTE'] }],
      outcomes: ['', 'entered', 'cooldown:SIGNAL_COOLDOWN'],
      length: n,
      ts: Float64Array.from({ length: n }, (_, i) => i * 1000),
      symbol: new Uint16Array(n),
      strategy: new Uint8Array(n),
      // 0-3 warm-up, 4-7 OTE rejections, 8-9 entered signals, 10-11 cooled-down signals
      action: Int8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, -1, 1]),
      reason: Uint8Array.from([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0]),
      outcome: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2]),
      close: new Float64Array(n),
    };
    const picks = sampleRejected(trace, ['smc'], 4);
    expect(picks.map((p) => [p.label, p.at])).toEqual([
      ['ENTRY_NOT_IN_OTE', 5000],
      ['signal → cooldown:SIGNAL_COOLDOWN', 10000],
      ['ENTRY_NOT_IN_OTE', 7000],
      ['signal → cooldown:SIGNAL_COOLDOWN', 11000],
    ]);
    expect(sampleRejected(trace, ['other'], 4)).toEqual([]);
  });
});

describe('smc report', () => {
  const dir = join(tmp, 'compare');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'result.json'), JSON.stringify(compareResult));

  it('detects the kind and writes Markdown with one PNG per chart beside it', async () => {
    const out = join(tmp, 'share', 'cmp.md');
    const { stdout } = await run(process.execPath, [
      BIN,
      'report',
      dir,
      '--format',
      'md',
      '--out',
      out,
      '--json',
    ]);
    const summary = JSON.parse(stdout) as { kind: string; files: string[]; charts: number };
    expect(summary.kind).toBe('compare');
    expect(summary.charts).toBe(2);
    const md = readFileSync(out, 'utf8');
    for (const png of ['cmp-differences.png', 'cmp-metrics.png']) {
      expect(md).toContain(`](${png})`);
      const bytes = readFileSync(join(tmp, 'share', png));
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(5_000);
    }
  });

  it('--format json prints the summary; png writes a folder; html replaces report.html', async () => {
    const json = JSON.parse(
      (await run(process.execPath, [BIN, 'report', dir, '--format', 'json'])).stdout,
    ) as {
      kind: string;
      comparison: { baseline: string };
    };
    expect([json.kind, json.comparison.baseline]).toEqual(['compare', 'base']);
    await run(process.execPath, [BIN, 'report', dir, '--format', 'png']);
    expect(existsSync(join(dir, 'report-png', 'differences.png'))).toBe(true);
    await run(process.execPath, [BIN, 'report', dir]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Variant comparison against base');
  });

  it('refuses a directory without result.json or with an unknown kind, naming the fix', async () => {
    expect(() => runKindOf(tmp)).toThrow(/no result.json there/);
    const odd = join(tmp, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'result.json'), '{"kind":"movie"}');
    expect(() => runKindOf(odd)).toThrow(/kind must be one of backtest, sweep, walkforward, compare, scan/);
    await expect(run(process.execPath, [BIN, 'report', dir, '--format', 'pdf'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--format must be one of html, md, png, json/),
    });
  });
});
