import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { canonicalSymbol } from '../../../../data/symbols/symbols.ts';
import type { FakeAccount } from './account.ts';

/**
 * Scenario control of the fake's account (not part of Kraken's API), for tests that drive the fake as a
 * separate process (`smc fake-exchange`). In-process tests call the same methods on the FakeAccount.
 *
 *   GET  /_control/account                          → balances, positions, open orders, fill count
 *   POST /_control/account/price {symbol, last, mark?}          scripted tick at the fake's clock
 *   POST /_control/account/vanish {orderId} | {symbol}          an order (or every reduce-only stop of a
 *                                                               symbol) disappears: cancel → notFound
 *   POST /_control/account/external-position {symbol, side, qty, price?}
 *                                                               a position opened behind the bot's back
 *   POST /_control/account/partial-fill {qty}                   the next fill is capped at qty
 *   PUT  /_control/account/market-fill {mode}                   'immediate' | 'next_event'
 *   POST /_control/account/restart {downMs}                     the venue drops every connection for
 *                                                               downMs (wall clock), then comes back with
 *                                                               its state (orders, positions) intact
 *   POST /_control/account/lose-responses {count, path?}        the next count private requests (of path)
 *                                                               are processed but their answers are lost
 */

const SymbolField = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    try {
      return canonicalSymbol(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
const Positive = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]);

const PriceBody = z.object({
  symbol: SymbolField,
  last: z.number().positive(),
  mark: z.number().positive().optional(),
});
const VanishBody = z.union([z.object({ orderId: z.string().min(1) }), z.object({ symbol: SymbolField })]);
const ExternalBody = z.object({
  symbol: SymbolField,
  side: z.enum(['long', 'short']),
  qty: Positive,
  price: Positive.optional(),
});
const PartialBody = z.object({ qty: Positive });
const MarketFillBody = z.object({ mode: z.enum(['immediate', 'next_event']) });
const RestartBody = z.object({ downMs: z.number().int().min(0).max(600_000) });
const LoseBody = z.object({
  count: z.number().int().min(1).max(1000),
  path: z.string().startsWith('/').optional(),
});

/** Connection faults shared with the request hooks (see index.ts). */
export interface OutageSwitch {
  /** Wall-clock ms until which every connection is dropped. */
  until: number;
  /** Private requests whose answers are lost, in order: a path, or null for any. */
  lose: Array<string | null>;
}

function invalid(reply: FastifyReply, err: z.ZodError) {
  const msg = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  return reply.code(400).send({ error: msg });
}

export function registerAccountControlRoutes(
  app: FastifyInstance,
  account: FakeAccount,
  outage: OutageSwitch,
): void {
  app.get('/_control/account', async () =>
    account.exclusive(async () => {
      await account.sync();
      const { account: a } = account.account();
      return {
        balance: a.balance.toString(),
        equity: a.equity.toString(),
        marginUsed: a.marginUsed.toString(),
        marketFill: account.marketFill,
        positions: account.positions().map(({ position: p }) => ({
          symbol: p.symbol,
          side: p.side,
          qty: p.qty.toString(),
          entryPrice: p.entryPrice.toString(),
        })),
        openOrders: account.openOrders().map((o) => ({
          id: o.id,
          clientId: account.callerClientId(o.clientId),
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          qty: o.qty.toString(),
          triggerPrice: o.triggerPrice?.toString() ?? null,
          reduceOnly: o.reduceOnly,
        })),
        fills: account.fills().length,
      };
    }),
  );

  app.post('/_control/account/price', async (req, reply) => {
    const b = PriceBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    await account.exclusive(() => account.tick(b.data.symbol, b.data.last, b.data.mark));
    return { ok: true };
  });

  app.post('/_control/account/vanish', async (req, reply) => {
    const b = VanishBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    const d = b.data;
    const ids = await account.exclusive(() =>
      'orderId' in d ? (account.vanishOrder(d.orderId) ? [d.orderId] : []) : account.vanishStops(d.symbol),
    );
    return { vanished: ids };
  });

  app.post('/_control/account/external-position', async (req, reply) => {
    const b = ExternalBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    const f = await account.exclusive(() =>
      account.openPositionBehindBack(b.data.symbol, b.data.side, b.data.qty, b.data.price),
    );
    return { fillId: f.id, price: f.price.toString(), qty: f.qty.toString() };
  });

  app.post('/_control/account/partial-fill', async (req, reply) => {
    const b = PartialBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    account.capNextFill(b.data.qty);
    return { ok: true };
  });

  app.put('/_control/account/market-fill', async (req, reply) => {
    const b = MarketFillBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    account.marketFill = b.data.mode;
    return { mode: account.marketFill };
  });

  app.post('/_control/account/restart', async (req, reply) => {
    const b = RestartBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    outage.until = Date.now() + b.data.downMs;
    return { downUntil: outage.until };
  });

  app.post('/_control/account/lose-responses', async (req, reply) => {
    const b = LoseBody.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    for (let i = 0; i < b.data.count; i++) outage.lose.push(b.data.path ?? null);
    return { pending: outage.lose.length };
  });
}
