import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { endpointPathOf, PRIVATE_PATHS } from '../../api/paths.ts';
import type { AccountsResponse } from '../../api/schema/accounts.ts';
import { serverTime } from '../../api/schema/common.ts';
import { FILLS_PAGE_SIZE, FillsQuerySchema, type FillsResponse } from '../../api/schema/fills.ts';
import {
  type LeveragePreferencesResponse,
  SetLeverageParamsSchema,
  type SetLeverageResponse,
} from '../../api/schema/leverage.ts';
import {
  CancelAllOrdersParamsSchema,
  type CancelAllOrdersResponse,
  CancelOrderParamsSchema,
  type CancelOrderResponse,
  EditOrderParamsSchema,
  type EditOrderResponse,
  type OpenOrdersResponse,
  OrderStatusQuerySchema,
  type OrderStatusResponse,
  SendOrderParamsSchema,
  type SendOrderResponse,
  type SendStatusCode,
} from '../../api/schema/orders.ts';
import type { OpenPositionsResponse } from '../../api/schema/positions.ts';
import { type FakeVenueContext, krakenError } from '../server.ts';
import { EditRefusal, type FakeAccount, OrderRefusal } from './account.ts';
import type { KrakenAuthenticator } from './auth.ts';
import {
  cancelEvent,
  eventOrder,
  fillEntry,
  flexAccount,
  openOrder,
  openPosition,
  orderStatusEntry,
  type PayloadNames,
  sendEvents,
} from './payloads.ts';

type Params = Record<string, string | string[] | undefined>;

