import { readFileSync, writeFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { type CandleSeries, seriesFromColumns } from '../data/candles/series.ts';
import { UserError } from '../data/errors.ts';
import { importBundledSample } from '../data/io/bundled-sample.ts';
import { CandleStore } from '../data/store/candle-store.ts';
import { syntheticSeries } from '../data/synthetic/index.ts';
import type { BacktestConfigInput } from '../engine/backtest/config.ts';
import type { BacktestFeed } from '../engine/backtest/feed.ts';
import { runBacktest } from '../engine/backtest/run.ts';
import type { BacktestResult } from '../engine/backtest/types.ts';

/**
 * The trading-core benchmarks (issue 4). Run: `npm run bench -- --only engine [--csv FILE] [--write-csv FILE]
 * [--reps N]`.
 *
 * (a) EMA(20/50) crossover through the full engine — Trader, simulated broker with its exact (decimal.js)
 *     ledger, fees, trades, equity curve, metrics and result hash — over 100k 15m bars. Rules: EMA 20/50
 *     on the close (SMA-seeded), long 90% of equity on a cross up, short 90% on a cross down (one
 *     reversing order), market orders filled at the next bar's open, 0.05% commission on notional,
 *     start cash 10,000, no slippage, no funding, qty step 1e-8. Bars: `--csv FILE` (header
 *     ts,open,high,low,close,volume; ts in epoch ms or s, or ISO), else a seeded synthetic series whose
 *     open equals the previous close (`--write-csv FILE` saves it so another framework can be timed on
 *     the same bars). Target ≥ 2.4M bars/s per core (200× backtrader 1.9's ~12k bars/s here).
 * (b) The full SMC chain (default config: decisions → cooldown → risk → auction → orders → position FSM
 *     → safety) over the bundled sample (5 symbols, 1h, 2020–2023). Target ≥ 1M bars/s per core.
 *
 * Each figure is the median of `--reps` runs (default 7) after two warm-up runs; "per core" uses the
 * process CPU time (user + system), the wall time is printed beside it. One thread throughout.
 */

const EMA_TARGET = 2_400_000;
const SMC_TARGET = 1_000_000;

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function parseTs(text: string, row: number): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < 1e11 ? n * 1000 : n;
  }
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms))
    throw new UserError(`--csv row ${row}: '${text}' is not a time (epoch ms/s or ISO)`);
  return ms;
}

/** Bars of `--csv FILE`: header ts,open,high,low,close,volume (any order, case-insensitive). */
export function readBenchCsv(path: string): CandleSeries {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string, alt: string[] = []) => {
    const i = [name, ...alt].map((n) => header.indexOf(n)).find((k) => k >= 0);
    if (i === undefined)
      throw new UserError(`--csv ${path}: no '${name}' column in the header (${header.join(',')})`);
    return i;
  };
  const idx = {
    ts: col('ts', ['datetime', 'date', 'time', 'timestamp']),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
  };
  const n = lines.length;
  const cols = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  lines.forEach((line, r) => {
    const f = line.split(',');
    cols.ts[r] = parseTs(f[idx.ts], r + 2);
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const v = Number(f[idx[k]]);
      if (!Number.isFinite(v))
        throw new UserError(`--csv ${path} row ${r + 2}: ${k} '${f[idx[k]]}' is not a number`);
      cols[k][r] = v;
    }
  });
  return seriesFromColumns({ source: 'csv', symbol: 'BENCH', timeframe: '15m' }, cols);
}

