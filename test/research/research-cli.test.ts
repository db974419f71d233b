import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandleStore } from '../../data/store/candle-store.ts';
import { syntheticSeries } from '../../data/synthetic/index.ts';

/**
 * `smc sweep`, `smc walkforward` and `smc compare` end to end on a store of synthetic candles: the acceptance properties through the real
 * command (worker-count independence, resume after SIGINT, errors before any work).
 */
const BIN = new URL('../../bin/smc.mjs', import.meta.url).pathname;
const GRID = new URL('./fixtures/ema-grid.yaml', import.meta.url).pathname;
const CONFIG = new URL('./fixtures/ema-config.yaml', import.meta.url).pathname;
let root = '';
let db = '';

function smc(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return {
    child,
    done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))),
  };
}

const sweepArgs = (out: string, workers: number) => [
  'sweep',
  '--db',
  db,
  '--config',
  CONFIG,
  '--grid',
  GRID,
  '--workers',
  String(workers),
  '--out',
  out,
  '--json',
];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'smc-sweep-cli-'));
  db = join(root, 'candles.duckdb');
  const store = await CandleStore.open(db);
  for (const [symbol, seed] of [
    ['BTC', 1],
    ['ETH', 2],
  ] as const) {
    await store.upsert(
      syntheticSeries({ symbol, timeframe: '1h', length: 24 * 40, seed, start: Date.UTC(2024, 0, 1) }),
    );
  }
  await store.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('smc sweep', () => {
  let reference = { csv: '', hash: '' };

  it('writes the same sweep.csv and sweep hash with 1 and 2 workers, plus parquet, result.json and report.html', async () => {
    const r1 = await smc(sweepArgs(join(root, 'w1'), 1)).done;
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const r2 = await smc(sweepArgs(join(root, 'w2'), 2)).done;
    expect(r2.code).toBe(0);
    const s1 = JSON.parse(r1.stdout) as {
      sweepHash: string;
      configs: number;
      best: { index: number } | null;
    };
    const s2 = JSON.parse(r2.stdout) as { sweepHash: string };
    expect(s1.configs).toBe(6);
    expect(s2.sweepHash).toBe(s1.sweepHash);
    const csv = readFileSync(join(root, 'w1', 'sweep.csv'), 'utf8');
    expect(readFileSync(join(root, 'w2', 'sweep.csv'), 'utf8')).toBe(csv);
    expect(csv.split('\n')[0]).toMatch(
      /^index,backtest\.strategies\.0\.fast,backtest\.strategies\.0\.slow,configHash,trades,startEquity,/,
    );
    expect(csv.trim().split('\n')).toHaveLength(7);
    for (const f of ['sweep.parquet', 'result.json', 'report.html', 'results.jsonl'])
      expect(existsSync(join(root, 'w1', f))).toBe(true);
    const result = JSON.parse(readFileSync(join(root, 'w1', 'result.json'), 'utf8')) as {
      sweepHash: string;
      statistics: { trials: number };
      best: { index: number } | null;
    };
    expect(result.sweepHash).toBe(s1.sweepHash);
    expect(result.statistics.trials).toBe(6);
    expect(result.best?.index).toBe(s1.best?.index);
    reference = { csv, hash: s1.sweepHash };
  });

  it('stops on SIGINT with exit code 130 and resumes to the same hash when rerun', async () => {
    const out = join(root, 'int');
    const { child, done } = smc(sweepArgs(out, 1));
    const log = join(out, 'results.jsonl');
    const deadline = Date.now() + 60_000;
    while ((!existsSync(log) || readFileSync(log, 'utf8').split('\n').length < 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    const first = await done;
    const logged = readFileSync(log, 'utf8').trim().split('\n').length;
    if (first.code === 0) {
      // The sweep finished before the signal landed: nothing to resume, but the result must still agree.
      expect(JSON.parse(first.stdout).sweepHash).toBe(reference.hash);
      return;
    }
    expect(first.code).toBe(130);
    expect(logged).toBeLessThan(6);
    const second = await smc(sweepArgs(out, 2)).done;
    expect(second.code).toBe(0);
    const s = JSON.parse(second.stdout) as { sweepHash: string; resumed: number; computed: number };
    expect(s.resumed).toBe(logged);
    expect(s.computed).toBe(6 - logged);
    expect(s.sweepHash).toBe(reference.hash);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).toBe(reference.csv);
  });

  it('names unknown grid paths and unknown objectives before any work, with exit code 2', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(
      bad,
      'objective: sharpe\nparams:\n  strategy.ote.zone_lo: [0.5]\n  strategy.ote.tolerance: [0.9]\n',
    );
    const r = await smc(['sweep', '--db', db, '--grid', bad, '--out', join(root, 'bad')]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /params\.strategy\.ote\.zone_lo: not a config path \(strategy\.ote has: enabled, zone_low, zone_high, tolerance\)/,
    );
    expect(existsSync(join(root, 'bad'))).toBe(false);
    // (Values the schema refuses are reported the same way: engine/research/grid/expand.test.ts.)
    writeFileSync(bad, 'objective: sharp\nparams:\n  strategy.ote.tolerance: [0.1]\n');
    const r3 = await smc(['sweep', '--db', db, '--grid', bad]).done;
    expect(r3.stderr).toMatch(/objective 'sharp' is not a metric: use one of .*sharpe/);
  });
});