/** The request's parameters: the query string, and a form body when one was sent (Kraken reads both). */
function paramsOf(req: FastifyRequest): Params {
  const out: Params = { ...(req.query as Params) };
  if (typeof req.body === 'string' && req.body !== '') {
    for (const [k, v] of new URLSearchParams(req.body)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  return out;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The first field a zod error names. */
function firstField(err: z.ZodError): string {
  return String(err.issues[0]?.path[0] ?? '');
}

/** sendorder parameters that fail validation are refused with the status Kraken gives them. */
function sendStatusForField(field: string): SendStatusCode | null {
  switch (field) {
    case 'orderType':
      return 'invalidOrderType';
    case 'side':
      return 'invalidSide';
    case 'size':
      return 'invalidSize';
    case 'limitPrice':
    case 'stopPrice':
      return 'invalidPrice';
    default:
      return null;
  }
}

/**
 * Registers the private REST endpoints ccxt `krakenfutures` uses, on their real paths, with Kraken's
 * authentication (when the fake has credentials) and response shapes. Every handler runs inside
 * {@link FakeAccount.exclusive} after bringing the prices up to the fake's clock.
 */
export function registerPrivateRoutes(
  app: FastifyInstance,
  ctx: FakeVenueContext,
  account: FakeAccount,
  auth: KrakenAuthenticator | null,
): void {
  const now = () => ctx.now();
  const names: PayloadNames = {
    venueId: (s) => account.marketOf(s).id,
    clientId: (c) => account.callerClientId(c),
  };

  // ccxt declares form encoding and sends an empty body (parameters are in the query); batch calls send a
  // `json=` body. Keep the raw text: the signature is computed over it.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, body);
      },
    );
  }

  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    if (auth === null) return;
    const q = req.url.indexOf('?');
    const body = typeof req.body === 'string' ? req.body : '';
    const failure = auth.check({
      apiKey: header(req, 'apikey'),
      authent: header(req, 'authent'),
      nonce: header(req, 'nonce'),
      postData: body !== '' ? body : q < 0 ? '' : req.url.slice(q + 1),
      endpointPath: endpointPathOf(q < 0 ? req.url : req.url.slice(0, q)),
    });
    if (failure !== null) return reply.code(401).send(krakenError(failure, now()));
  };
  const opts = { preHandler: authenticate };

  const badRequest = (reply: FastifyReply, error: string) => reply.code(400).send(krakenError(error, now()));

  app.get(
    PRIVATE_PATHS.accounts,
    opts,
    async (): Promise<AccountsResponse> =>
      account.exclusive(async () => {
        await account.sync();
        const { account: a, maintenanceMargin, unrealized } = account.account();
        return {
          result: 'success',
          accounts: {
            cash: { type: 'cashAccount', balances: { usd: 0 } },
            flex: flexAccount(a, maintenanceMargin, unrealized),
          },
          serverTime: serverTime(now()),
        };
      }),
  );

  app.get(
    PRIVATE_PATHS.openPositions,
    opts,
    async (): Promise<OpenPositionsResponse> =>
      account.exclusive(async () => {
        await account.sync();
        return {
          result: 'success',
          openPositions: account
            .positions()
            .map((p) => openPosition(p.position, p.fillTime, p.maxFixedLeverage, names)),
          serverTime: serverTime(now()),
        };
      }),
  );

  app.get(
    PRIVATE_PATHS.openOrders,
    opts,
    async (): Promise<OpenOrdersResponse> =>
      account.exclusive(async () => {
        await account.sync();
        return {
          result: 'success',
          openOrders: account.openOrders().map((o) => openOrder(o, names)),
          serverTime: serverTime(now()),
        };
      }),
  );

  app.get(PRIVATE_PATHS.orderStatus, opts, async (req, reply) => {
    const q = OrderStatusQuerySchema.safeParse(paramsOf(req));
    if (!q.success) return badRequest(reply, `invalidArgument: ${firstField(q.error)}`);
    return account.exclusive(async (): Promise<OrderStatusResponse> => {
      await account.sync();
      return {
        result: 'success',
        orders: account.recentOrders(q.data).map((o) => orderStatusEntry(o, names)),
        serverTime: serverTime(now()),
      };
    });
  });

  app.get(PRIVATE_PATHS.fills, opts, async (req, reply) => {
    const q = FillsQuerySchema.safeParse(paramsOf(req));
    if (!q.success) return badRequest(reply, 'invalidArgument: lastFillTime');
    return account.exclusive(async (): Promise<FillsResponse> => {
      await account.sync();
      const before =
        q.data.lastFillTime === undefined ? Number.POSITIVE_INFINITY : Date.parse(q.data.lastFillTime);
      const all = account.fills();
      const page: FillsResponse['fills'] = [];
      for (let i = all.length - 1; i >= 0 && page.length < FILLS_PAGE_SIZE; i--) {
        if (all[i].ts < before) page.push(fillEntry(all[i], names));
      }
      return { result: 'success', fills: page, serverTime: serverTime(now()) };
    });
  });

  app.post(PRIVATE_PATHS.sendOrder, opts, async (req, reply) => {
    const params = paramsOf(req);
    const p = SendOrderParamsSchema.safeParse(params);
    const received = serverTime(now());
    if (!p.success) {
      const status = sendStatusForField(firstField(p.error));
      if (status === null) return badRequest(reply, 'requiredArgumentMissing');
      const body: SendOrderResponse = {
        result: 'success',
        sendStatus: { status, receivedTime: received, orderEvents: [] },
        serverTime: received,
      };
      return body;
    }
    return account.exclusive(async (): Promise<SendOrderResponse> => {
      const m = account.market(p.data.symbol);
      await account.sync(m ? [m.symbol] : [], { openTick: p.data.orderType === 'mkt' });
      try {
        const { order, fills } = account.submit(p.data);
        return {
          result: 'success',
          sendStatus: {
            order_id: order.id,
            status: 'placed',
            receivedTime: serverTime(order.createdAt),
            orderEvents: sendEvents(order, fills, names),
          },
          serverTime: serverTime(now()),
        };
      } catch (err) {
        if (!(err instanceof OrderRefusal)) throw err;
        return {
          result: 'success',
          sendStatus: { status: err.status, receivedTime: received, orderEvents: [] },
          serverTime: received,
        };
      }
    });
  });

  app.post(PRIVATE_PATHS.cancelOrder, opts, async (req, reply) => {
    const p = CancelOrderParamsSchema.safeParse(paramsOf(req));
    if (!p.success || (p.data.order_id === undefined && p.data.cliOrdId === undefined)) {
      return badRequest(reply, 'requiredArgumentMissing');
    }
    return account.exclusive(async (): Promise<CancelOrderResponse> => {
      await account.sync();
      const r = account.cancel({ orderId: p.data.order_id, cliOrdId: p.data.cliOrdId });
      const t = serverTime(now());
      if (r.status !== 'cancelled') {
        return { result: 'success', cancelStatus: { status: r.status, receivedTime: t }, serverTime: t };
      }
      return {
        result: 'success',
        cancelStatus: {
          status: 'cancelled',
          order_id: r.order.id,
          cliOrdId: names.clientId(r.order.clientId),
          receivedTime: t,
          orderEvents: [cancelEvent(r.order, names)],
        },
        serverTime: t,
      };
    });
  });

  app.post(PRIVATE_PATHS.cancelAllOrders, opts, async (req, reply) => {
    const p = CancelAllOrdersParamsSchema.safeParse(paramsOf(req));
    if (!p.success) return badRequest(reply, 'invalidArgument: symbol');
    const m = p.data.symbol === undefined ? undefined : account.market(p.data.symbol);
    if (p.data.symbol !== undefined && m === undefined) return badRequest(reply, 'contractNotFound');
    return account.exclusive(async (): Promise<CancelAllOrdersResponse> => {
      await account.sync();
      const cancelled = account.cancelAll(m?.symbol);
      const t = serverTime(now());
      return {
        result: 'success',
        cancelStatus: {
          receivedTime: t,
          cancelOnly: m?.id ?? 'all',
          status: cancelled.length > 0 ? 'cancelled' : 'noOrdersToCancel',
          cancelledOrders: cancelled.map((o) => ({ order_id: o.id, cliOrdId: names.clientId(o.clientId) })),
          orderEvents: cancelled.map((o) => cancelEvent(o, names)),
        },
        serverTime: t,
      };
    });
  });

  app.post(PRIVATE_PATHS.editOrder, opts, async (req, reply) => {
    const p = EditOrderParamsSchema.safeParse(paramsOf(req));
    const t = serverTime(now());
    if (!p.success) {
      const field = firstField(p.error);
      const status = field === 'size' ? 'invalidSize' : field.endsWith('Price') ? 'invalidPrice' : null;
      if (status === null) return badRequest(reply, 'requiredArgumentMissing');
      const body: EditOrderResponse = {
        result: 'success',
        editStatus: { status, receivedTime: t },
        serverTime: t,
      };
      return body;
    }
    if (p.data.orderId === undefined && p.data.cliOrdId === undefined)
      return badRequest(reply, 'requiredArgumentMissing');
    return account.exclusive(async (): Promise<EditOrderResponse> => {
      await account.sync();
      try {
        const { before, after } = account.edit(
          { orderId: p.data.orderId, cliOrdId: p.data.cliOrdId },
          { size: p.data.size, limitPrice: p.data.limitPrice, stopPrice: p.data.stopPrice },
        );
        return {
          result: 'success',
          editStatus: {
            status: 'edited',
            orderId: after.id,
            receivedTime: t,
            orderEvents: [
              {
                type: 'EDIT',
                old: eventOrder(before, names),
                new: eventOrder(after, names),
                reducedQuantity: null,
              },
            ],
          },
          serverTime: t,
        };
      } catch (err) {
        if (!(err instanceof EditRefusal)) throw err;
        return { result: 'success', editStatus: { status: err.status, receivedTime: t }, serverTime: t };
      }
    });
  });

  app.get(
    PRIVATE_PATHS.leveragePreferences,
    opts,
    async (): Promise<LeveragePreferencesResponse> => ({
      result: 'success',
      leveragePreferences: account
        .leveragePreferences()
        .map((l) => ({ symbol: account.marketOf(l.symbol).id, maxLeverage: l.maxLeverage })),
      serverTime: serverTime(now()),
    }),
  );

  app.put(PRIVATE_PATHS.leveragePreferences, opts, async (req, reply) => {
    const p = SetLeverageParamsSchema.safeParse(paramsOf(req));
    if (!p.success) return badRequest(reply, `invalidArgument: ${firstField(p.error)}`);
    const m = account.market(p.data.symbol);
    if (!m) return badRequest(reply, 'contractNotFound');
    const leverage = Number(p.data.maxLeverage);
    if (!(leverage >= 1 && leverage <= m.instrument.maxLeverage)) {
      return badRequest(reply, `invalidArgument: maxLeverage must be in [1, ${m.instrument.maxLeverage}]`);
    }
    return account.exclusive(async (): Promise<SetLeverageResponse> => {
      await account.sync([m.symbol]);
      account.setLeverage(m.symbol, leverage);
      return { result: 'success', serverTime: serverTime(now()) };
    });
  });
}
