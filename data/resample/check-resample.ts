import { UserError } from '../errors.ts';
import type { CandleStore } from '../store/candle-store.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import { isMultipleOf, TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../timeframes.ts';
import { compareSeries, type SeriesComparison } from './compare.ts';
import { type ResamplePolicy, resample } from './resample.ts';

export interface ResampleCheckOptions {
  symbol: string;
  /** Default: the only source holding the symbol at two or more timeframes. */
  source?: string;
  /** Default: the symbol's shortest stored timeframe. */
  base?: Timeframe;
  /** Default: every longer stored timeframe that is a multiple of the base. */
  targets?: Timeframe[];
  relTol?: number;
  policy?: ResamplePolicy;
}

export interface ResampleCheck {
  source: string;
  symbol: string;
  base: Timeframe;
  relTol: number;
  results: SeriesComparison[];
}

/**
 * The resample agreement check (`smc data check-resample`): resamples the stored base series of one
 * symbol to each higher timeframe stored for the same source and compares bar by bar with the stored
 * (imported) series, listing every bar that differs.
 */
export async function checkResample(store: CandleStore, opts: ResampleCheckOptions): Promise<ResampleCheck> {
  const symbol = canonicalSymbol(opts.symbol);
  const stored = (await store.list()).filter((s) => s.symbol === symbol);
  if (stored.length === 0)
    throw new UserError(`no ${symbol} candles in the store: import them first (smc data import)`);
  let source = opts.source;
  if (source === undefined) {
    const multi = [...new Set(stored.map((s) => s.source))].filter(
      (src) => stored.filter((s) => s.source === src).length >= 2,
    );
    if (multi.length !== 1) {
      throw new UserError(
        multi.length === 0
          ? `no source holds ${symbol} at two timeframes: import a higher timeframe to compare with`
          : `${symbol} is stored from several sources (${multi.join(', ')}): pass --source`,
      );
    }
    source = multi[0];
  }
  const tfs = stored.filter((s) => s.source === source).map((s) => s.timeframe);
  if (tfs.length === 0)
    throw new UserError(`no ${source} ${symbol} candles in the store: check smc data list`);
  const base = opts.base ?? [...tfs].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])[0];
  if (!tfs.includes(base))
    throw new UserError(`no ${source} ${symbol} ${base} candles to resample: check --base`);
  const targets =
    opts.targets ?? TIMEFRAMES.filter((tf) => tf !== base && tfs.includes(tf) && isMultipleOf(tf, base));
  if (targets.length === 0) {
    throw new UserError(`no ${source} ${symbol} timeframe above ${base} is stored to compare with`);
  }
  const relTol = opts.relTol ?? 1e-9;
  const baseSeries = await store.read({ source, symbol, timeframe: base });
  const results: SeriesComparison[] = [];
  for (const tf of targets) {
    if (!isMultipleOf(tf, base) || tf === base) {
      throw new UserError(
        `cannot compare ${tf} with ${base}: a target must be a longer multiple of the base`,
      );
    }
    const theirs = await store.read({ source, symbol, timeframe: tf });
    if (theirs.length === 0)
      throw new UserError(`no ${source} ${symbol} ${tf} candles stored to compare with`);
    results.push(compareSeries(resample(baseSeries, tf, { policy: opts.policy }), theirs, relTol));
  }
  return { source, symbol, base, relTol, results };
}
