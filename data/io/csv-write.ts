import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { formatTs } from './timestamp.ts';

export interface CsvWriteOptions {
  /** `iso` (default): `2020-01-01T00:00:00Z`; `ms`: epoch milliseconds. */
  tsFormat?: 'iso' | 'ms';
}

const ROWS_PER_WRITE = 8192;

/**
 * Writes `series` as CSV with header `ts,open,high,low,close,volume`. Numbers are written in the
 * shortest form that parses back to the same float64 (JS number → string), so an export re-imports
 * bit for bit.
 */
export async function writeCsvCandles(
  series: CandleSeries,
  path: string,
  opts: CsvWriteOptions = {},
): Promise<void> {
  const fmt = opts.tsFormat === 'ms' ? (t: number) => String(t) : formatTs;
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => {
    out.on('error', (err) => reject(new UserError(`cannot write '${path}': ${err.message}`)));
  });
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write('ts,open,high,low,close,volume\n');
  for (let start = 0; start < series.length; start += ROWS_PER_WRITE) {
    const end = Math.min(series.length, start + ROWS_PER_WRITE);
    let text = '';
    for (let i = start; i < end; i++) {
      text += `${fmt(series.ts[i])},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}\n`;
    }
    await write(text);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}
