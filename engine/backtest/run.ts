import type { Decimal } from 'decimal.js';
import type { CandleSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';
import { MomentumStrategy, momentumConfigOfSpec } from '../../strategies/momentum/index.ts';
import type { FeatureCache } from '../../strategies/smc/context/feature-cache.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import type { Decision, Strategy } from '../../strategies/strategy.ts';
import { SimulatedClock } from '../clock.ts';
import { SequenceSource } from '../events.ts';
import { type Logger, silentLogger } from '../log.ts';
import { computeMetrics } from '../metrics/compute.ts';
import { AuctionAllocator } from '../portfolio/auction-allocator.ts';
import { PositionRegistry } from '../positions/registry.ts';
import { dec } from '../risk/quantize.ts';
import { RiskManager } from '../risk/risk-manager.ts';
import { SafetySupervisor } from '../safety/supervisor.ts';
import { toNumberExact } from '../sim/decimal.ts';
import { defaultInstrument, makeInstrument } from '../sim/instruments.ts';
import { SimBroker } from '../sim/sim-broker.ts';
import { type AccountProbe, SupervisorGate } from '../trader/safety-gate.ts';
import type { StrategyBinding } from '../trader/types.ts';
import { Trader } from '../trader.ts';
import {
  type BacktestConfig,
  type BacktestConfigInput,
  parseBacktestConfig,
  type StrategySpec,
} from './config.ts';
import {
  type BacktestFeed,
  completeFeed,
  feedHash,
  feedSymbols,
  mergedTimeline,
  resampleOnce,
} from './feed.ts';
import { contentHash, recordsHash } from './hash.ts';
import type { BacktestResult } from './types.ts';

export interface RunBacktestOptions {
  /** Recorded in the result (the CLI passes package.json's version). */
  readonly packageVersion?: string;
  readonly logger?: Logger;
  /** Called about every 1% of the bars with (bars done, bars total); keep it cheap. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Cache of indicator and structure series shared by runs over the same candle arrays (a sweep worker
   * keeps one): configs that differ only in later gates reuse the SMC features — swings, BOS/CHoCH,
   * order blocks, FVG, EMA, ATR — built for the same (candles, parameters), and the timeframes resampled
   * from the base. Results are identical with and without it.
   */
  readonly featureCache?: FeatureCache;
  /**
   * `feedHash(feed.candles, feed.baseTimeframe, feed.tradeFrom)` of this very feed when the caller has
   * computed it already (a sweep worker hashes each feed once, not once per config). Unchecked: pass it
   * only for the feed it was computed from.
   */
  readonly dataHash?: string;
}

function strategyOf(
  spec: StrategySpec,
  config: BacktestConfig,
  cache: FeatureCache | undefined,
): Strategy<Decision<object>> {
  switch (spec.kind) {
    case 'smc':
      return new SmcStrategy(config.strategy, cache === undefined ? {} : { cache });
    case 'ema_cross':
      return new EmaCrossStrategy({ fast: spec.fast, slow: spec.slow }, spec.id);
    case 'momentum_breakdown':
      return new MomentumStrategy(momentumConfigOfSpec(spec), spec.id);
  }
}

interface LoopInput {
  readonly timeline: Float64Array;
  readonly bases: readonly CandleSeries[];
  readonly feeders: readonly ((i: number) => void)[];
  readonly lastClose: Float64Array;
  readonly clock: SimulatedClock;
  readonly baseMs: number;
  readonly tradeFrom: number;
  readonly sim: SimBroker;
  readonly trader: Trader;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

/**
 * The bar loop, apart from the assembly in runBacktest: it is the only hot part of a run, so the compiler
 * optimises this small function rather than the whole of runBacktest (whose every deoptimisation cost a
 * recompile of everything inlined into it).
 */
async function runLoop(
  x: LoopInput,
): Promise<{ curveTs: Float64Array; curveEq: Float64Array; points: number }> {
  const { timeline, bases, feeders, lastClose, clock, baseMs, tradeFrom, sim, trader, onProgress } = x;
  const nSym = bases.length;
  const cursor = new Int32Array(nSym);
  const bars = new Int32Array(nSym);
  const curveTs = new Float64Array(timeline.length);
  const curveEq = new Float64Array(timeline.length);
  let points = 0;
  const progressEvery = Math.max(1, Math.floor(timeline.length / 100));
  for (let k = 0; k < timeline.length; k++) {
    const t = timeline[k];
    for (let s = 0; s < nSym; s++) {
      const series = bases[s];
      const i = cursor[s];
      if (i < series.length && series.ts[i] === t) {
        feeders[s](i);
        lastClose[s] = series.close[i];
        bars[s] = i;
        cursor[s] = i + 1;
      } else {
        bars[s] = -1;
      }
    }
    const close = t + baseMs;
    clock.advanceTo(close);
    if (close < tradeFrom) continue;
    curveTs[points] = close;
    curveEq[points] = sim.equityValue();
    points++;
    const work = trader.tick(close, bars);
    if (work !== undefined) await work;
    if (onProgress !== undefined && k % progressEvery === 0) onProgress(k, timeline.length);
  }
  return { curveTs, curveEq, points };
}

/** Strategy id as the trace shows it: the spec's id (the SMC strategy's own id is fixed). */
function idOf(spec: StrategySpec): string {
  return spec.id;
}

/**
 * Runs one backtest: a pure function of (config, candles) — no I/O, no wall clock, no unseeded
 * randomness — so it runs the same in the CLI, a notebook or a Piscina worker, and the same inputs give
 * the same `resultHash`.
 *
 * Assembly: the SimBroker (engine/sim) is the venue and is driven through its synchronous core, bar by
 * bar on the merged base timeline; the Trader is the same one live mode runs, wired to the simulator's
 * async Broker face, a SimulatedClock, the RiskManager, the AuctionAllocator, the PositionRegistry and
 * (unless `backtest.safety` is off) the SafetySupervisor.
 *
 * One step at base-bar open time T: each symbol's bar [T, T+F) goes to the simulator (orders from
 * earlier decisions fill on it, by the intrabar rule), the clock moves to the close T+F, equity is
 * sampled, then the trader decides at T+F on candles closed by T+F. Orders it sends can fill only on the
 * next bar: no lookahead.
 *
 * Positions still open at the end are reported as trades with exit reason `open`, marked to the last
 * close without an exit fee, so that final equity = start + Σ pnl − Σ fees − Σ funding exactly.
 */
export async function runBacktest(
  configInput: BacktestConfigInput | BacktestConfig,
  feed: BacktestFeed,
  opts: RunBacktestOptions = {},
): Promise<BacktestResult> {
  const config = parseBacktestConfig(configInput);
  const logger = opts.logger ?? silentLogger;
  const base = feed.baseTimeframe;
  const baseMs = TIMEFRAME_MS[base];
  const specs = config.backtest.strategies;
  const cache = opts.featureCache;
  const strategies = specs.map((s) => strategyOf(s, config, cache));
  const required = [...new Set(strategies.flatMap((s) => s.requiredTimeframes(base)))] as Timeframe[];
  // With a cache, a resampled timeframe keeps one array identity across runs (the features are keyed by it).
  const candles = completeFeed(
    feed,
    required,
    cache === undefined
      ? resampleOnce
      : (series, tf) => cache.get(series, `resample:${tf}`, () => resample(series, tf)),
  );
  const symbols = feedSymbols(feed);
  if (symbols.length === 0) throw new Error('the feed has no symbols: load candles for at least one symbol');
  const bases = symbols.map((s) => candles[s][base] as CandleSeries);

  const configHash = contentHash(config);
  // The candles given, not the timeframes resampled from them (those follow from the base).
  const dataHash = opts.dataHash ?? feedHash(feed.candles, base, feed.tradeFrom);

  const bindings: StrategyBinding[] = specs.map((spec, k) => ({
    id: idOf(spec),
    reasonNames: strategies[k].reasonNames,
    prepared: symbols.map((symbol) =>
      strategies[k].prepare({ symbol, baseTimeframe: base, candles: candles[symbol] }),
    ),
    policy:
      spec.kind === 'ema_cross'
        ? { kind: 'target_exposure', fraction: spec.fraction, reverse: spec.reverse }
        : { kind: 'managed' },
  }));

  const timeline = mergedTimeline(bases);
  const tradeFrom = feed.tradeFrom ?? Number.NEGATIVE_INFINITY;
  const clock = new SimulatedClock(timeline.length > 0 ? timeline[0] : 0);
  const sequence = new SequenceSource();
  const instruments = symbols.map((s, i) => {
    const spec = config.backtest.instruments[s];
    const base = bases[i];
    return spec === undefined
      ? defaultInstrument(s, base !== undefined && base.length > 0 ? base.close[0] : undefined)
      : makeInstrument(s, {
          tickSize: spec.tick_size,
          qtyStep: spec.qty_step,
          minQty: spec.min_qty ?? spec.qty_step,
          maxLeverage: spec.max_leverage,
        });
  });
  const sim = new SimBroker({
    config: config.sim,
    instruments,
    clock,
    sequence,
    bufferEvents: false,
  });
  const leverage = symbols.map((s) => sim.leverageOf(s));

  // Float shadow of the positions for the per-bar safety pre-check (exact quantities live in the sim).
  // A fill marks its symbol stale; the exact position is converted only when the probe is read, so runs
  // without the safety layer never pay for it.
  const qtyF = new Float64Array(symbols.length);
  const qtyStale = new Uint8Array(symbols.length);
  let anyStale = false;
  const freshQty = (): Float64Array => {
    if (anyStale) {
      for (let s = 0; s < qtyF.length; s++) {
        if (qtyStale[s] === 0) continue;
        qtyF[s] = toNumberExact(sim.positionQty(symbols[s]));
        qtyStale[s] = 0;
      }
      anyStale = false;
    }
    return qtyF;
  };
  const symbolIndex = new Map(symbols.map((s, i) => [s, i]));
  const lastClose = new Float64Array(symbols.length).fill(Number.NaN);
  const probe: AccountProbe = {
    equity: () => sim.equityValue(),
    marginUsed: () => {
      const q = freshQty();
      let m = 0;
      for (let s = 0; s < q.length; s++) if (q[s] !== 0) m += (Math.abs(q[s]) * lastClose[s]) / leverage[s];
      return m;
    },
    openPositions: () => {
      const q = freshQty();
      let n = 0;
      for (let s = 0; s < q.length; s++) if (q[s] !== 0) n++;
      return n;
    },
  };

  const registry = new PositionRegistry();
  const risk = new RiskManager(config.risk, logger);
  const auction = new AuctionAllocator(
    {
      maxMarginUtil: config.risk.auction_max_margin_util,
      partialCloseCooldownSeconds: config.risk.auction_partial_close_cooldown_seconds,
    },
    logger,
  );
  const firstDecision = timeline.length > 0 ? Math.max(timeline[0] + baseMs, tradeFrom) : 0;
  const safety = config.backtest.safety
    ? new SupervisorGate(
        new SafetySupervisor(config.safety, logger, { startedAt: firstDecision }),
        sim,
        probe,
        config.safety,
      )
    : undefined;
  const trader = new Trader(
    {
      clock,
      broker: sim,
      logger,
      risk,
      auction,
      registry,
      positions: config.positions,
      instruments: new Map(instruments.map((i) => [i.symbol, i])),
      probe,
      ...(safety ? { safety } : {}),
    },
    { market: { symbols, base: bases }, strategies: bindings, trace: config.backtest.trace },
  );
  sim.subscribe((e) => {
    if (e.kind === 'order_filled' || e.kind === 'order_partially_filled' || e.kind === 'liquidation') {
      const s = symbolIndex.get(e.fill.symbol);
      if (s !== undefined) {
        qtyStale[s] = 1;
        anyStale = true;
      }
    }
    trader.onBrokerEvent(e);
  });

  // The run loop: cursors into each symbol's base series, one step per merged bar open time.
  const { curveTs, curveEq, points } = await runLoop({
    timeline,
    bases,
    feeders: bases.map((series) => sim.seriesFeeder(series)),
    lastClose,
    clock,
    baseMs,
    tradeFrom,
    sim,
    trader,
    onProgress: opts.onProgress,
  });
  opts.onProgress?.(timeline.length, timeline.length);

  const equity = { ts: curveTs.slice(0, points), equity: curveEq.slice(0, points) };
  const endTs = points > 0 ? equity.ts[points - 1] : firstDecision;
  const mark = (symbol: string): Decimal => {
    const m = sim.markPrice(symbol);
    return dec(Number.isNaN(m) ? 0 : m);
  };
  const trades = trader.tradeRecords(endTs, mark);
  const startEquity = config.sim.initialBalance;
  const metrics = computeMetrics({ curve: equity, trades, startEquity });
  const trace = trader.trace();
  const funnel = trader.funnel();
  const intents = [...trader.intentLog()];
  const fills = [...trader.fillLog()];
  const {
    ts: tTs,
    symbol: tSym,
    strategy: tStr,
    action: tAct,
    reason: tRea,
    outcome: tOut,
    close: tClo,
    ...traceDicts
  } = trace;
  const finalEquity = sim.accountSnapshot().equity.toFixed();
  // Orders and fills are not hashed again: the trades are built from the fills, refusals show in the
  // funnel, and every fill moves the exact final equity.
  const resultHash = recordsHash({ finalEquity, metrics, trades, funnel, traceDicts }, [
    equity.ts,
    equity.equity,
    tTs,
    tSym,
    tStr,
    tAct,
    tRea,
    tOut,
    tClo,
  ]);
  logger.info(
    {
      symbols: symbols.length,
      bars: timeline.length,
      trades: trades.length,
      final_equity: metrics.finalEquity,
    },
    'BACKTEST_DONE',
  );
  return {
    schema: 1,
    packageVersion: opts.packageVersion ?? 'unknown',
    configHash,
    dataHash,
    resultHash,
    symbols,
    baseTimeframe: base,
    from: points > 0 ? equity.ts[0] : null,
    to: points > 0 ? equity.ts[points - 1] : null,
    startEquity,
    finalEquity,
    metrics,
    trades,
    equity,
    trace,
    funnel,
    intents,
    fills,
  };
}
