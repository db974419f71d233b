import { type CandleSeries, lowerBound, sliceSeries } from '../../data/candles/series.ts';
import { loadSample1h } from '../strategy/kit.ts';

/** A bundled real 1h series cut to [from, to) (ISO dates), to keep the checks' tests fast. */
export async function sampleRange(symbol: string, from: string, to: string): Promise<CandleSeries> {
  const s = await loadSample1h(symbol);
  return sliceSeries(s, lowerBound(s.ts, Date.parse(from)), lowerBound(s.ts, Date.parse(to)));
}
