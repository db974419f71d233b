import { UserError } from '../errors.ts';

/** Which column of a file holds each candle field (and, optionally, a ticker). */
export interface ColumnMap {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ticker?: number;
}

/**
 * Header spellings seen in candle files: the `../shared/data` files (`Date`, `date`), Binance klines
 * (`open_time`), MetaTrader exports (`Date` with `Tickvol` and `Volume`), our own exports (`ts`), pandas
 * dumps (`timestamp`, `datetime`). Matching ignores case, spaces and underscores.
 */
const ALIASES: Readonly<Record<keyof ColumnMap, readonly string[]>> = {
  ts: ['ts', 'time', 'date', 'datetime', 'timestamp', 'opentime', 'open_time', 'start', 'starttime', 't'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v', 'basevolume'],
  ticker: ['ticker', 'symbol', 'pair'],
};

function norm(name: string): string {
  return name.trim().replace(/^"|"$/g, '').toLowerCase().replace(/[\s_]/g, '');
}

/**
 * The column map of a header row, or a UserError naming the missing field and the accepted spellings.
 * A file without a volume column is refused rather than filled with zeros.
 */
export function resolveColumns(header: readonly string[], where: string): ColumnMap {
  const names = header.map(norm);
  const find = (field: keyof ColumnMap): number => {
    for (const alias of ALIASES[field]) {
      const i = names.indexOf(norm(alias));
      if (i >= 0) return i;
    }
    return -1;
  };
  const map: Partial<ColumnMap> = {};
  const missing: string[] = [];
  for (const field of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const i = find(field);
    if (i < 0) missing.push(`${field} (${ALIASES[field].join('/')})`);
    else map[field] = i;
  }
  if (missing.length > 0) {
    throw new UserError(
      `${where}: header [${header.join(', ')}] has no column for ${missing.join(', ')}: ` +
        'name the columns like Date,Open,High,Low,Close,Volume',
    );
  }
  const ticker = find('ticker');
  return { ...(map as ColumnMap), ...(ticker >= 0 ? { ticker } : {}) };
}

/**
 * Binance kline files without a header: open_time, open, high, low, close, volume, close_time, … —
 * the first six columns are the candle.
 */
export const BINANCE_KLINE_COLUMNS: ColumnMap = { ts: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
