/**
 * Gate 1, daily bias (seed §5): the last closed bias-timeframe bar's close against its EMA (200 on 1D by
 * default). Above → longs only, below → shorts only, within `neutral_band` → no trade
 * (`DAILY_BIAS_NEUTRAL`).
 *
 * @returns 1 (bullish), -1 (bearish) or 0 (neutral, also when the EMA is not available).
 */
export function biasDirection(close: number, ema: number, neutralBand: number): -1 | 0 | 1 {
  if (!(ema > 0) || Number.isNaN(close)) return 0;
  const rel = close / ema - 1;
  if (rel > neutralBand) return 1;
  if (rel < -neutralBand) return -1;
  return 0;
}
