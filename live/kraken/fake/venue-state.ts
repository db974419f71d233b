import { contractSpecFor } from '../../../data/markets/instrument-specs.ts';
import { canonicalSymbol, toKrakenFuturesSymbol, toKrakenPair } from '../../../data/symbols/symbols.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../../data/timeframes.ts';
import { serverTime } from '../api/schema/common.ts';
import type { Instrument } from '../api/schema/instruments.ts';
import type { Ticker } from '../api/schema/tickers.ts';
import type { CandleSource } from './candle-source.ts';

const DAY = 86_400_000;

/** What the fake lists for one perpetual. Unset fields are derived from the candles' price level. */
export interface InstrumentSpec {
  /** Any symbol form; canonicalised. */
  symbol: string;
  tickSize?: number;
  /** Amount precision: quantities are multiples of 10^-n. */
  contractValueTradePrecision?: number;
  tradeable?: boolean;
  /** Quoted spread around the last price, in basis points (for tickers and, later, the book). */
  spreadBps?: number;
  /** Listed but suspended: tickers say `suspended: true`. */
  suspended?: boolean;
}

interface ResolvedInstrument {
  symbol: string;
  id: string;
  tickSize: number;
  contractValueTradePrecision: number;
  tradeable: boolean;
  spreadBps: number;
  suspended: boolean;
  /** Finest timeframe the candle source has for it; tickers are computed from it. */
  timeframe: Timeframe;
}

