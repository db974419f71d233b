import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal as D } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BacktestConfigInput,
  backtestFromStore,
  CandleStore,
  type ConfigDocument,
  computeMetrics,
  loadBacktestConfig,
  loadCandles,
  readBacktestRun,
  runBacktest,
  seriesFromLegs,
  sweep,
  type TradeRecord,
} from '../../index.ts';

/**
 * The package's main export as a notebook uses it: everything below is imported from index.ts only.
 * A scripted path (up, down, up) makes the EMA crossover's trades predictable: one short on the way down,
 * reversed into one long at the bottom, held to the end.
 */
/** Wide enough that sums of the ledger's decimal strings stay exact. */
const Decimal = D.clone({ precision: 80 });
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const series = seriesFromLegs(
  100,
  [
    { to: 110, bars: 30 },
    { to: 80, bars: 40 },
    { to: 120, bars: 60 },
  ],
  { symbol: 'BTC', timeframe: '1h', start: START },
);
const barAt = (ts: number) => (ts - START) / HOUR;

const frictionless: BacktestConfigInput = {
  sim: { initialBalance: 10_000, fees: { maker: 0, taker: 0 }, slippageBps: 0, funding: { rate: 0 } },
  backtest: {
    strategies: [{ kind: 'ema_cross', fast: 3, slow: 8, fraction: 0.5 }],
    safety: false,
    trace: 'signals',
  },
};

/** Quantity the simulator fills for `fraction` of `equity` at `price` (step 0.0001, rounded down). */
const qtyFor = (equity: number, price: number) => new Decimal(equity * 0.5).div(price).toDecimalPlaces(4, 1);

function expectScriptedTrades(trades: readonly TradeRecord[]): void {
  expect(trades.map((t) => [t.side, t.exitReason])).toEqual([
    ['short', 'signal_reverse'],
    ['long', 'open'],
  ]);
  const [short, long] = trades;
  // Orders from a decision at a bar close fill at the next bar's open (no slippage configured).
  expect(Number(short.entryPrice)).toBe(series.open[barAt(short.entryTs)]);
  expect(Number(short.exitPrice)).toBe(series.open[barAt(short.exitTs)]);
  expect(short.exitTs).toBe(long.entryTs);
  expect(short.qty).toBe(qtyFor(10_000, Number(short.entryPrice)).toFixed());
  const shortPnl = new Decimal(short.entryPrice).minus(short.exitPrice).times(short.qty);
  expect(Number(short.pnl)).toBeCloseTo(shortPnl.toNumber(), 9);
  // The long is sized from the equity after the short, and marked to the last close at the end.
  expect(long.qty).toBe(qtyFor(10_000 + Number(short.pnl), Number(long.entryPrice)).toFixed());
  expect(Number(long.exitPrice)).toBe(series.close[series.length - 1]);
  expect(Number(long.pnl)).toBeCloseTo(
    (Number(long.exitPrice) - Number(long.entryPrice)) * Number(long.qty),
    9,
  );
}

describe('public API: runBacktest and computeMetrics on synthetic candles', () => {
  it('trades the scripted path as predicted, and its metrics are computeMetrics of its curve and trades', async () => {
    const r = await runBacktest(frictionless, {
      baseTimeframe: '1h',
      candles: { BTC: { '1h': series } },
    });
    expectScriptedTrades(r.trades);
    const pnl = r.trades.reduce((sum, t) => sum.plus(t.netPnl), new Decimal(0));
    expect(r.finalEquity).toBe(pnl.plus(10_000).toFixed());
    expect(r.metrics.totalReturn).toBeCloseTo(pnl.toNumber() / 10_000, 12);
    expect(r.metrics.closedTrades).toBe(1);
    expect(r.metrics.openTrades).toBe(1);
    expect(r.metrics.winRate).toBe(1);
    expect(r.metrics.feesPaid).toBe(0);
    expect(computeMetrics({ curve: r.equity, trades: r.trades, startEquity: r.startEquity })).toEqual(
      r.metrics,
    );
  });

  it('computeMetrics of a hand-made curve and trades gives the hand-computed figures', () => {
    const day = 86_400_000;
    const curve = {
      ts: Float64Array.from([0, 1, 2, 3], (k) => START + k * day),
      equity: Float64Array.from([100, 110, 99, 121]),
    };
    const trade = (netPnl: number, exitReason: string): TradeRecord => ({
      strategyId: 's',
      symbol: 'BTC',
      side: 'long',
      entryTs: START,
      exitTs: START + day,
      entryPrice: '100',
      exitPrice: '101',
      qty: '1',
      fees: '0',
      funding: '0',
      pnl: String(netPnl),
      netPnl: String(netPnl),
      exitReason,
    });
    const m = computeMetrics({
      curve,
      trades: [trade(30, 'take_profit'), trade(-10, 'stop_loss'), trade(20, 'take_profit')],
      startEquity: 100,
    });
    expect(m.finalEquity).toBe(121);
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    expect(m.maxDrawdown).toBeCloseTo(11 / 110, 12);
    expect([m.trades, m.wins, m.losses]).toEqual([3, 2, 1]);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(50 / 10, 12);
    expect(m.expectancy).toBeCloseTo(40 / 3, 12);
    expect(m.byExitReason.take_profit).toEqual({ count: 2, wins: 2, netPnl: 50 });
    expect(m.byExitReason.stop_loss).toEqual({ count: 1, wins: 0, netPnl: -10 });
  });
});

