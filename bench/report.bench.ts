import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUniverse } from '../data/synthetic/index.ts';
import { parseBacktestConfig } from '../engine/backtest/config.ts';
import type { BacktestFeed } from '../engine/backtest/feed.ts';
import { runBacktest } from '../engine/backtest/run.ts';
import { readRunReport } from '../reports/report/read.ts';
import { renderReportHtml } from '../reports/report/render-html.ts';
import { writeReport } from '../reports/report/write.ts';
import { writeBacktestRun } from '../reports/run-dir/write.ts';

/**
 * The report build (issue 8: "the report of a 45-symbol backtest builds in under 3 s"). Run:
 * `npm run bench -- --only report [--reps N] [--timeframe 15m|1h]`.
 *
 * A year of synthetic candles for the 45-symbol universe (data/synthetic, seed 7, 15m by default) runs
 * through the SMC backtest with gates relaxed so it trades; its run directory is written with the signal
 * charts (timed apart: they are drawn when the run is written, not when the report is built). Then the
 * figure: `smc report DIR` — reading the run directory back (result.json, trades, equity Parquet, chart
 * index) and building the self-contained HTML (every vega-lite chart rendered to inline SVG). Median of
 * `--reps` runs (default 5) after one warm-up; CPU time (user + system) beside wall time.
 */

const TARGET_MS = 3000;

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function load(): string {
  try {
    return execSync('uptime', { encoding: 'utf8' }).trim();
  } catch (err) {
    return `uptime unavailable (${(err as Error).message})`;
  }
}

export async function run(args: string[]): Promise<void> {
  const reps = Number(argValue(args, '--reps') ?? 5);
  const timeframe = argValue(args, '--timeframe') === '1h' ? '1h' : '15m';
  const universe = generateUniverse({ timeframe, seed: 7 });
  const feed: BacktestFeed = {
    baseTimeframe: timeframe,
    candles: Object.fromEntries(universe.map((s) => [s.symbol, { [timeframe]: s }])),
  };
  // the seed's "more trades" options together, so the report has trades to show on every chart
  const config = parseBacktestConfig({
    strategy: {
      ote: { tolerance: 0.05 },
      structure: { accept_1h_fallback: true },
      regimes: { allowed: ['tight_smc', 'wide_smc', 'volatile_smc'] },
    },
  });
  const bt = await timed(() => runBacktest(config, feed));
  const result = bt.value;
  const bars = universe.reduce((n, s) => n + s.length, 0);
  process.stdout.write(
    `45-symbol backtest: ${universe.length} symbols × ${universe[0].length.toLocaleString('en-US')} ${timeframe} bars ` +
      `(${bars.toLocaleString('en-US')} bars) → ${result.trades.length} trades, ${result.equity.ts.length.toLocaleString('en-US')} ` +
      `equity points, ${result.trace.length.toLocaleString('en-US')} traced decisions (${(bt.wallMs / 1000).toFixed(1)} s)\n`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'smc-report-bench-'));
  try {
    const candles = Object.fromEntries(universe.map((s) => [s.symbol, s]));
    const write = await timed(() =>
      writeBacktestRun(dir, result, {
        config,
        charts: { candles, strategy: config.strategy, smcStrategyIds: ['smc'] },
      }),
    );
    process.stdout.write(
      `run directory written with signal charts and report.html: wall ${(write.wallMs / 1000).toFixed(2)} s, ` +
        `cpu ${(write.cpuMs / 1000).toFixed(2)} s (not the figure: charts are drawn with the run)\n`,
    );

    const runs: { wallMs: number; cpuMs: number }[] = [];
    let charts = 0;
    let bytes = 0;
    for (let i = 0; i <= reps; i++) {
      const r = await timed(async () => {
        const report = await readRunReport(dir);
        return { report, html: await renderReportHtml(report) };
      });
      if (i > 0) runs.push(r);
      bytes = r.value.html.length;
      charts = (r.value.html.match(/<figure class="chart"/g) ?? []).length;
    }
    const wall = median(runs.map((r) => r.wallMs));
    const cpu = median(runs.map((r) => r.cpuMs));
    process.stdout.write(
      `smc report DIR (read run dir + HTML, ${charts} charts, ${(bytes / 1024).toFixed(0)} KiB): median of ${runs.length}: ` +
        `wall ${wall.toFixed(0)} ms, cpu ${cpu.toFixed(0)} ms; target ${TARGET_MS} ms → ratio ${(wall / TARGET_MS).toFixed(2)} ` +
        `(${wall <= TARGET_MS ? 'met' : 'NOT met'})\n`,
    );
    const png = await timed(async () => writeReport(await readRunReport(dir), 'png', join(dir, 'png')));
    process.stdout.write(
      `smc report DIR --format png (${png.value.files.length} PNGs): wall ${png.wallMs.toFixed(0)} ms, cpu ${png.cpuMs.toFixed(0)} ms\n`,
    );
    process.stdout.write(`load: ${load()}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
