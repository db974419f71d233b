import { join } from 'node:path';
import type { CandleSeries } from '../../data/candles/series.ts';
import { allocateSeries, seriesFromColumns } from '../../data/candles/series.ts';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { readParquetCandles } from '../../data/io/parquet.ts';
import { resample } from '../../data/resample/resample.ts';
import type { Timeframe } from '../../data/timeframes.ts';
import type { Bar } from '../../strategies/smc/context/bar-buffer.ts';
import type { StructureSource } from '../../strategies/smc/context/features.ts';
import { IncrementalResampler } from '../../strategies/smc/context/incremental-resampler.ts';
import type { StructureBreak } from '../../strategies/smc/context/structure-leg.ts';
import type { StructureSourceFactory } from '../../strategies/smc/pipeline.ts';
import type { CandlesByTimeframe } from '../../strategies/strategy.ts';

/** Bar i of a series as a plain object (the stepping API's input). */
export function barAt(s: CandleSeries, i: number): Bar {
  return {
    ts: s.ts[i],
    open: s.open[i],
    high: s.high[i],
    low: s.low[i],
    close: s.close[i],
    volume: s.volume[i],
  };
}

/** Closed higher-timeframe bars of `base` (the incremental resampler run over the whole series). */
export function resampleClosed(base: CandleSeries, tf: Timeframe): CandleSeries {
  const r = new IncrementalResampler(base.timeframe, tf);
  const out: Bar[] = [];
  for (let i = 0; i < base.length; i++) r.push(barAt(base, i), (b) => out.push(b));
  const s = allocateSeries({ source: base.source, symbol: base.symbol, timeframe: tf }, out.length);
  out.forEach((b, k) => {
    s.ts[k] = b.ts;
    s.open[k] = b.open;
    s.high[k] = b.high;
    s.low[k] = b.low;
    s.close[k] = b.close;
    s.volume[k] = b.volume;
  });
  return s;
}

/** Base series plus its 1h, 4h and 1d resamples (data/resample, closed buckets). */
export function allTimeframes(base: CandleSeries): CandlesByTimeframe {
  const out: CandlesByTimeframe = { [base.timeframe]: base };
  for (const tf of ['1h', '4h', '1d'] as const) if (tf !== base.timeframe) out[tf] = resample(base, tf);
  return out;
}

/** A hand-scripted zone: active on bars [from, to] of its timeframe. */
export interface ScriptedZone {
  kind: 'ob' | 'fvg';
  dir: 1 | -1;
  low: number;
  high: number;
  from: number;
  to: number;
}

/**
 * Structure events written by hand per timeframe: each break is reported at its `knownAt` bar, each zone
 * is active on its bar range. Causal by construction, so a scenario test states exactly what the
 * pipeline sees.
 */
export function scriptedStructure(
  breaks: Partial<Record<Timeframe, StructureBreak[]>>,
  zones: Partial<Record<Timeframe, ScriptedZone[]>> = {},
): StructureSourceFactory {
  return (tf): StructureSource => {
    let last = -1;
    return {
      closeBar(_bars, j, onBreak) {
        last = j;
        for (const ev of breaks[tf] ?? []) if (ev.knownAt === j) onBreak(ev);
      },
      activeZone(kind, dir, out) {
        out[0] = Number.NaN;
        out[1] = Number.NaN;
        for (const z of zones[tf] ?? []) {
          if (z.kind === kind && z.dir === dir && z.from <= last && last <= z.to) {
            out[0] = z.low;
            out[1] = z.high;
          }
        }
      },
    };
  };
}

/** The bundled real 1h sample of `symbol` (data/samples, Binance USD-M perpetual; see PROVENANCE.md there). */
export async function loadSample1h(symbol: string): Promise<CandleSeries> {
  const file = join(BUNDLED_SAMPLE_DIR, 'binance-usdm-perp', `${symbol}USDT_1h.parquet`);
  const raw = await readParquetCandles(file);
  return seriesFromColumns({ source: 'binance-usdm-perp', symbol, timeframe: '1h' }, raw);
}