describe('public API: store-backed workflows', () => {
  let dir = '';
  let db = '';
  const config: ConfigDocument = frictionless;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smc-api-'));
    db = join(dir, 'candles.duckdb');
    const store = await CandleStore.open(db);
    try {
      await store.upsert(series);
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loadCandles reads the warm-up history before `from`', async () => {
    const from = series.ts[50];
    const [s] = await loadCandles({ db, symbols: ['BTC'], from }, { warmup: 10 * HOUR });
    expect(s.length).toBe(series.length - 40);
    expect(s.ts[0]).toBe(series.ts[40]);
    expect(Array.from(s.close)).toEqual(Array.from(series.close.subarray(40)));
  });

  it('backtestFromStore writes a run directory that reads back as the in-memory run of the same candles', async () => {
    const out = join(dir, 'run');
    const progress: number[] = [];
    const {
      result,
      run,
      config: used,
    } = await backtestFromStore({
      db,
      config,
      out,
      onProgress: (done, total) => progress.push(done / total),
    });
    expectScriptedTrades(result.trades);
    expect(progress.at(-1)).toBe(1);
    expect(run.dir).toBe(out);
    for (const f of ['result.json', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).resultHash).toBe(result.resultHash);

    // The store round trip changes nothing: the same config on the in-memory series gives the same result.
    const direct = await runBacktest(used, { baseTimeframe: '1h', candles: { BTC: { '1h': series } } });
    expect(direct.dataHash).toBe(result.dataHash);
    expect(direct.resultHash).toBe(result.resultHash);

    const back = await readBacktestRun(out);
    expect(back.resultHash).toBe(result.resultHash);
    expect(back.metrics.totalReturn).toBe(result.metrics.totalReturn);
    expect(back.trades.map((t) => t.netPnl)).toEqual(result.trades.map((t) => t.netPnl));
  });

  it('backtestFromStore stops at the first progress report after its signal aborts', async () => {
    const ctl = new AbortController();
    const run = backtestFromStore({
      db,
      config,
      out: join(dir, 'aborted'),
      onProgress: (done) => {
        if (done > 0) ctl.abort(new Error('stop here'));
      },
      signal: ctl.signal,
    });
    await expect(run).rejects.toThrow('stop here');
    expect(existsSync(join(dir, 'aborted'))).toBe(false);
  });

  it('sweep runs a grid in this thread, picks the best by the objective, and an aborted rerun resumes', async () => {
    const grid = { objective: 'totalReturn', params: { 'backtest.strategies.0.fast': [2, 3] } };
    const out = join(dir, 'sweep');
    const stopped = new AbortController();
    stopped.abort();
    const first = await sweep({ db, config, grid, workers: 0, out, signal: stopped.signal });
    expect(first).toEqual({ complete: false, runDir: out, configs: 2, resumed: 0, computed: 0 });

    const s = await sweep({ db, config, grid, workers: 0, out });
    if (!s.complete) throw new Error('the sweep should finish');
    expect([s.configs, s.resumed, s.computed]).toEqual([2, 0, 2]);
    const byFast = new Map(s.rows.map((r) => [r.params['backtest.strategies.0.fast'], r]));
    // fast 3 is the run above; its sweep row carries the same total return.
    const fast3 = await runBacktest(loadBacktestConfig(config), {
      baseTimeframe: '1h',
      candles: { BTC: { '1h': series } },
    });
    expect(byFast.get(3)?.metrics.totalReturn).toBeCloseTo(fast3.metrics.totalReturn, 12);
    const best = [...byFast.values()].sort(
      (a, b) => (b.metrics.totalReturn ?? 0) - (a.metrics.totalReturn ?? 0),
    )[0];
    expect(s.best?.index).toBe(best.index);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(3);

    const again = await sweep({ db, config, grid, workers: 0, out });
    if (!again.complete) throw new Error('the rerun should finish');
    expect([again.resumed, again.computed, again.sweepHash]).toEqual([2, 0, s.sweepHash]);
  });
});
