import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCsvCandles } from '../data/io/csv-write.ts';
import { importCandleFile } from '../data/io/import-candles.ts';
import { CandleStore, type SeriesKey } from '../data/store/candle-store.ts';
import { generateUniverse } from '../data/synthetic/index.ts';

/**
 * Candle store throughput (issue 2 target: 1.6M 15m rows = 45 symbols × 1 year loaded into typed arrays
 * in < 1 s on the 2-core machine).
 * - import: upsert of 45 synthetic series into a fresh DuckDB file (one transaction each), then the
 *   same again (idempotent re-import: nothing changes), then the full file path (CSV parse, validate,
 *   upsert) for 5 symbols;
 * - load: readMany of all 45 series into Float64Arrays from a freshly opened store, best of 3 after a
 *   warm-up, plain and SharedArrayBuffer-backed.
 */
const TARGET_ROWS = 1_600_000;
const TARGET_SECONDS = 1;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function rate(label: string, rows: number, seconds: number): void {
  process.stdout.write(
    `${label.padEnd(50)} ${rows.toLocaleString('en-US').padStart(10)} rows ${seconds.toFixed(3).padStart(7)} s ` +
      `${(rows / seconds / 1e6).toFixed(2).padStart(6)}M rows/s\n`,
  );
}

export async function run(args: string[]): Promise<void> {
  const symbolsIdx = args.indexOf('--load-symbols');
  const symbols = symbolsIdx >= 0 ? Number(args[symbolsIdx + 1]) : 45;
  const dir = mkdtempSync(join(tmpdir(), 'smc-bench-load-'));
  try {
    let t = now();
    const universe = generateUniverse({ symbols, timeframe: '15m', seed: 1 });
    const rows = universe.reduce((n, s) => n + s.length, 0);
    process.stdout.write(
      `${symbols} synthetic symbols × ${universe[0].length} 15m bars = ${rows.toLocaleString('en-US')} rows ` +
        `(generated in ${(now() - t).toFixed(2)} s)\n`,
    );

    const path = join(dir, 'bench.duckdb');
    let store = await CandleStore.open(path);
    t = now();
    for (const s of universe) await store.upsert(s);
    rate('import: upsert into a new DuckDB file', rows, now() - t);
    t = now();
    for (const s of universe) await store.upsert(s);
    rate('import: same again (idempotent, nothing written)', rows, now() - t);

    const csvDir = join(dir, 'synthetic');
    mkdirSync(csvDir);
    const csvSeries = universe.slice(0, 5);
    for (const s of csvSeries) await writeCsvCandles(s, join(csvDir, `${s.symbol}_15m.csv`));
    const fileStore = await CandleStore.open(join(dir, 'files.duckdb'));
    t = now();
    for (const s of csvSeries) await importCandleFile(fileStore, join(csvDir, `${s.symbol}_15m.csv`));
    rate(
      'import: CSV files (parse, validate, upsert)',
      csvSeries.reduce((n, s) => n + s.length, 0),
      now() - t,
    );
    await fileStore.close();
    await store.close();

    const keys: SeriesKey[] = universe.map((s) => ({ source: s.source, symbol: s.symbol, timeframe: '15m' }));
    store = await CandleStore.open(path, { readOnly: true });
    const load = async (shared: boolean) => {
      let best = Number.POSITIVE_INFINITY;
      let loaded = 0;
      await store.readMany(keys, {}, { shared }); // warm-up: JIT and page cache
      for (let rep = 0; rep < 3; rep++) {
        const t0 = now();
        const series = await store.readMany(keys, {}, { shared });
        best = Math.min(best, now() - t0);
        loaded = series.reduce((n, s) => n + s.length, 0);
        if (loaded !== rows) throw new Error(`loaded ${loaded} rows, expected ${rows}`);
      }
      return { best, loaded };
    };
    const plain = await load(false);
    rate('load: readMany into Float64Arrays (best of 3)', plain.loaded, plain.best);
    const shared = await load(true);
    rate('load: readMany into SharedArrayBuffers (best of 3)', shared.loaded, shared.best);
    await store.close();

    const scaled = (plain.best * TARGET_ROWS) / plain.loaded;
    process.stdout.write(
      `load of ${TARGET_ROWS.toLocaleString('en-US')} rows ≈ ${scaled.toFixed(3)} s: ` +
        `${(scaled / TARGET_SECONDS).toFixed(2)}× the ${TARGET_SECONDS} s budget ` +
        `(${scaled <= TARGET_SECONDS ? 'within target' : 'OVER TARGET'})\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
