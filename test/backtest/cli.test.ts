import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestFromStore } from '../../cli/backtest-run.ts';
import { parseCandleScope } from '../../cli/options.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { smcFeed } from './kit.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'smc-cli-'));
const db = join(dir, 'store.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const store = await CandleStore.open(db);
  try {
    for (const byTf of Object.values(smcFeed(['AAA', 'BBB'], 400).candles)) {
      const s = byTf['1h'];
      if (s) await store.upsert(s);
    }
  } finally {
    await store.close();
  }
});

describe('smc backtest', () => {
  it('twice on the same inputs gives the same result hash; one config value changes it', async () => {
    const scope = parseCandleScope({ db, timeframe: '1h', json: true });
    const a = await backtestFromStore({ scope, out: join(dir, 'a') });
    const b = await backtestFromStore({ scope, out: join(dir, 'b') });
    expect(b.result.resultHash).toBe(a.result.resultHash);
    expect(a.result.trades.length).toBeGreaterThan(0);

    const cfg = join(dir, 'risk.yaml');
    writeFileSync(cfg, 'risk:\n  risk_per_trade_pct: 0.005\n');
    const c = await backtestFromStore({ scope, configFile: cfg, out: join(dir, 'c') });
    expect(c.result.configHash).not.toBe(a.result.configHash);
    expect(c.result.resultHash).not.toBe(a.result.resultHash);
    expect(c.result.dataHash).toBe(a.result.dataHash);
  });

  it('--from trades only from that date, with warm-up history loaded before it', async () => {
    const from = Date.UTC(2024, 9, 1);
    const scope = parseCandleScope({ db, timeframe: '1h', from: '2024-10-01', json: true });
    const r = await backtestFromStore({ scope, out: join(dir, 'from') });
    expect(r.result.from).toBe(from);
    for (const t of r.result.trades) expect(t.entryTs).toBeGreaterThan(from);
  });

  it('--charts picks how many trade charts the run pre-draws (none, a count, all)', async () => {
    const scope = parseCandleScope({ db, timeframe: '1h', json: true });
    const none = await backtestFromStore({ scope, out: join(dir, 'charts-none'), charts: 'none' });
    expect(existsSync(join(dir, 'charts-none', 'charts'))).toBe(false);
    const one = await backtestFromStore({ scope, out: join(dir, 'charts-one'), charts: 1 });
    expect(one.result.resultHash).toBe(none.result.resultHash);
    const index = JSON.parse(readFileSync(join(dir, 'charts-one', 'charts', 'index.json'), 'utf8')) as {
      trades: unknown[];
      tradesWithout: number;
    };
    expect(index.trades).toHaveLength(1);
    expect(index.tradesWithout).toBe(one.result.trades.length - 1);
  });

  it('a config that breaks a cross-field rule is refused, naming the rule', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'safety:\n  max_margin_utilization_pct: 0.8\n');
    const scope = parseCandleScope({ db, timeframe: '1h', json: true });
    await expect(backtestFromStore({ scope, configFile: cfg })).rejects.toThrow(/max_margin_utilization_pct/);
  });

  it('the command writes the run directory and prints a JSON summary', async () => {
    const out = join(dir, 'cli');
    const { stdout } = await run(
      process.execPath,
      [
        'bin/smc.mjs',
        'backtest',
        '--db',
        db,
        '--timeframe',
        '1h',
        '--symbols',
        'AAA',
        '--out',
        out,
        '--json',
      ],
      { cwd: join(import.meta.dirname, '../..') },
    );
    const summary = JSON.parse(stdout);
    expect(summary.runDir).toBe(out);
    expect(summary.symbols).toEqual(['AAA']);
    expect(existsSync(summary.report)).toBe(true);
    expect(summary.resultHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
