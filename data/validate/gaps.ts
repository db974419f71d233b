import type { CandleSeries } from '../candles/series.ts';
import { formatTs } from '../io/timestamp.ts';
import { TIMEFRAME_MS } from '../timeframes.ts';

/** Bars missing between two stored bars: open times `from` … `to` (inclusive), `missing` bars. */
export interface Gap {
  from: number;
  to: number;
  missing: number;
}

/**
 * The gaps of a clean series (ascending, aligned): every place where consecutive bars are more than one
 * timeframe apart. Gaps stay gaps — nothing here fills them.
 */
export function findGaps(series: CandleSeries): Gap[] {
  const step = TIMEFRAME_MS[series.timeframe];
  const gaps: Gap[] = [];
  for (let i = 1; i < series.length; i++) {
    const d = series.ts[i] - series.ts[i - 1];
    if (d > step)
      gaps.push({ from: series.ts[i - 1] + step, to: series.ts[i] - step, missing: d / step - 1 });
  }
  return gaps;
}

/** "2021-08-13T02:00:00Z … 2021-08-13T05:00:00Z (4 bars)" */
export function formatGap(gap: Gap): string {
  const span = gap.from === gap.to ? formatTs(gap.from) : `${formatTs(gap.from)} … ${formatTs(gap.to)}`;
  return `${span} (${gap.missing} bar${gap.missing === 1 ? '' : 's'})`;
}
