import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../data/store/duckdb.ts';
import { runBacktest } from '../../engine/backtest/run.ts';
import { buildBacktestReport } from '../../reports/backtest/html.ts';
import { RUN_FILES } from '../../reports/run-dir/layout.ts';
import { readBacktestRun } from '../../reports/run-dir/read.ts';
import { writeBacktestRun } from '../../reports/run-dir/write.ts';
import { EMA_CONFIG, emaFeed } from './kit.ts';

const dir = mkdtempSync(join(tmpdir(), 'smc-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowCount(path: string): Promise<number> {
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    const r = await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(path)})`);
    return Number(r.getRows()[0][0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('backtest run directory', async () => {
  const result = await runBacktest(
    { ...EMA_CONFIG, backtest: { ...EMA_CONFIG.backtest, trace: 'all' } },
    emaFeed(8_000),
  );
  const written = await writeBacktestRun(dir, result, {
    config: { any: 'config' },
    versions: { node: process.version },
  });

  it('holds result.json with the hashes, versions and metrics', () => {
    for (const f of Object.values(RUN_FILES)) expect(existsSync(join(dir, f)), f).toBe(true);
    const json = JSON.parse(readFileSync(written.files.result, 'utf8'));
    expect(json.resultHash).toBe(result.resultHash);
    expect(json.configHash).toBe(result.configHash);
    expect(json.dataHash).toBe(result.dataHash);
    expect(json.versions['smc-lab']).toBe(result.packageVersion);
    expect(json.metrics.trades).toBe(result.trades.length);
    expect(json.config).toEqual({ any: 'config' });
  });

  it('writes every trade, equity point and decision to Parquet', async () => {
    expect(await rowCount(written.files.tradesParquet)).toBe(result.trades.length);
    expect(await rowCount(written.files.equity)).toBe(result.equity.ts.length);
    expect(await rowCount(written.files.decisions)).toBe(8_000);
    expect(await rowCount(written.files.orders)).toBe(result.intents.length);
    expect(await rowCount(written.files.fills)).toBe(result.fills.length);
  });

  it('decision rows carry names, not codes', async () => {
    const { instance, connection } = await openDuckDb(':memory:');
    try {
      const r = await connection.runAndReadAll(
        `SELECT action, reason, outcome, count(*) FROM read_parquet(${sqlString(written.files.decisions)}) GROUP BY ALL ORDER BY ALL`,
      );
      const rows = r.getRows().map((x) => x.map(String));
      expect(rows).toContainEqual(['NO_SIGNAL', 'WARMUP', 'no_signal', '49']);
      expect(rows.some((x) => x[0] === 'LONG' && x[2] === 'reversed')).toBe(true);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('reads back the trades exactly and the equity curve bit for bit', async () => {
    const back = await readBacktestRun(dir);
    expect(back.trades).toEqual(result.trades);
    expect(back.equity.equity).toEqual(result.equity.equity);
    expect(back.equity.ts).toEqual(result.equity.ts);
    expect(back.metrics).toEqual(JSON.parse(JSON.stringify(result.metrics)));
  });

  it('report.html is self-contained: inline SVG charts with marks, no script, no external reference', () => {
    const html = readFileSync(written.files.report, 'utf8');
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(4);
    // Every chart drew marks: a line path for equity, an area for drawdown, bars (rects) elsewhere.
    expect(svgs[0]).toMatch(/class="mark-line[^"]*"[\s\S]*?<path[^>]*d="M[\d.]/);
    expect(svgs[1]).toMatch(/class="mark-area[^"]*"[\s\S]*?<path[^>]*d="M[\d.]/);
    expect(html).toMatch(/class="mark-rect[^"]*"/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain(result.resultHash.slice(0, 16));
  });

  it('a run without trades still builds a report', async () => {
    const flat = await runBacktest(EMA_CONFIG, emaFeed(40));
    const html = await buildBacktestReport(flat);
    expect(flat.trades).toHaveLength(0);
    expect(html).toContain('No trades.');
    expect(html).toMatch(/<svg/);
  });
});
