import type { FastifyInstance } from 'fastify';
import { PATHS } from '../../api/paths.ts';
import { serverTime } from '../../api/schema/common.ts';
import type { InstrumentsResponse } from '../../api/schema/instruments.ts';
import type { TickerResponse, TickersResponse } from '../../api/schema/tickers.ts';
import { type FakeVenueContext, krakenError } from '../server.ts';

/** GET instruments, tickers and tickers/{symbol} under /derivatives/api/v3. */
export function registerPublicRoutes(app: FastifyInstance, ctx: FakeVenueContext): void {
  app.get(PATHS.instruments, async (): Promise<InstrumentsResponse> => {
    const instruments = await ctx.venue.instrumentsPayload();
    return { result: 'success', instruments, serverTime: serverTime(ctx.now()) };
  });

  app.get(PATHS.tickers, async (): Promise<TickersResponse> => {
    const tickers = await ctx.venue.tickers();
    return { result: 'success', tickers, serverTime: serverTime(ctx.now()) };
  });

  app.get<{ Params: { symbol: string } }>(PATHS.ticker, async (req, reply) => {
    const ticker = await ctx.venue.ticker(req.params.symbol);
    if (!ticker) return reply.code(404).send(krakenError('contractNotFound', ctx.now()));
    const body: TickerResponse = { result: 'success', ticker, serverTime: serverTime(ctx.now()) };
    return body;
  });
}
