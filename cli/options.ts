import { z } from 'zod';
import { UserError } from '../data/errors.ts';
import { TIMEFRAMES, TimeframeSchema } from '../data/timeframes.ts';
import { formatZodError } from './run-action.ts';

/** Default DuckDB file; `--db` and SMC_DB override it. */
export function defaultDbPath(): string {
  return process.env.SMC_DB ?? '.local/smc.duckdb';
}

/** Parses DATE as ISO date/time (UTC when no zone is given) or epoch ms; names the flag on failure. */
export function parseDate(flag: string, value: string): number {
  const trimmed = value.trim();
  if (/^\d{12,}$/.test(trimmed)) return Number(trimmed);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
    ? `${trimmed}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed)
      ? trimmed
      : `${trimmed.replace(' ', 'T')}Z`;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) {
    throw new UserError(
      `${flag} '${value}' is not a date: use YYYY-MM-DD, an ISO time, or epoch milliseconds`,
    );
  }
  return t;
}

/** The options every candle-reading command shares (SPEC §7), validated in one place. */
export const CandleScopeSchema = z.object({
  db: z.string().min(1, '--db needs a file path'),
  symbols: z.array(z.string().min(1)).optional(),
  timeframe: TimeframeSchema.optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  json: z.boolean().default(false),
});
export type CandleScope = z.infer<typeof CandleScopeSchema>;

export interface RawScopeOptions {
  db?: string;
  symbols?: string;
  timeframe?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function parseCandleScope(raw: RawScopeOptions): CandleScope {
  const parsed = CandleScopeSchema.safeParse({
    db: raw.db ?? defaultDbPath(),
    symbols: raw.symbols
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    timeframe: raw.timeframe,
    from: raw.from === undefined ? undefined : parseDate('--from', raw.from),
    to: raw.to === undefined ? undefined : parseDate('--to', raw.to),
    json: raw.json ?? false,
  });
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const scope = parsed.data;
  if (scope.from !== undefined && scope.to !== undefined && scope.from >= scope.to) {
    throw new UserError('--from must be before --to');
  }
  return scope;
}

export const TIMEFRAME_HELP = `base timeframe (${TIMEFRAMES.join('|')})`;
