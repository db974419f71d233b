import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { copyFloat64Columns, openDuckDb, sqlString } from '../../data/store/duckdb.ts';
import type { Funnel } from '../../engine/backtest/types.ts';
import type { Metrics } from '../../engine/metrics/compute.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { BacktestReportInput } from '../backtest/html.ts';
import { RUN_FILES, TRADE_COLUMNS } from './layout.ts';

/** The fields of result.json a report needs; the rest passes through untyped. */
const ResultJsonSchema = z
  .object({
    kind: z.literal('backtest', {
      error: "result.json: kind must be 'backtest' (is this a backtest run directory?)",
    }),
    versions: z.record(z.string(), z.string()),
    configHash: z.string(),
    dataHash: z.string(),
    resultHash: z.string(),
    symbols: z.array(z.string()),
    baseTimeframe: z.enum(['15m', '1h', '4h', '1d']),
    fromMs: z.number().nullable(),
    toMs: z.number().nullable(),
    startEquity: z.number(),
    metrics: z.record(z.string(), z.unknown()),
    funnel: z.object({ strategies: z.array(z.unknown()) }),
  })
  .loose();

/** Splits RFC 4180 CSV text into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readTrades(path: string): TradeRecord[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined || header.join(',') !== TRADE_COLUMNS.join(',')) {
    throw new UserError(`${path}: unexpected header; expected ${TRADE_COLUMNS.join(',')}`);
  }
  return rows.map((r, i) => {
    if (r.length !== TRADE_COLUMNS.length) {
      throw new UserError(`${path}: row ${i + 2} has ${r.length} fields, expected ${TRADE_COLUMNS.length}`);
    }
    const side = r[2];
    if (side !== 'long' && side !== 'short')
      throw new UserError(`${path}: row ${i + 2}: side '${side}' is not long/short`);
    return {
      strategyId: r[0],
      symbol: r[1],
      side,
      entryTs: Date.parse(r[3]),
      exitTs: Date.parse(r[4]),
      entryPrice: r[5],
      exitPrice: r[6],
      qty: r[7],
      fees: r[8],
      funding: r[9],
      pnl: r[10],
      netPnl: r[11],
      exitReason: r[12],
    };
  });
}

async function readEquity(path: string): Promise<{ ts: Float64Array; equity: Float64Array }> {
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    const r = await connection.run(
      `SELECT CAST(epoch_ms(ts) AS DOUBLE), equity FROM read_parquet(${sqlString(path)}) ORDER BY ts`,
    );
    const ts = new Float64Array(r.rowCount);
    const equity = new Float64Array(r.rowCount);
    copyFloat64Columns(r, [ts, equity]);
    return { ts, equity };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Reads what a backtest report shows back from a run directory written by writeBacktestRun. */
export async function readBacktestRun(dir: string): Promise<BacktestReportInput> {
  const file = (k: keyof typeof RUN_FILES) => {
    const p = join(dir, RUN_FILES[k]);
    if (!existsSync(p))
      throw new UserError(`${dir} is not a complete backtest run directory: ${RUN_FILES[k]} is missing`);
    return p;
  };
  const parsed = ResultJsonSchema.safeParse(JSON.parse(readFileSync(file('result'), 'utf8')));
  if (!parsed.success) {
    throw new UserError(
      `${file('result')}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const r = parsed.data;
  return {
    packageVersion: r.versions['smc-lab'] ?? 'unknown',
    configHash: r.configHash,
    dataHash: r.dataHash,
    resultHash: r.resultHash,
    symbols: r.symbols,
    baseTimeframe: r.baseTimeframe,
    from: r.fromMs,
    to: r.toMs,
    startEquity: r.startEquity,
    metrics: r.metrics as unknown as Metrics,
    funnel: r.funnel as unknown as Funnel,
    trades: readTrades(file('tradesCsv')),
    equity: await readEquity(file('equity')),
  };
}
