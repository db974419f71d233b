import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';
import { KrakenNumberSchema } from './numbers.ts';

/**
 * Order endpoints of Kraken Futures (derivatives/api/v3), as ccxt `krakenfutures` calls them: every
 * parameter goes in the query string (also on POST), signed as `postData`.
 *
 * - POST sendorder (`createOrder`) → `sendStatus`
 * - POST editorder (`editOrder`) → `editStatus`
 * - POST cancelorder (`cancelOrder`) → `cancelStatus`
 * - POST cancelallorders (`cancelAllOrders`) → `cancelStatus` with `cancelledOrders`
 * - GET openorders (`fetchOpenOrders`) → `openOrders`
 * - GET orders/status (`fetchOrder`, `fetchOrders`) → `orders`
 *
 * A refused order is not an HTTP error: the response is `result: success` and the `status` field says why
 * ({@link SEND_STATUSES}, {@link CANCEL_STATUSES}, {@link EDIT_STATUSES}). live/kraken/errors.ts turns
 * those statuses into BrokerError kinds.
 */

export const OrderSideSchema = z.enum(['buy', 'sell']);

/** orderType of sendorder: limit, post-only, immediate-or-cancel, market, stop, take-profit, trailing stop. */
export const SEND_ORDER_TYPES = ['lmt', 'post', 'ioc', 'mkt', 'stp', 'take_profit', 'trailing_stop'] as const;
export const SendOrderTypeSchema = z.enum(SEND_ORDER_TYPES);
export type SendOrderType = z.infer<typeof SendOrderTypeSchema>;

/** Price a trigger order watches, as a request parameter and as responses spell it. */
export const TriggerSignalParamSchema = z.enum(['mark', 'index', 'last']);
export const TriggerSignalSchema = z.enum(['mark_price', 'index_price', 'last_price', 'spot_price']);

const decimalParam = z.string().regex(/^\d+(\.\d+)?$/, 'must be a positive decimal number');
const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query parameters of POST sendorder. */
export const SendOrderParamsSchema = z.object({
  orderType: SendOrderTypeSchema,
  symbol: z.string().min(1),
  side: OrderSideSchema,
  size: decimalParam,
  limitPrice: decimalParam.optional(),
  stopPrice: decimalParam.optional(),
  triggerSignal: TriggerSignalParamSchema.optional(),
  cliOrdId: z.string().min(1).optional(),
  reduceOnly: boolParam.optional(),
});
export type SendOrderParams = z.infer<typeof SendOrderParamsSchema>;

/** Query parameters of POST editorder: the order by id or client id, and what changes. */
export const EditOrderParamsSchema = z.object({
  orderId: z.string().min(1).optional(),
  cliOrdId: z.string().min(1).optional(),
  size: decimalParam.optional(),
  limitPrice: decimalParam.optional(),
  stopPrice: decimalParam.optional(),
});

/** Query parameters of POST cancelorder (`order_id` or `cliOrdId`). */
export const CancelOrderParamsSchema = z.object({
  order_id: z.string().min(1).optional(),
  cliOrdId: z.string().min(1).optional(),
});

export const CancelAllOrdersParamsSchema = z.object({ symbol: z.string().min(1).optional() });

/** Query of GET orders/status: repeated `orderIds=` or `cliOrdIds=` (one value parses as a string). */
const oneOrMany = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform((v) => (Array.isArray(v) ? v : [v]));
export const OrderStatusQuerySchema = z.object({
  orderIds: oneOrMany.optional(),
  cliOrdIds: oneOrMany.optional(),
});

/** sendStatus.status values (ccxt `parseOrderStatus`, `verifyOrderActionSuccess`). */
export const SEND_STATUSES = [
  'placed',
  'invalidOrderType',
  'invalidSide',
  'invalidSize',
  'invalidPrice',
  'insufficientAvailableFunds',
  'selfFill',
  'tooManySmallOrders',
  'maxPositionViolation',
  'marketSuspended',
  'marketInactive',
  'clientOrderIdAlreadyExist',
  'clientOrderIdTooLong',
  'outsidePriceCollar',
  'postWouldExecute',
  'iocWouldNotExecute',
  'wouldNotReducePosition',
] as const;
export type SendStatusCode = (typeof SEND_STATUSES)[number];

/** cancelStatus.status: `filled` and `notFound` mean there was no open order to cancel. */
export const CANCEL_STATUSES = ['cancelled', 'filled', 'notFound', 'noOrdersToCancel'] as const;
export type CancelStatusCode = (typeof CANCEL_STATUSES)[number];