function writeBenchCsv(path: string, s: CandleSeries): void {
  const out = ['ts,open,high,low,close,volume'];
  for (let i = 0; i < s.length; i++) {
    out.push(
      `${new Date(s.ts[i]).toISOString()},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`,
    );
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}

export const EMA_BENCH_CONFIG: BacktestConfigInput = {
  sim: {
    initialBalance: 10_000,
    fees: { maker: 0.0005, taker: 0.0005 },
    slippageBps: 0,
    funding: { rate: 0 },
    leverage: 7,
  },
  backtest: {
    strategies: [{ kind: 'ema_cross', fast: 20, slow: 50, fraction: 0.9, reverse: true }],
    // A stopless strategy: the naked-position invariant would halt it (see BacktestSectionSchema).
    safety: false,
    trace: 'signals',
    instruments: { BENCH: { tick_size: 1e-8, qty_step: 1e-8 } },
  },
};

/** {@link EMA_BENCH_CONFIG} without reversals: one order, then the per-bar work alone. */
export const EMA_FLOOR_CONFIG: BacktestConfigInput = {
  ...EMA_BENCH_CONFIG,
  backtest: {
    ...EMA_BENCH_CONFIG.backtest,
    strategies: [{ kind: 'ema_cross', fast: 20, slow: 50, fraction: 0.9, reverse: false }],
  },
};

/** The decimal.js methods that do arithmetic (aliases included); predicates such as isZero are not counted. */
const DECIMAL_ARITHMETIC = ['plus', 'minus', 'times', 'div', 'cmp', 'toFixed', 'toDecimalPlaces'] as const;
const DECIMAL_ALIASES: Record<string, readonly string[]> = {
  plus: ['plus', 'add'],
  minus: ['minus', 'sub'],
  times: ['times', 'mul'],
  div: ['div', 'dividedBy'],
  cmp: ['cmp', 'comparedTo'],
  toFixed: ['toFixed'],
  toDecimalPlaces: ['toDecimalPlaces', 'toDP'],
};

/** Decimal arithmetic calls made by `f`, counted by wrapping the prototype methods (restored after). */
async function countDecimalCalls(f: () => Promise<unknown>): Promise<number> {
  const proto = Decimal.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = new Map<string, (...a: unknown[]) => unknown>();
  let calls = 0;
  for (const name of DECIMAL_ARITHMETIC.flatMap((m) => DECIMAL_ALIASES[m])) {
    const original = proto[name];
    saved.set(name, original);
    proto[name] = function (this: unknown, ...a: unknown[]) {
      calls++;
      return original.apply(this, a);
    };
  }
  try {
    await f();
  } finally {
    for (const [name, original] of saved) proto[name] = original;
  }
  return calls;
}

/** Mean µs of one decimal.js add, subtract, multiply and toFixed on ledger-sized values (price × qty). */
function decimalOpMicros(): number {
  const price = new Decimal('30123.45678901');
  const qty = new Decimal('0.29876543');
  const cash = new Decimal('10093.1416861750123456789');
  const rate = new Decimal('0.0005');
  let sink = 0;
  const round = () => {
    const notional = price.times(qty);
    const fee = notional.times(rate);
    sink += cash.minus(fee).plus(notional).toFixed().length;
  };
  for (let i = 0; i < 20_000; i++) round();
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) round();
  const micros = ((performance.now() - t0) * 1000) / (n * 5);
  if (sink < 0) throw new Error('unreachable');
  return micros;
}

interface Timed {
  cpuMs: number;
  wallMs: number;
}

interface TimedRuns {
  /** The result of the first timed run (every run gives the same). */
  result: BacktestResult;
  runs: Timed[];
}

/**
 * Times `reps` runs after two warm-ups. Only the first result is kept: holding every run's result (trades,
 * fills, intents, trace) alive would make each later run pay for garbage-collecting the earlier ones, which
 * no single backtest does.
 */
