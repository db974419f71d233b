import { CandleStore, type SeriesSummary } from '../store/candle-store.ts';
import { importBundledSample, type SampleFileStatus } from './bundled-sample.ts';

export interface DemoOptions {
  /** DuckDB file to import into (created if missing). */
  db: string;
  onProgress?: (done: number, total: number, path: string) => void;
}

export interface DemoSummary {
  db: string;
  sample: SampleFileStatus[];
  /** Files read and upserted this run (0 when the sample was already there). */
  importedFiles: number;
  insertedRows: number;
  series: SeriesSummary[];
}

/**
 * `smc demo` at this stage: imports the bundled sample into `db` (idempotent, fast when already done)
 * and returns the store summary. Later stages add a backtest and a report; since data/ must not import
 * engine/, that step belongs in a module above both, which can call this one.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const store = await CandleStore.open(opts.db);
  try {
    const sample = await importBundledSample(store, opts.onProgress);
    const imported = sample.filter((s) => s.status === 'imported');
    return {
      db: opts.db,
      sample,
      importedFiles: imported.length,
      insertedRows: imported.reduce((n, s) => n + s.inserted, 0),
      series: await store.list(),
    };
  } finally {
    await store.close();
  }
}
