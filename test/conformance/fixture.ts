import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readCsvCandles } from '../../data/io/csv-read.ts';
import type { TimedBars } from '../../strategies/smc/primitives/previous-high-low/previous-high-low.ts';
import { parseReferenceCsv } from '../../strategies/smc/primitives/reference/csv.ts';

/** The bundled smartmoneyconcepts fixture (see test/fixtures/smartmoneyconcepts/PROVENANCE.md). */
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/smartmoneyconcepts');

/** Path of the EURUSD 15m input (gzip CSV: Date,Open,High,Low,Close,Tickvol,Volume,Spread). */
export const EURUSD_PATH = join(FIXTURE_DIR, 'EURUSD_15M.csv.gz');

let bars: Promise<TimedBars> | undefined;

/** EURUSD 15m, 24,424 bars, read by the project's CSV reader (volume = the `Volume` column, all zero). */
export function eurusd(): Promise<TimedBars> {
  bars ??= readCsvCandles(EURUSD_PATH).then((raw) => {
    if (raw.problems.length > 0) throw new Error(`fixture has unreadable cells: ${raw.problems[0].message}`);
    return raw;
  });
  return bars;
}

/** Text of one expected-output file (name without `.csv.gz`). */
export function fixtureText(name: string): string {
  return gunzipSync(readFileSync(join(FIXTURE_DIR, `${name}.csv.gz`))).toString('utf8');
}

/** One expected-output file as header + float64 columns (empty cell = NaN). */
export function expected(name: string): { header: string[]; columns: Float64Array[] } {
  return parseReferenceCsv(fixtureText(name));
}
