import { z } from 'zod';
import { GATES } from '../../../strategies/smc/decision.ts';
import { fmtInt, fmtPct, fmtTime } from '../../html/format.ts';
import { type FunnelStage, gateBySymbolSpec, gateFunnelSpec } from '../../specs/gate-funnel.ts';
import { chart, type RunReport, table } from '../model.ts';
import { readJson, runFile } from './read-util.ts';

const CountsSchema = z
  .object({
    candidates: z.number(),
    rejected: z.record(z.string(), z.number()),
    byReason: z.record(z.string(), z.number()),
    signals: z.number(),
    long: z.number(),
    short: z.number(),
  })
  .loose();
type Counts = z.output<typeof CountsSchema>;

const ScanResultSchema = z
  .object({
    kind: z.literal('scan'),
    packageVersion: z.string().default('unknown'),
    from: z.number().nullable(),
    to: z.number().nullable(),
    series: z.array(
      z.object({ source: z.string(), symbol: z.string(), timeframe: z.string(), bars: z.number() }),
    ),
    structureTimeframe: z.string(),
    funnel: z.object({ perSymbol: z.record(z.string(), CountsSchema), total: CountsSchema }),
  })
  .loose();

/** What the scan report shows: result.json of `smc scan --out DIR`. */
export type ScanReportInput = z.output<typeof ScanResultSchema>;

/** Reads a scan run directory (result.json). */
export function readScanRun(dir: string): ScanReportInput {
  return readJson(runFile(dir, 'result.json', 'scan'), ScanResultSchema);
}

/** Funnel stages: candidates, then what each gate (in pipeline order) let through, then signals. */
export function scanStages(c: Counts): FunnelStage[] {
  const out: FunnelStage[] = [{ stage: 'candidates', remaining: c.candidates, rejected: 0 }];
  let left = c.candidates;
  for (const g of GATES) {
    const r = c.rejected[g] ?? 0;
    if (r === 0) continue;
    left -= r;
    out.push({ stage: `after ${g}`, remaining: left, rejected: r });
  }
  out.push({ stage: 'signals', remaining: c.signals, rejected: 0 });
  return out;
}

/**
 * The scan report: the gate funnel of all symbols, where each symbol's decisions ended, and the counts
 * per rejection reason.
 */
export function scanReport(input: ScanReportInput): RunReport {
  const total = input.funnel.total;
  const symbols = Object.keys(input.funnel.perSymbol).sort();
  const outcomes = [...GATES.map((g) => `rejected: ${g}`), 'signal'];
  const bySymbol = symbols.flatMap((symbol) => {
    const c = input.funnel.perSymbol[symbol];
    return [
      ...GATES.map((g, order) => ({ symbol, outcome: `rejected: ${g}`, order, count: c.rejected[g] ?? 0 })),
      { symbol, outcome: 'signal', order: GATES.length, count: c.signals },
    ].filter((r) => r.count > 0);
  });
  const reasons = Object.keys(total.byReason).filter((r) => (total.byReason[r] ?? 0) > 0);
  const pct = (n: number, of: number) => (of > 0 ? fmtPct(n / of, 1) : '—');
  // one column per symbol while that fits; the per-symbol chart covers larger scans
  const wide = symbols.length > 1 && symbols.length <= 8;
  const cols = wide ? [...symbols.map((s) => input.funnel.perSymbol[s]), total] : [total];
  const tfs = [...new Set(input.series.map((s) => s.timeframe))].join(', ');
  return {
    kind: 'scan',
    title: `SMC scan: ${fmtInt(total.signals)} signals of ${fmtInt(total.candidates)} decisions`,
    meta: [
      `${symbols.length} symbol${symbols.length === 1 ? '' : 's'} · base ${tfs} · structure ${input.structureTimeframe} · ${fmtTime(input.from)} → ${fmtTime(input.to)} UTC · smc-lab ${input.packageVersion}`,
    ],
    sections: [
      {
        title: 'Gate funnel',
        blocks: [chart('gate-funnel', gateFunnelSpec(scanStages(total), 'Gate funnel, all symbols'))],
      },
      ...(symbols.length > 0
        ? [{ title: 'By symbol', blocks: [chart('gate-by-symbol', gateBySymbolSpec(bySymbol, outcomes))] }]
        : []),
      {
        title: 'Counts',
        blocks: [
          table(
            ['reason', ...(wide ? [...symbols, 'total'] : ['all symbols'])],
            [
              ['candidates', ...cols.map((c) => fmtInt(c.candidates))],
              ...[
                ...reasons.map((r) => ({ r, get: (c: Counts) => c.byReason[r] ?? 0 })),
                { r: 'signals LONG', get: (c: Counts) => c.long },
                { r: 'signals SHORT', get: (c: Counts) => c.short },
              ].map(({ r, get }) => [
                r,
                ...cols.map((c) => `${fmtInt(get(c))} (${pct(get(c), c.candidates)})`),
              ]),
            ],
          ),
        ],
      },
    ],
    summary: { from: input.from, to: input.to, series: input.series, funnel: input.funnel },
  };
}
