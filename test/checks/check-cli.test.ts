import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/check.ts';
import { bundledSampleFiles } from '../../data/io/bundled-sample.ts';
import { importCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import type { LookaheadReport, WarmupReport } from '../../engine/research/checks/index.ts';
import { smcInProcess } from '../kit/cli.ts';

const smc = (args: string[]) => smcInProcess(register, args);

/**
 * `smc check lookahead|warmup` through commander and the real candle store, on the bundled BTC 1h
 * sample: the default config passes the lookahead check, reports come out as text and JSON, the exit
 * code follows the verdict, and bad flags are refused by name.
 */
const tmp = mkdtempSync(join(tmpdir(), 'smc-check-'));
const db = join(tmp, 'sample.duckdb');

beforeAll(async () => {
  const store = await CandleStore.open(db);
  try {
    for (const f of bundledSampleFiles().filter((p) => p.endsWith('BTCUSDT_1h.parquet')))
      await importCandleFile(store, f);
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scope = ['--db', db, '--symbols', 'BTC', '--timeframe', '1h'];

describe('smc check lookahead', () => {
  it('passes the default config on the bundled sample (exit 0, JSON report)', async () => {
    const r = await smc([
      'check',
      'lookahead',
      ...scope,
      '--from',
      '2021-09-01',
      '--to',
      '2022-03-01',
      '--samples',
      '3',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LookaheadReport;
    expect(report.ok).toBe(true);
    expect(report.scopes).toEqual([
      { strategyId: 'smc', symbol: 'BTC', sampled: 3, signals: 2, differences: 0 },
    ]);
  });

  it('prints a table and the verdict as text', async () => {
    const r = await smc([
      'check',
      'lookahead',
      ...scope,
      '--from',
      '2021-12-01',
      '--to',
      '2022-03-01',
      '--samples',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/smc\s+BTC\s+2 bars/);
    expect(r.stdout).toContain('ok: no sampled decision changed');
  });

  it('refuses a bad --samples by name', async () => {
    const r = await smc(['check', 'lookahead', ...scope, '--samples', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--samples must be ≥ 1/);
  });
});

describe('smc check warmup', () => {
  it('reports each input per timeframe against the declared and required warm-up; exit code = verdict', async () => {
    const config = join(tmp, 'ema.yaml');
    writeFileSync(
      config,
      'backtest:\n  strategies:\n    - { kind: ema_cross, fast: 5, slow: 20 }\n  safety: false\n',
    );
    const args = [
      'check',
      'warmup',
      ...scope,
      '--config',
      config,
      '--from',
      '2022-01-01',
      '--to',
      '2022-07-01',
    ];
    const json = await smc([...args, '--json']);
    const report = JSON.parse(json.stdout) as WarmupReport;
    expect(json.code).toBe(report.ok ? 0 : 1);
    const s = report.strategies[0];
    expect(s.strategyId).toBe('ema-cross');
    expect(s.features.map((f) => `${f.name} ${f.timeframe}`)).toEqual(['EMA 5 1h', 'EMA 20 1h']);
    expect(s.features[1].measurements).toHaveLength(3);
    const text = await smc(args);
    expect(text.code).toBe(json.code);
    expect(text.stdout).toContain('1h (declared 20 bars');
    expect(text.stdout).toMatch(/EMA 20 — slow line\s+needs \d+ bars/);
  });

  it('refuses a tolerance that is not a fraction', async () => {
    const r = await smc(['check', 'warmup', ...scope, '--tolerance', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tolerance must be < 1');
  });
});