/** Decimals needed to print multiples of `step` exactly. */
export function decimalsOf(step: number): number {
  if (step >= 1) return 0;
  return Math.min(12, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

/** `x` rounded to a multiple of `step` with `mode`, free of binary noise (0.30000000000000004). */
export function quantize(x: number, step: number, mode: 'floor' | 'ceil' | 'round' = 'round'): number {
  const k =
    mode === 'floor'
      ? Math.floor(x / step + 1e-9)
      : mode === 'ceil'
        ? Math.ceil(x / step - 1e-9)
        : Math.round(x / step);
  return Number((k * step).toFixed(decimalsOf(step)));
}

/**
 * The listed tick and amount precision of a symbol the test did not specify: Kraken Futures' contract
 * specs where known, else derived from the price level (data/markets/instrument-specs.ts — the same specs
 * a backtest should trade, so both run on one grid).
 */
function defaultGrid(symbol: string, price: number): { tickSize: number; precision: number } {
  // candles are validated positive; the guard keeps a degenerate source from breaking the listing
  const spec = contractSpecFor(symbol, price > 0 ? price : 1);
  if (spec === null) throw new Error(`no contract spec for ${symbol} at ${price}`);
  return { tickSize: Number(spec.tickSize), precision: spec.contractValueTradePrecision };
}

/**
 * The venue as the fake shows it at one moment: the instrument list and 24 h tickers, computed from the
 * candle source at the fake's clock. Instruments are derived once (they do not change while it runs).
 */
export class VenueState {
  private instruments: Promise<ResolvedInstrument[]> | null = null;

  constructor(
    private readonly candles: CandleSource,
    private readonly now: () => number,
    private readonly specs: readonly InstrumentSpec[] = [],
    private readonly defaultSpreadBps = 2,
  ) {}

  /** Resolved instruments, keyed lookups by Kraken id (upper case). */
  async list(): Promise<ResolvedInstrument[]> {
    this.instruments ??= this.resolve();
    return this.instruments;
  }

  async byId(id: string): Promise<ResolvedInstrument | undefined> {
    const up = id.toUpperCase();
    return (await this.list()).find((i) => i.id === up);
  }

  private async resolve(): Promise<ResolvedInstrument[]> {
    const finest = new Map<string, Timeframe>();
    for (const m of await this.candles.markets()) {
      const cur = finest.get(m.symbol);
      if (!cur || TIMEFRAME_MS[m.timeframe] < TIMEFRAME_MS[cur]) finest.set(m.symbol, m.timeframe);
    }
    const out: ResolvedInstrument[] = [];
    for (const [symbol, timeframe] of [...finest].sort(([a], [b]) => a.localeCompare(b))) {
      const spec = this.specs.find((s) => canonicalSymbol(s.symbol) === symbol) ?? { symbol };
      const price = (await this.lastBar(symbol, timeframe))?.close ?? 1;
      const grid = defaultGrid(symbol, price);
      out.push({
        symbol,
        id: toKrakenFuturesSymbol(symbol),
        tickSize: spec.tickSize ?? grid.tickSize,
        contractValueTradePrecision: spec.contractValueTradePrecision ?? grid.precision,
        tradeable: spec.tradeable ?? true,
        spreadBps: spec.spreadBps ?? this.defaultSpreadBps,
        suspended: spec.suspended ?? false,
        timeframe,
      });
    }
    return out;
  }

  /** The last bar that opened at or before `now` (the forming bar included), or null. */
  private async lastBar(symbol: string, timeframe: Timeframe) {
    const now = this.now();
    for (const lookback of [7 * DAY, Number.POSITIVE_INFINITY]) {
      const from = Number.isFinite(lookback) ? now - lookback : 0;
      const s = await this.candles.read(symbol, timeframe, from, now);
      if (s.length > 0) {
        const i = s.length - 1;
        return { ts: s.ts[i], open: s.open[i], close: s.close[i], volume: s.volume[i] };
      }
    }
    return null;
  }

  /** GET /derivatives/api/v3/instruments entries. */
  async instrumentsPayload(): Promise<Instrument[]> {
    return (await this.list()).map((i) => {
      const [base] = toKrakenPair(i.symbol).split(':');
      return {
        symbol: i.id,
        type: 'flexible_futures',
        tradeable: i.tradeable,
        tickSize: i.tickSize,
        contractSize: 1,
        impactMidSize: 1,
        maxPositionSize: 1_000_000,
        openingDate: '2022-01-01T00:00:00.000Z',
        marginLevels: [
          { numNonContractUnits: 0, initialMargin: 0.02, maintenanceMargin: 0.01 },
          { numNonContractUnits: 500_000, initialMargin: 0.04, maintenanceMargin: 0.02 },
          { numNonContractUnits: 2_000_000, initialMargin: 0.1, maintenanceMargin: 0.05 },
        ],
        retailMarginLevels: [{ numNonContractUnits: 0, initialMargin: 0.5, maintenanceMargin: 0.25 }],
        fundingRateCoefficient: 8,
        maxRelativeFundingRate: 0.001,
        contractValueTradePrecision: i.contractValueTradePrecision,
        postOnly: false,
        feeScheduleUid: 'fake-fee-schedule-flex',
        mtf: false,
        base,
        quote: 'USD',
        pair: toKrakenPair(i.symbol),
        category: '',
        tags: [],
        tradfi: false,
      };
    });
  }

  /** The 24 h ticker of one instrument at the fake's clock (null when it has no candle yet). */
  async ticker(id: string): Promise<Ticker | null> {
    const inst = await this.byId(id);
    if (!inst) return null;
    const now = this.now();
    const last = await this.lastBar(inst.symbol, inst.timeframe);
    if (!last) return null;
    const day = await this.candles.read(inst.symbol, inst.timeframe, now - DAY, now);
    let vol = 0;
    let hi = Number.NEGATIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    for (let k = 0; k < day.length; k++) {
      vol += day.volume[k];
      if (day.high[k] > hi) hi = day.high[k];
      if (day.low[k] < lo) lo = day.low[k];
    }
    const open24h = day.length > 0 ? day.open[0] : last.open;
    const tick = inst.tickSize;
    const px = quantize(last.close, tick);
    const half = (px * inst.spreadBps) / 20_000;
    const bid = quantize(px - half, tick, 'floor');
    const ask = Math.max(quantize(px + half, tick, 'ceil'), bid + tick);
    const lastTime = Math.min(now, last.ts + TIMEFRAME_MS[inst.timeframe] - 1);
    return {
      tag: 'perpetual',
      pair: toKrakenPair(inst.symbol),
      symbol: inst.id,
      markPrice: px,
      bid,
      bidSize: 10,
      ask: quantize(ask, tick),
      askSize: 10,
      vol24h: quantize(vol, 10 ** -Math.max(0, inst.contractValueTradePrecision)),
      volumeQuote: Math.round(vol * px),
      openInterest: quantize(vol / 4, 10 ** -Math.max(0, inst.contractValueTradePrecision)),
      open24h: quantize(open24h, tick),
      high24h: quantize(day.length > 0 ? hi : px, tick),
      low24h: quantize(day.length > 0 ? lo : px, tick),
      indexPrice: px,
      last: px,
      lastTime: serverTime(lastTime),
      lastSize: 1,
      suspended: inst.suspended,
      fundingRate: 0,
      fundingRatePrediction: 0,
      postOnly: false,
    };
  }

  async tickers(): Promise<Ticker[]> {
    const out: Ticker[] = [];
    for (const i of await this.list()) {
      const t = await this.ticker(i.id);
      if (t) out.push(t);
    }
    return out;
  }
}
