import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../engine/broker.ts';
import { isSuccessStatus, kindOfStatus, statusError, toBrokerError } from './errors.ts';

describe('Kraken statuses → BrokerError kinds (the one translation table)', () => {
  it.each([
    ['notFound', 'order_not_found'],
    ['filled', 'order_not_found'],
    ['orderForEditNotFound', 'order_not_found'],
    ['insufficientAvailableFunds', 'insufficient_funds'],
    ['wouldNotReducePosition', 'reduce_only_violation'],
    ['invalidSize', 'invalid_order'],
    ['clientOrderIdAlreadyExist', 'invalid_order'],
    ['marketSuspended', 'exchange_unavailable'],
    ['somethingNew', 'unknown'],
  ])('%s → %s', (status, kind) => {
    expect(kindOfStatus(status)).toBe(kind);
    expect(statusError(status, 'sendorder').kind).toBe(kind);
  });

  it('knows which statuses are successes', () => {
    expect(['placed', 'cancelled', 'edited'].every(isSuccessStatus)).toBe(true);
    expect(isSuccessStatus('notFound')).toBe(false);
  });
});

describe('ccxt exceptions → BrokerError kinds', () => {
  it.each([
    [new ccxt.OrderNotFound('krakenfutures: cancelOrder failed due to notFound'), 'order_not_found', false],
    [new ccxt.AuthenticationError('authenticationError'), 'authentication', false],
    [new ccxt.InsufficientFunds('x'), 'insufficient_funds', false],
    [new ccxt.InvalidOrder('x'), 'invalid_order', false],
    [new ccxt.BadSymbol('contractNotFound'), 'invalid_order', false],
    [new ccxt.RateLimitExceeded('apiLimitExceeded'), 'rate_limited', true],
    [new ccxt.DDoSProtection('429'), 'rate_limited', true],
    [new ccxt.ExchangeNotAvailable('Unavailable'), 'exchange_unavailable', true],
    [new ccxt.RequestTimeout('timed out'), 'network', true],
    [new ccxt.InvalidNonce('nonceBelowThreshold'), 'network', true],
    [new ccxt.NetworkError('ECONNRESET'), 'network', true],
    [
      new ccxt.ExchangeError('krakenfutures: createOrder failed due to wouldNotReducePosition'),
      'reduce_only_violation',
      false,
    ],
    [new ccxt.ExchangeError('Server Error'), 'unknown', false],
    [new Error('boom'), 'unknown', false],
  ])('%s', (err, kind, retryable) => {
    const e = toBrokerError(err, 'call');
    expect([e.kind, e.retryable]).toEqual([kind, retryable]);
    expect(e.message).toContain('Kraken Futures call');
  });

  it('passes a BrokerError through unchanged', () => {
    const e = new BrokerError('order_not_found', 'gone');
    expect(toBrokerError(e, 'x')).toBe(e);
  });
});