async function timeRuns(reps: number, run: () => Promise<BacktestResult>): Promise<TimedRuns> {
  for (let i = 0; i < 2; i++) await run();
  let first: BacktestResult | undefined;
  const runs: Timed[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await run();
    const wallMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (first === undefined) first = result;
    runs.push({ cpuMs: (c.user + c.system) / 1000, wallMs });
  }
  if (first === undefined) throw new Error('--reps must be at least 1');
  return { result: first, runs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function report(label: string, bars: number, runs: Timed[], target: number): void {
  const cpu = median(runs.map((r) => r.cpuMs));
  const wall = median(runs.map((r) => r.wallMs));
  const perCore = bars / (cpu / 1000);
  const perWall = bars / (wall / 1000);
  const f = (x: number) => `${(x / 1e6).toFixed(2)}M`;
  process.stdout.write(
    `${label}: ${bars.toLocaleString('en-US')} bars, median of ${runs.length}: cpu ${cpu.toFixed(1)} ms → ${f(perCore)} bars/s per core ` +
      `(wall ${wall.toFixed(1)} ms → ${f(perWall)} bars/s); target ${f(target)} → ratio ${(perCore / target).toFixed(2)}\n`,
  );
}

export async function run(args: string[]): Promise<void> {
  const reps = Number(argValue(args, '--reps') ?? 7);
  const csv = argValue(args, '--csv');

  // (a) EMA crossover.
  const bars = csv
    ? readBenchCsv(csv)
    : syntheticSeries({ symbol: 'BENCH', timeframe: '15m', length: 100_000, seed: 42, startPrice: 30_000 });
  const writeCsv = argValue(args, '--write-csv');
  if (writeCsv) writeBenchCsv(writeCsv, bars);
  const feed: BacktestFeed = { baseTimeframe: '15m', candles: { BENCH: { '15m': bars } } };
  const ema = await timeRuns(reps, () => runBacktest(EMA_BENCH_CONFIG, feed));
  const r = ema.result;
  process.stdout.write(
    `(a) EMA(20/50) crossover, ${csv ? `bars from ${csv}` : 'synthetic bars (seed 42, open = previous close)'}\n` +
      `    final equity ${Number(r.finalEquity).toFixed(2)} (exact ${r.finalEquity}), ${r.fills.length} orders filled, ` +
      `fees ${r.metrics.feesPaid.toFixed(2)}, result ${r.resultHash.slice(0, 16)}\n`,
  );
  report('    engine', bars.length, ema.runs, EMA_TARGET);
  // The same run with reverse off holds its first position and sends no further order: the per-bar floor
  // (decisions, simulator bar walk, equity curve); the difference is what the orders cost.
  const floor = await timeRuns(reps, () => runBacktest(EMA_FLOOR_CONFIG, feed));
  report('    per-bar floor (1 order)', bars.length, floor.runs, EMA_TARGET);
  const orders = Math.max(1, r.fills.length - 1);
  const floorMs = median(floor.runs.map((x) => x.cpuMs));
  const perOrder = (median(ema.runs.map((x) => x.cpuMs)) - floorMs) / orders;
  process.stdout.write(
    `    ≈ ${(perOrder * 1000).toFixed(1)} µs cpu per order round trip (submit, fill, ledger, trade, trace)\n`,
  );
  // What the target leaves for the orders, and what the exact ledger's arithmetic alone costs of it: the
  // decimal.js calls of one run are counted (untimed) and priced by a micro-measure on this machine.
  const budgetMs = (bars.length / EMA_TARGET) * 1000;
  const calls = await countDecimalCalls(() => runBacktest(EMA_BENCH_CONFIG, feed));
  const callsPerOrder = calls / orders;
  const opMicros = decimalOpMicros();
  process.stdout.write(
    `    at the target the run has ${budgetMs.toFixed(1)} ms; the per-bar floor takes ${floorMs.toFixed(1)} ms, leaving ` +
      `${budgetMs > floorMs ? `${(((budgetMs - floorMs) / orders) * 1000).toFixed(1)} µs` : 'nothing'} per order\n` +
      `    decimal.js arithmetic per order round trip: ${callsPerOrder.toFixed(1)} calls (${DECIMAL_ARITHMETIC.join(', ')}), ` +
      `≈ ${opMicros.toFixed(2)} µs each here → ≈ ${(callsPerOrder * opMicros).toFixed(1)} µs per order\n`,
  );

  // (b) The SMC chain over the bundled sample.
  const store = await CandleStore.open(':memory:');
  let sample: CandleSeries[];
  try {
    const files = await importBundledSample(store);
    const symbols = [...new Set(files.map((f) => f.symbol))].sort();
    sample = await store.readMany(
      symbols.map((symbol) => ({ source: files[0].source, symbol, timeframe: '1h' as const })),
    );
  } finally {
    await store.close();
  }
  const smcFeed: BacktestFeed = {
    baseTimeframe: '1h',
    candles: Object.fromEntries(sample.map((s) => [s.symbol, { '1h': s }])),
  };
  const smcBars = sample.reduce((n, s) => n + s.length, 0);
  const smc = await timeRuns(reps, () => runBacktest({}, smcFeed));
  const m = smc.result.metrics;
  process.stdout.write(
    `(b) SMC chain, default config, bundled sample (${sample.map((s) => s.symbol).join(', ')}, 1h)\n` +
      `    ${m.trades} trades, final equity ${m.finalEquity.toFixed(2)}, result ${smc.result.resultHash.slice(0, 16)} ` +
      `(indicator preparation included; the feed hash and resampled timeframes are reused from run to run on the same arrays, as a sweep's configs reuse them)\n`,
  );
  report('    engine', smcBars, smc.runs, SMC_TARGET);
}
