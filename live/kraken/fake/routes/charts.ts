import type { FastifyInstance } from 'fastify';
import type { CandleSeries } from '../../../../data/candles/series.ts';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../../data/timeframes.ts';
import { PATHS } from '../../api/paths.ts';
import {
  type ChartCandle,
  type ChartCandlesResponse,
  ChartQuerySchema,
  MAX_CANDLES_PER_REQUEST,
  ResolutionSchema,
  TickTypeSchema,
} from '../../api/schema/charts.ts';
import { type FakeVenueContext, krakenError } from '../server.ts';

function toCandles(s: CandleSeries, from: number, to: number, withVolume: boolean): ChartCandle[] {
  const out: ChartCandle[] = [];
  for (let i = from; i < to; i++) {
    out.push({
      time: s.ts[i],
      open: String(s.open[i]),
      high: String(s.high[i]),
      low: String(s.low[i]),
      close: String(s.close[i]),
      volume: withVolume ? s.volume[i] : 0,
    });
  }
  return out;
}

/**
 * GET /api/charts/v1/{tick_type}/{symbol}/{resolution}. Serves the timeframes the candle source holds;
 * other resolutions answer with no candles. Never serves a bar that opens after the fake's clock; the
 * current candle is included partially formed, as Kraken serves it (see `clockedCandleSource`).
 */
export function registerChartRoutes(app: FastifyInstance, ctx: FakeVenueContext): void {
  app.get<{
    Params: { tickType: string; symbol: string; resolution: string };
    Querystring: Record<string, string>;
  }>(PATHS.charts, async (req, reply): Promise<ChartCandlesResponse> => {
    const tick = TickTypeSchema.safeParse(req.params.tickType);
    const res = ResolutionSchema.safeParse(req.params.resolution);
    const q = ChartQuerySchema.safeParse(req.query);
    if (!tick.success || !res.success || !q.success) {
      return reply.code(400).send(krakenError('Bad Request', ctx.now()));
    }
    const inst = await ctx.venue.byId(req.params.symbol);
    const tf = (TIMEFRAMES as readonly string[]).includes(res.data) ? (res.data as Timeframe) : null;
    if (!inst || !tf) return { candles: [], more_candles: false };

    const now = ctx.now();
    const to = Math.min(q.data.to !== undefined ? q.data.to * 1000 : now, now);
    const withVolume = tick.data === 'trade';
    if (q.data.from !== undefined) {
      const s = await ctx.candles.read(inst.symbol, tf, q.data.from * 1000, to);
      const n = Math.min(s.length, MAX_CANDLES_PER_REQUEST);
      return { candles: toCandles(s, 0, n, withVolume), more_candles: s.length > n };
    }
    // no `from`: the most recent `count` (default: one full response) bars up to `to`
    const count = Math.min(q.data.count ?? MAX_CANDLES_PER_REQUEST, MAX_CANDLES_PER_REQUEST);
    const s = await ctx.candles.read(inst.symbol, tf, to - count * TIMEFRAME_MS[tf], to);
    const start = Math.max(0, s.length - count);
    return { candles: toCandles(s, start, s.length, withVolume), more_candles: start > 0 };
  });
}