describe('smc walkforward', () => {
  it('writes per-window choices whose OOS returns chain into the stitched OOS equity', async () => {
    const out = join(root, 'wf');
    const r = await smc([
      'walkforward',
      '--db',
      db,
      '--config',
      CONFIG,
      '--grid',
      GRID,
      '--train',
      '15d',
      '--test',
      '5d',
      '--workers',
      '2',
      '--out',
      out,
      '--json',
    ]).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { windows: number; outOfSample: { totalReturn: number } };
    // 40 days of data; the first train span starts after the required warm-up (EMA 40 until its seed
    // weighs ≤ 1e-4: 40 + 185 + 1 = 226 1h bars, 9.4 days), so (40 − 9.4 − 15) / 5 → 3 whole windows
    expect(summary.windows).toBe(3);
    const rows = readFileSync(join(out, 'windows.csv'), 'utf8').trim().split('\n');
    const header = rows[0].split(',');
    const oos = header.indexOf('oos_totalReturn');
    let growth = 1;
    for (const row of rows.slice(1)) growth *= 1 + Number(row.split(',')[oos]);
    expect(summary.outOfSample.totalReturn).toBeCloseTo(growth - 1, 10);
    for (const f of ['oos-equity.csv', 'oos-trades.csv', 'result.json', 'report.html'])
      expect(existsSync(join(out, f))).toBe(true);
  });
});

describe('smc compare --train/--test (variants walked forward)', () => {
  it('walks every variant over the same windows and compares their stitched out-of-sample runs', async () => {
    const variants = join(root, 'variants-wf.yaml');
    writeFileSync(
      variants,
      'bootstrap: { seed: 3, resamples: 200 }\nvariants:\n  base: {}\n  fast5: { backtest.strategies.0.fast: 5 }\n',
    );
    const out = join(root, 'cmp-wf');
    const args = ['compare', '--db', db, '--config', CONFIG, '--variants', variants, '--train', '15d'];
    const rest = ['--test', '5d', '--workers', '2', '--out', out, '--json'];
    const r = await smc([...args, ...rest]).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as {
      trials: number;
      days: number;
      rows: { name: string; metrics: { trades: number }; sharpeInterval: { low: number; high: number } }[];
    };
    expect(c.rows.map((x) => x.name)).toEqual(['base', 'fast5']);
    expect(c.trials).toBe(2);
    // each variant is a full walk-forward run directory; the comparison's rows are their stitched OOS runs
    for (const v of ['base', 'fast5']) {
      const wf = JSON.parse(readFileSync(join(out, v, 'result.json'), 'utf8')) as {
        kind: string;
        windows: unknown[];
        outOfSample: { trades: number };
      };
      expect(wf.kind).toBe('walkforward');
      expect(wf.windows).toHaveLength(3);
      expect(c.rows.find((x) => x.name === v)?.metrics.trades).toBe(wf.outOfSample.trades);
    }
    for (const row of c.rows) expect(row.sharpeInterval.low).toBeLessThanOrEqual(row.sharpeInterval.high);
    // 3 test windows of 5 days, chained
    expect(c.days).toBeGreaterThanOrEqual(14);
    const bad = await smc(['compare', '--db', db, '--variants', variants, '--train', '15d']).done;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/needs both --train and --test/);
  });
});

describe('smc compare', () => {
  it('compares variants with bootstrap intervals, PSR and DSR, and compares finished sweep directories', async () => {
    const variants = join(root, 'variants.yaml');
    writeFileSync(
      variants,
      'bootstrap: { seed: 3, resamples: 200 }\nvariants:\n  base: {}\n  fast5: { backtest.strategies.0.fast: 5 }\n  same: { backtest.strategies.0.fast: 10 }\n',
    );
    const out = join(root, 'cmp');
    const r = await smc([
      'compare',
      '--db',
      db,
      '--config',
      CONFIG,
      '--variants',
      variants,
      '--workers',
      '2',
      '--out',
      out,
      '--json',
    ]).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as {
      baseline: string;
      trials: number;
      rows: { name: string; psr: number; dsr: number }[];
      differences: {
        name: string;
        statistics: { sharpe: { estimate: number; low: number; high: number } };
      }[];
    };
    expect(c.baseline).toBe('base');
    expect(c.trials).toBe(3);
    expect(c.rows.map((x) => x.name)).toEqual(['base', 'fast5', 'same']);
    // `same` spells out the base config's default (fast 10): identical runs, a zero difference.
    const same = c.differences.find((d) => d.name === 'same')?.statistics.sharpe;
    expect([same?.estimate, same?.low, same?.high]).toEqual([0, 0, 0]);
    for (const row of c.rows) expect(row.dsr).toBeLessThanOrEqual(row.psr);
    expect(readFileSync(join(out, 'differences.csv'), 'utf8').split('\n')[0]).toBe(
      'variant,statistic,difference,low,high,confidence,blockLength,method',
    );

    const dirs = await smc([
      'compare',
      join(root, 'w1'),
      join(root, 'w2'),
      '--out',
      join(root, 'cmp-dirs'),
      '--json',
    ]).done;
    expect(dirs.code).toBe(0);
    const d = JSON.parse(dirs.stdout) as { trials: number };
    expect(d.trials).toBe(12);
  });
});
