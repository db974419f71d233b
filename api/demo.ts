import { join } from 'node:path';
import { importBundledSample, type SampleFileStatus } from '../data/io/bundled-sample.ts';
import type { SeriesSummary } from '../data/store/candle-store.ts';
import { type BacktestFromStoreResult, backtestFromStore } from './backtest.ts';
import { withStore } from './candles.ts';
import type { ProgressCallback } from './progress.ts';

/**
 * `smc demo`: the bundled real sample (Binance USD-M perpetuals BTC, ETH, SOL, DOGE, BNB; 1h plus 4h/1d)
 * imported into a store, then an SMC backtest of it with its report.
 */

/** Where the demo writes its backtest (the same each time, so reruns replace it). */
export const DEMO_RUN_DIR = join('runs', 'demo');

/** Which step the demo is in: importing sample files (with the file), or backtesting. */
export interface DemoProgress {
  readonly phase: 'sample' | 'backtest';
  /** The sample file being imported (phase `sample`). */
  readonly path?: string;
}

/** Where the demo imports to and writes its backtest, with progress and cancellation. */
export interface DemoOptions {
  /** DuckDB file to import into (created if missing). */
  readonly db: string;
  /** Run directory of the backtest; default {@link DEMO_RUN_DIR}. */
  readonly out?: string;
  /** Files of the sample, then bars of the backtest; `info.phase` says which. */
  readonly onProgress?: ProgressCallback<DemoProgress>;
  readonly signal?: AbortSignal;
}

/** What importing the bundled sample did, and what the store holds after it. */
export interface SampleImportSummary {
  readonly db: string;
  readonly sample: SampleFileStatus[];
  /** Files read and upserted this run (0 when the sample was already there). */
  readonly importedFiles: number;
  readonly insertedRows: number;
  readonly series: SeriesSummary[];
}

/** The sample import and the backtest of the demo. */
export interface DemoSummary extends SampleImportSummary {
  readonly backtest: BacktestFromStoreResult;
}

/** Imports the bundled sample into `db` (idempotent, fast when already done) and summarises the store. */
export function importSample(
  db: string,
  opts: { onProgress?: ProgressCallback<string>; signal?: AbortSignal } = {},
): Promise<SampleImportSummary> {
  return withStore(
    db,
    async (store) => {
      const sample = await importBundledSample(store, (done, total, path) => {
        opts.signal?.throwIfAborted();
        opts.onProgress?.(done, total, path);
      });
      const imported = sample.filter((s) => s.status === 'imported');
      return {
        db,
        sample,
        importedFiles: imported.length,
        insertedRows: imported.reduce((n, s) => n + s.inserted, 0),
        series: await store.list(),
      };
    },
    { readOnly: false },
  );
}

/**
 * The backtest step of the demo: the default config over every sample symbol on the 1h base, written to
 * `out` with its report.
 */
export function demoBacktest(
  db: string,
  sample: readonly { symbol: string; source: string }[],
  opts: { out?: string; onProgress?: ProgressCallback; signal?: AbortSignal } = {},
): Promise<BacktestFromStoreResult> {
  const symbols = [...new Set(sample.map((s) => s.symbol))].sort();
  const sources = [...new Set(sample.map((s) => s.source))];
  return backtestFromStore({
    db,
    symbols,
    timeframe: '1h',
    ...(sources.length === 1 ? { source: sources[0] } : {}),
    out: opts.out ?? DEMO_RUN_DIR,
    title: `smc demo: SMC backtest of the bundled sample (${symbols.join(', ')}, 1h)`,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** The whole demo: import the sample, backtest it, write the run directory and report. */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const { onProgress, signal } = opts;
  const imported = await importSample(opts.db, {
    ...(onProgress ? { onProgress: (d, t, path) => onProgress(d, t, { phase: 'sample', path }) } : {}),
    ...(signal ? { signal } : {}),
  });
  const backtest = await demoBacktest(imported.db, imported.sample, {
    ...(opts.out ? { out: opts.out } : {}),
    ...(onProgress ? { onProgress: (d, t) => onProgress(d, t, { phase: 'backtest' }) } : {}),
    ...(signal ? { signal } : {}),
  });
  return { ...imported, backtest };
}
