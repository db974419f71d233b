import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { readCsvCandles } from '../../data/io/csv-read.ts';
import { formatReferenceCsv } from '../../strategies/smc/primitives/reference/csv.ts';
import {
  DEFAULT_REFERENCE_PARAMS,
  REFERENCE_KINDS,
  type ReferenceKind,
  referenceTable,
} from '../../strategies/smc/primitives/reference/kinds.ts';
import { action, formatZodError } from '../run-action.ts';

/**
 * `smc indicators <csv> --kind K --out FILE`: runs one SMC primitive over a candle CSV and writes the
 * smartmoneyconcepts reference's column layout (same header, one row per input bar, empty cell = NaN), so
 * the output can be diffed against the reference's expected files.
 */
const TIMEFRAMES = {
  '15m': '15m',
  '1h': '1h',
  '4h': '4h',
  '1d': '1d',
  '1D': '1d',
  W: '1w',
  '1w': '1w',
} as const;

const OptionsSchema = z.object({
  input: z.string().min(1, '<csv> needs a file path'),
  kind: z.enum(REFERENCE_KINDS, { error: `--kind must be one of ${REFERENCE_KINDS.join(', ')}` }),
  swingLength: z.coerce
    .number({ error: '--swing-length must be a number' })
    .int('--swing-length must be a whole number')
    .min(2, '--swing-length must be at least 2'),
  rangePercent: z.coerce
    .number({ error: '--range-percent must be a number' })
    .positive('--range-percent must be above 0'),
  timeframe: z.enum(Object.keys(TIMEFRAMES) as [keyof typeof TIMEFRAMES], {
    error: `--time-frame must be one of ${Object.keys(TIMEFRAMES).join(', ')}`,
  }),
  out: z.string().min(1, '--out needs a file path'),
});
export type IndicatorsOptions = z.input<typeof OptionsSchema>;

/** What `runIndicators` wrote. */
export interface IndicatorsReport {
  readonly kind: ReferenceKind;
  readonly rows: number;
  readonly out: string;
}

/** Reads the CSV, computes the table and writes it; the command's whole job, callable from tests. */
export async function runIndicators(raw: IndicatorsOptions): Promise<IndicatorsReport> {
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const o = parsed.data;
  const candles = await readCsvCandles(o.input);
  if (candles.problems.length > 0) {
    throw new UserError(
      `${o.input}: ${candles.problems.length} cell(s) could not be read: fix or remove those rows`,
      candles.problems.map((p) => p.message),
    );
  }
  if (candles.length === 0)
    throw new UserError(`${o.input}: no candle rows: the file needs a header and data`);
  const table = referenceTable(candles, o.kind, {
    swingLength: o.swingLength,
    rangePercent: o.rangePercent,
    timeframe: TIMEFRAMES[o.timeframe],
  });
  try {
    writeFileSync(o.out, formatReferenceCsv(table));
  } catch (err) {
    throw new UserError(`cannot write --out '${o.out}': ${(err as Error).message}`);
  }
  return { kind: o.kind, rows: candles.length, out: o.out };
}

export function register(program: Command): void {
  program
    .command('indicators')
    .description('run one SMC primitive over a candle CSV and write the smartmoneyconcepts reference layout')
    .argument('<csv>', 'candle CSV (.csv or .csv.gz) with Date/Open/High/Low/Close/Volume columns')
    .requiredOption('--kind <kind>', `one of ${REFERENCE_KINDS.join(', ')}`)
    .option('--swing-length <n>', 'swing_length of the swings', String(DEFAULT_REFERENCE_PARAMS.swingLength))
    .option('--range-percent <p>', 'liquidity range_percent', String(DEFAULT_REFERENCE_PARAMS.rangePercent))
    .option('--time-frame <tf>', 'previous_high_low time frame: 15m, 1h, 4h, 1D, W', '1D')
    .requiredOption('--out <file>', 'output CSV path')
    .action(
      action(
        async (
          input: string,
          opts: { kind: string; swingLength: string; rangePercent: string; timeFrame: string; out: string },
        ) => {
          const r = await runIndicators({
            input,
            kind: opts.kind as ReferenceKind,
            swingLength: opts.swingLength,
            rangePercent: opts.rangePercent,
            timeframe: opts.timeFrame as keyof typeof TIMEFRAMES,
            out: opts.out,
          });
          process.stdout.write(`${r.kind}: ${r.rows} rows written to ${r.out}\n`);
        },
      ),
    );
}
