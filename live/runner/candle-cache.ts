import { type CandleSeries, sliceSeries } from '../../data/candles/series.ts';
import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { type CandleFeed, concatSeries } from './candle-feed.ts';

export interface CandleCacheOptions {
  /** History fetched at the start, before the first `now`, in ms: the strategies' warm-up. */
  historyMs: number;
  /** Or an absolute start of the history (UTC ms), e.g. to match a backtest's warm-up window exactly. */
  historyFrom?: number;
  /**
   * Bars kept per symbol (default: all). Indicators with memory (EMAs) depend on where their history
   * starts, so trimming makes live decisions drift from a backtest over the same bars; keep it unset
   * unless memory matters (a year of 1h bars is 8 760 rows).
   */
  maxBars?: number;
  /** No symbol is refetched sooner than this after its last fetch (seed §15: 30 s hard floor). */
  floorMs?: number;
}

interface Entry {
  series: CandleSeries;
  fetchedAt: number;
}

/**
 * Base candles of the universe with the seed's candle-boundary caching (§14, §15): a symbol is fetched
 * again only when a new bar has closed since its last fetch, and never twice within the floor — so on a
 * 15m base about one tick in fifteen minutes fetches, instead of every tick. Only the new bars are
 * fetched and appended.
 */
export class CandleCache {
  private readonly entries = new Map<string, Entry>();
  private readonly span: number;
  private readonly floorMs: number;

  constructor(
    private readonly feed: CandleFeed,
    private readonly timeframe: Timeframe,
    private readonly opts: CandleCacheOptions,
  ) {
    this.span = TIMEFRAME_MS[timeframe];
    this.floorMs = opts.floorMs ?? 30_000;
  }

  series(symbol: string): CandleSeries | undefined {
    return this.entries.get(symbol)?.series;
  }

  /** Whether `symbol` has cached candles. */
  has(symbol: string): boolean {
    return this.entries.has(symbol);
  }

  /** Drops `symbol`'s candles (it left the universe): a later {@link refresh} fetches its history again. */
  forget(symbol: string): void {
    this.entries.delete(symbol);
  }

  /** Whether `symbol` should be fetched at `now`: never fetched, or a bar closed since and the floor passed. */
  due(symbol: string, now: number): boolean {
    const e = this.entries.get(symbol);
    if (!e) return true;
    const lastClosedOpen = alignDown(now, this.timeframe) - this.span;
    const have = e.series.length > 0 ? e.series.ts[e.series.length - 1] : Number.NEGATIVE_INFINITY;
    return lastClosedOpen > have && now - e.fetchedAt >= this.floorMs;
  }

  /** Fetches the bars that closed since the last fetch. Returns how many were added. */
  async refresh(symbol: string, now: number): Promise<number> {
    const e = this.entries.get(symbol);
    const start = this.opts.historyFrom ?? alignDown(now - this.opts.historyMs, this.timeframe);
    const from = e && e.series.length > 0 ? e.series.ts[e.series.length - 1] + this.span : start;
    const fresh = await this.feed.closedBars(symbol, this.timeframe, from, now);
    let series =
      e && e.series.length > 0 && fresh.length > 0 ? concatSeries([e.series, fresh], e.series) : fresh;
    if (e && fresh.length === 0) series = e.series;
    const max = this.opts.maxBars;
    if (max !== undefined && series.length > max)
      series = sliceSeries(series, series.length - max, series.length);
    this.entries.set(symbol, { series, fetchedAt: now });
    return fresh.length;
  }
}
