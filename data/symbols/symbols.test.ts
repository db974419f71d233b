import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import {
  CCXT_COMMON_CURRENCIES,
  canonicalSymbol,
  exchangePositionSide,
  fromKrakenFuturesSymbol,
  isKrakenFuturesSymbol,
  parseSymbolList,
  toCcxtSymbol,
  toDisplayPair,
  toKrakenFuturesSymbol,
  toKrakenPair,
} from './symbols.ts';

describe('canonicalSymbol', () => {
  it.each([
    ['BTC', 'BTC'],
    ['btc', 'BTC'],
    ['  eth ', 'ETH'],
    ['XBT', 'BTC'],
    ['xbt', 'BTC'],
    ['XDG', 'DOGE'],
    ['BTC/USD', 'BTC'],
    ['BTC/USD:USD', 'BTC'],
    ['BTC/USD:USD-240329', 'BTC'],
    ['XBT/USD', 'BTC'],
    ['btc/usdt', 'BTC'],
    ['DOGE/USD:USD', 'DOGE'],
    ['PF_XBTUSD', 'BTC'],
    ['pf_xbtusd', 'BTC'],
    ['PI_XBTUSD', 'BTC'],
    ['FI_XBTUSD_220930', 'BTC'],
    ['IN_XBTUSD', 'BTC'],
    ['PF_ETHUSD', 'ETH'],
    ['PF_XDGUSD', 'DOGE'],
    ['PF_DOGEUSD', 'DOGE'],
    ['PF_1INCHUSD', '1INCH'],
    ['XBTUSD', 'BTC'],
    ['BTCUSD', 'BTC'],
    ['BTCUSDT', 'BTC'],
    ['ETHUSDC', 'ETH'],
    ['SOLBUSD', 'SOL'],
    ['XBTUSDT', 'BTC'],
    ['BTCPERP', 'BTC'],
    ['1000PEPEUSDT', '1000PEPE'],
    ['BTC-PERP', 'BTC'],
    ['BTC-USD', 'BTC'],
    ['BTC-USDT-SWAP', 'BTC'],
    ['BTC_USDT', 'BTC'],
    ['XBT:USD', 'BTC'],
    ['USDT', 'USDT'],
    ['USD', 'USD'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalSymbol(input)).toBe(expected);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['BTC/', 'BASE/QUOTE'],
    ['/USD', 'not an asset code'],
    ['BTC/USD:USD:X', 'BASE/QUOTE'],
    ['BTC-1H', "'1H' is not a quote"],
    ['PF_XBTUSDT', "'XBTUSDT' is not a quote"],
    ['BTC USD', 'not an asset code'],
    ['BTC$', 'not an asset code'],
    ['XBT:JPY:X', 'BASE:QUOTE'],
  ])('refuses %j naming the input', (input, why) => {
    expect(() => canonicalSymbol(input)).toThrow(UserError);
    expect(() => canonicalSymbol(input)).toThrow(`symbol '${input}'`);
    expect(() => canonicalSymbol(input)).toThrow(why);
  });

  it('is idempotent and every output round-trips through every venue form', () => {
    const asset = fc.stringMatching(/^[A-Z][A-Z0-9]{1,9}$/).filter((a) => !/(USD|USDT|USDC|PERP)$/.test(a));
    fc.assert(
      fc.property(asset, (a) => {
        const c = canonicalSymbol(a);
        expect(canonicalSymbol(c)).toBe(c);
        expect(canonicalSymbol(toKrakenFuturesSymbol(c))).toBe(c);
        expect(canonicalSymbol(toCcxtSymbol(c))).toBe(c);
        expect(canonicalSymbol(toDisplayPair(c))).toBe(c);
        expect(canonicalSymbol(toKrakenPair(c))).toBe(c);
        expect(canonicalSymbol(`${c}USDT`)).toBe(c);
      }),
    );
  });
});

describe('venue forms', () => {
  it.each([
    ['BTC', 'PF_XBTUSD', 'BTC/USD:USD', 'BTC/USD', 'XBT:USD'],
    ['btc/usd', 'PF_XBTUSD', 'BTC/USD:USD', 'BTC/USD', 'XBT:USD'],
    ['ETH', 'PF_ETHUSD', 'ETH/USD:USD', 'ETH/USD', 'ETH:USD'],
    ['DOGE', 'PF_XDGUSD', 'DOGE/USD:USD', 'DOGE/USD', 'XDG:USD'],
    ['SOLUSDT', 'PF_SOLUSD', 'SOL/USD:USD', 'SOL/USD', 'SOL:USD'],
  ])('%s → %s, %s, %s, %s', (input, kraken, ccxt, display, pair) => {
    expect(toKrakenFuturesSymbol(input)).toBe(kraken);
    expect(toCcxtSymbol(input)).toBe(ccxt);
    expect(toDisplayPair(input)).toBe(display);
    expect(toKrakenPair(input)).toBe(pair);
  });

  it('fromKrakenFuturesSymbol accepts only Kraken ids', () => {
    expect(fromKrakenFuturesSymbol('PF_XBTUSD')).toBe('BTC');
    expect(fromKrakenFuturesSymbol('pi_ethusd')).toBe('ETH');
    expect(() => fromKrakenFuturesSymbol('BTC/USD')).toThrow("symbol 'BTC/USD'");
    expect(isKrakenFuturesSymbol('PF_SOLUSD')).toBe(true);
    expect(isKrakenFuturesSymbol('SOLUSD')).toBe(false);
  });

  it('ccxt common-currency map turns venue codes into canonical ones', () => {
    expect(CCXT_COMMON_CURRENCIES).toEqual({ XBT: 'BTC', XDG: 'DOGE' });
  });
});

describe('parseSymbolList', () => {
  it('canonicalises, drops blanks and duplicates, keeps order', () => {
    expect(parseSymbolList('eth, BTC,,PF_XBTUSD,sol')).toEqual(['ETH', 'BTC', 'SOL']);
  });
  it('refuses an empty list and a bad member by name', () => {
    expect(() => parseSymbolList(' , ')).toThrow('is empty');
    expect(() => parseSymbolList('BTC,B$D')).toThrow("symbol 'B$D'");
  });
});

describe('exchangePositionSide (seed §18 exchange_position_side)', () => {
  it.each([
    [{ side: 'long', contracts: 2 }, 'long'],
    [{ side: 'short', contracts: '0.5' }, 'short'],
    [{ side: 'short', contracts: 0 }, null],
    [{ contracts: '-3' }, 'short'],
    [{ contracts: '0.0001' }, 'long'],
    [{ info: { side: 'SELL', size: '1.25' } }, 'short'],
    [{ size: '0.00000000' }, null],
    [{ side: 'long' }, 'long'],
    [{}, null],
    [{ side: 'sideways', contracts: null }, null],
  ])('%j → %s', (pos, expected) => {
    expect(exchangePositionSide(pos)).toBe(expected);
  });

  it('seed §18: the old copy used float() and lost precision — a tiny residual size still has a side', () => {
    expect(exchangePositionSide({ contracts: '0.000000000000000000001' })).toBe('long');
  });
});