export const EDIT_STATUSES = [
  'edited',
  'invalidSize',
  'invalidPrice',
  'insufficientAvailableFunds',
  'selfFill',
  'tooManySmallOrders',
  'outsidePriceCollar',
  'postWouldExecute',
  'wouldNotReducePosition',
  'orderForEditNotFound',
  'orderForEditNotAStop',
] as const;
export type EditStatusCode = (typeof EDIT_STATUSES)[number];

/** An order as order events describe it (PLACE, CANCEL, EDIT, REJECT, and the prior order of an EXECUTION). */
export const EventOrderSchema = z.object({
  orderId: z.string().min(1),
  cliOrdId: z.string().nullable(),
  /** lmt, post, ioc (market orders execute as ioc), stp, take_profit. */
  type: z.string().min(1),
  symbol: z.string().min(1),
  side: OrderSideSchema,
  quantity: KrakenNumberSchema,
  filled: KrakenNumberSchema,
  limitPrice: KrakenNumberSchema.nullable().optional(),
  stopPrice: KrakenNumberSchema.nullable().optional(),
  reduceOnly: z.boolean(),
  timestamp: ServerTimeSchema,
  lastUpdateTimestamp: ServerTimeSchema.optional(),
});
export type EventOrder = z.infer<typeof EventOrderSchema>;

/** A trigger (stop, take-profit) order as order events describe it. `type` is what it becomes when fired. */
export const OrderTriggerSchema = z.object({
  uid: z.string().min(1),
  clientId: z.string().nullable(),
  type: z.enum(['lmt', 'ioc']),
  symbol: z.string().min(1),
  side: OrderSideSchema,
  quantity: KrakenNumberSchema,
  limitPrice: KrakenNumberSchema.nullable(),
  triggerPrice: KrakenNumberSchema,
  triggerSide: z.enum(['trigger_above', 'trigger_below']),
  triggerSignal: TriggerSignalSchema,
  reduceOnly: z.boolean(),
  timestamp: ServerTimeSchema,
  lastUpdateTimestamp: ServerTimeSchema,
});
export type OrderTrigger = z.infer<typeof OrderTriggerSchema>;

export const OrderEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('PLACE'),
    order: EventOrderSchema.optional(),
    orderTrigger: OrderTriggerSchema.optional(),
    reducedQuantity: KrakenNumberSchema.nullable().optional(),
  }),
  z.object({
    type: z.literal('EXECUTION'),
    executionId: z.string().min(1),
    price: KrakenNumberSchema,
    amount: KrakenNumberSchema,
    orderPriorEdit: EventOrderSchema.nullable(),
    orderPriorExecution: EventOrderSchema,
    takerReducedQuantity: KrakenNumberSchema.nullable(),
  }),
  z.object({
    type: z.literal('CANCEL'),
    uid: z.string().min(1),
    order: EventOrderSchema.optional(),
    orderTrigger: OrderTriggerSchema.optional(),
  }),
  z.object({
    type: z.literal('EDIT'),
    old: EventOrderSchema,
    new: EventOrderSchema,
    reducedQuantity: KrakenNumberSchema.nullable(),
  }),
  z.object({
    type: z.literal('REJECT'),
    uid: z.string().min(1),
    order: EventOrderSchema.optional(),
    orderTrigger: OrderTriggerSchema.optional(),
    reason: z.string(),
  }),
]);
export type OrderEvent = z.infer<typeof OrderEventSchema>;

export const SendStatusSchema = z.object({
  order_id: z.string().min(1).optional(),
  /** One of {@link SEND_STATUSES}; kept open so a new venue status reaches errors.ts instead of a parse error. */
  status: z.string().min(1),
  receivedTime: ServerTimeSchema.optional(),
  orderEvents: z.array(OrderEventSchema).optional(),
});
export type SendStatus = z.infer<typeof SendStatusSchema>;

export const SendOrderResponseSchema = z.object({
  result: z.literal('success'),
  sendStatus: SendStatusSchema,
  serverTime: ServerTimeSchema,
});
export type SendOrderResponse = z.infer<typeof SendOrderResponseSchema>;

export const CancelStatusSchema = z.object({
  status: z.string().min(1),
  order_id: z.string().min(1).optional(),
  cliOrdId: z.string().nullable().optional(),
  receivedTime: ServerTimeSchema.optional(),
  orderEvents: z.array(OrderEventSchema).optional(),
});

export const CancelOrderResponseSchema = z.object({
  result: z.literal('success'),
  cancelStatus: CancelStatusSchema,
  serverTime: ServerTimeSchema,
});
export type CancelOrderResponse = z.infer<typeof CancelOrderResponseSchema>;

export const EditStatusSchema = z.object({
  status: z.string().min(1),
  orderId: z.string().min(1).optional(),
  cliOrdId: z.string().nullable().optional(),
  receivedTime: ServerTimeSchema.optional(),
  orderEvents: z.array(OrderEventSchema).optional(),
});

export const EditOrderResponseSchema = z.object({
  result: z.literal('success'),
  editStatus: EditStatusSchema,
  serverTime: ServerTimeSchema,
});
export type EditOrderResponse = z.infer<typeof EditOrderResponseSchema>;

export const CancelAllOrdersResponseSchema = z.object({
  result: z.literal('success'),
  cancelStatus: z.object({
    receivedTime: ServerTimeSchema,
    /** `all`, or the symbol the request named. */
    cancelOnly: z.string().min(1),
    status: z.string().min(1),
    cancelledOrders: z.array(
      z.object({ order_id: z.string().min(1), cliOrdId: z.string().nullable().optional() }),
    ),
    orderEvents: z.array(OrderEventSchema),
  }),
  serverTime: ServerTimeSchema,
});
export type CancelAllOrdersResponse = z.infer<typeof CancelAllOrdersResponseSchema>;

/**
 * One entry of GET openorders. `orderType` is `lmt`, `post`, `stop` or `take_profit` (market orders never
 * rest at Kraken); trigger orders carry `stopPrice` and `triggerSignal`, stop-limits also `limitPrice`.
 */
export const OpenOrderSchema = z.object({
  order_id: z.string().min(1),
  cliOrdId: z.string().nullable().optional(),
  symbol: z.string().min(1),
  side: OrderSideSchema,
  orderType: z.string().min(1),
  limitPrice: KrakenNumberSchema.nullable().optional(),
  stopPrice: KrakenNumberSchema.nullable().optional(),
  triggerSignal: TriggerSignalSchema.optional(),
  unfilledSize: KrakenNumberSchema,
  filledSize: KrakenNumberSchema,
  receivedTime: ServerTimeSchema,
  lastUpdateTime: ServerTimeSchema,
  status: z.enum(['untouched', 'partiallyFilled']),
  reduceOnly: z.boolean(),
});
export type OpenOrder = z.infer<typeof OpenOrderSchema>;

export const OpenOrdersResponseSchema = z.object({
  result: z.literal('success'),
  openOrders: z.array(OpenOrderSchema),
  serverTime: ServerTimeSchema,
});
export type OpenOrdersResponse = z.infer<typeof OpenOrdersResponseSchema>;

/**
 * One entry of GET orders/status. Kraken answers for orders that are open or that closed in the last few
 * seconds only; an older order is simply absent (ccxt then raises OrderNotFound from `fetchOrder`).
 */
export const ORDER_STATUS_VALUES = [
  'ENTERED_BOOK',
  'FULLY_EXECUTED',
  'REJECTED',
  'CANCELLED',
  'TRIGGER_PLACED',
  'TRIGGER_ACTIVATION_FAILURE',
] as const;

export const OrderStatusEntrySchema = z.object({
  order: z.object({
    type: z.enum(['ORDER', 'TRIGGER_ORDER']),
    orderId: z.string().min(1),
    cliOrdId: z.string().nullable(),
    symbol: z.string().min(1),
    side: OrderSideSchema,
    quantity: KrakenNumberSchema,
    filled: KrakenNumberSchema,
    limitPrice: KrakenNumberSchema.nullable(),
    reduceOnly: z.boolean(),
    timestamp: ServerTimeSchema,
    lastUpdateTimestamp: ServerTimeSchema,
    priceTriggerOptions: z
      .object({
        triggerPrice: KrakenNumberSchema,
        triggerSide: z.enum(['TRIGGER_ABOVE', 'TRIGGER_BELOW']),
        triggerSignal: z.enum(['MARK_PRICE', 'INDEX_PRICE', 'LAST_PRICE']),
      })
      .nullable()
      .optional(),
  }),
  status: z.enum(ORDER_STATUS_VALUES),
  updateReason: z.string().nullable(),
  error: z.string().nullable(),
});
export type OrderStatusEntry = z.infer<typeof OrderStatusEntrySchema>;

export const OrderStatusResponseSchema = z.object({
  result: z.literal('success'),
  orders: z.array(OrderStatusEntrySchema),
  serverTime: ServerTimeSchema,
});
export type OrderStatusResponse = z.infer<typeof OrderStatusResponseSchema>;
