import { Decimal } from 'decimal.js';
import { UserError } from '../errors.ts';

/**
 * The one place that parses and formats symbols (seed §18 `symbol_utils`: "single source of truth for ALL
 * symbol normalization" — six duplicated normalizers drifted apart in the seed before it was consolidated).
 *
 * The canonical form everywhere inside smc-lab is the **base asset in upper case** (`'BTC'`): the venue
 * quotes every perpetual in USD, so the base alone names the market. Venue and library forms are made
 * only at the boundary, with the functions below.
 */
export type CanonicalSymbol = string;

/**
 * Asset codes the venue spells differently from the rest of the world. Kraken names bitcoin `XBT` and
 * dogecoin `XDG` (`PF_XBTUSD`, `PF_XDGUSD`); everywhere else (data files, ccxt unified symbols after
 * {@link CCXT_COMMON_CURRENCIES}) they are `BTC` and `DOGE`.
 */
const VENUE_CODE: Readonly<Record<CanonicalSymbol, string>> = { BTC: 'XBT', DOGE: 'XDG' };
const FROM_VENUE_CODE: Readonly<Record<string, CanonicalSymbol>> = Object.fromEntries(
  Object.entries(VENUE_CODE).map(([common, venue]) => [venue, common]),
);

/**
 * The `commonCurrencies` map handed to the ccxt `krakenfutures` client so its unified symbols use the
 * canonical codes (ccxt maps XBT→BTC by default but leaves XDG as is). `createKrakenFuturesClient`
 * passes it; {@link toCcxtSymbol} relies on it.
 */
export const CCXT_COMMON_CURRENCIES: Readonly<Record<string, string>> = { ...FROM_VENUE_CODE };

/**
 * Quote/contract suffixes stripped from concatenated forms (`BTCUSDT`, `XBTUSD`, `BTCPERP`); longest
 * first. `TUSD` is deliberately absent: it would read `XBTUSD` as `XB` + `TUSD`.
 */
const QUOTE_SUFFIXES = ['FDUSD', 'PERP', 'USDT', 'USDC', 'BUSD', 'USD'] as const;
/** Words allowed after a separator (`BTC-PERP`, `BTC_USDT`, `BTC-USDT-SWAP`). */
const SEPARATED_WORDS = new Set<string>([...QUOTE_SUFFIXES, 'SWAP', 'EUR', 'GBP']);
/** Kraken Futures instrument prefixes: flexible/inverse perpetuals, fixed-maturity futures, indices. */
const KRAKEN_FUTURES_ID = /^(PF|PI|FF|FI|IN|RR)_([A-Z0-9]+?)(USD)(?:_(\d{6}))?$/;
const ASSET = /^[A-Z0-9]{1,20}$/;

function unparseable(input: string, why: string): UserError {
  return new UserError(
    `symbol '${input}' cannot be parsed (${why}): use a base asset such as BTC, a pair such as BTC/USD or ` +
      'BTC/USD:USD, a Kraken Futures id such as PF_XBTUSD, or a data-file name such as BTCUSDT',
  );
}

function commonCode(code: string): CanonicalSymbol {
  return FROM_VENUE_CODE[code] ?? code;
}

function checkedAsset(input: string, candidate: string): CanonicalSymbol {
  if (!ASSET.test(candidate)) throw unparseable(input, `'${candidate}' is not an asset code`);
  return commonCode(candidate);
}

function stripQuoteSuffix(token: string): string {
  for (const q of QUOTE_SUFFIXES) {
    if (token.length > q.length && token.endsWith(q)) return token.slice(0, -q.length);
  }
  return token;
}

/** True for a Kraken Futures instrument id (`PF_XBTUSD`, `pi_ethusd`, `FI_XBTUSD_220930`, `IN_XBTUSD`). */
export function isKrakenFuturesSymbol(input: string): boolean {
  return KRAKEN_FUTURES_ID.test(input.trim().toUpperCase());
}

/**
 * The canonical base asset of any symbol form: `BTC`, `btc`, `XBT`, `BTC/USD`, `BTC/USD:USD`, `XBT:USD`,
 * `PF_XBTUSD`, `PI_XBTUSD`, `XBTUSD`, `BTCUSDT`, `BTCUSD`, `BTC-PERP`, `BTC_USDT` → `'BTC'`.
 *
 * @throws UserError naming the input when it is not a symbol.
 */
export function canonicalSymbol(input: string): CanonicalSymbol {
  const s = input.trim().toUpperCase();
  if (s === '') throw unparseable(input, 'it is empty');

  const kraken = KRAKEN_FUTURES_ID.exec(s);
  if (kraken) return checkedAsset(input, kraken[2]);

  if (s.includes('/')) {
    // ccxt unified: BASE/QUOTE, BASE/QUOTE:SETTLE, BASE/QUOTE:SETTLE-YYMMDD
    const [base, rest] = s.split('/', 2);
    if (!rest || !/^[A-Z0-9]+(:[A-Z0-9]+(-\d{6})?)?$/.test(rest)) {
      throw unparseable(input, 'expected BASE/QUOTE or BASE/QUOTE:SETTLE');
    }
    return checkedAsset(input, base);
  }
  if (s.includes(':')) {
    // Kraken's `pair` field: XBT:USD
    const [base, quote, extra] = s.split(':');
    if (extra !== undefined || !quote || !SEPARATED_WORDS.has(quote)) {
      throw unparseable(input, 'expected BASE:QUOTE');
    }
    return checkedAsset(input, base);
  }
  if (/[-_]/.test(s)) {
    const [base, ...words] = s.split(/[-_]/);
    const unknown = words.find((w) => !SEPARATED_WORDS.has(w));
    if (unknown !== undefined) throw unparseable(input, `'${unknown}' is not a quote or contract suffix`);
    return checkedAsset(input, base);
  }
  return checkedAsset(input, stripQuoteSuffix(s));
}

/**
 * The Kraken Futures perpetual id of an asset: `BTC` → `PF_XBTUSD`, `DOGE` → `PF_XDGUSD`. Accepts any form
 * {@link canonicalSymbol} accepts.
 */
export function toKrakenFuturesSymbol(symbol: string): string {
  const base = canonicalSymbol(symbol);
  return `PF_${VENUE_CODE[base] ?? base}USD`;
}

/**
 * The canonical asset of a Kraken Futures instrument id (`PF_XBTUSD` → `BTC`).
 *
 * @throws UserError when the input is not a Kraken Futures id.
 */
export function fromKrakenFuturesSymbol(id: string): CanonicalSymbol {
  const m = KRAKEN_FUTURES_ID.exec(id.trim().toUpperCase());
  if (!m) throw unparseable(id, 'not a Kraken Futures id like PF_XBTUSD');
  return checkedAsset(id, m[2]);
}

/**
 * The ccxt unified symbol of the USD-settled perpetual: `BTC` → `BTC/USD:USD`. Matches the markets of a
 * ccxt `krakenfutures` client built with {@link CCXT_COMMON_CURRENCIES}.
 */
export function toCcxtSymbol(symbol: string): string {
  const base = canonicalSymbol(symbol);
  return `${base}/USD:USD`;
}

/** Human-facing pair for logs, alerts and reports: `BTC` → `BTC/USD`. */
export function toDisplayPair(symbol: string): string {
  return `${canonicalSymbol(symbol)}/USD`;
}

/** The venue's pair label (the `pair` field of Kraken's instruments and tickers): `BTC` → `XBT:USD`. */
export function toKrakenPair(symbol: string): string {
  const base = canonicalSymbol(symbol);
  return `${VENUE_CODE[base] ?? base}:USD`;
}

/** Parses a comma-separated list (CLI `--symbols BTC,eth,PF_SOLUSD`) into unique canonical symbols, in order. */
export function parseSymbolList(list: string): CanonicalSymbol[] {
  const out: CanonicalSymbol[] = [];
  for (const part of list.split(',')) {
    if (part.trim() === '') continue;
    const sym = canonicalSymbol(part);
    if (!out.includes(sym)) out.push(sym);
  }
  if (out.length === 0) throw new UserError(`symbol list '${list}' is empty: give e.g. BTC,ETH`);
  return out;
}

/** What an exchange position looks like to us: a ccxt position or Kraken's raw `openpositions` entry. */
export interface ExchangePositionLike {
  side?: string | null;
  contracts?: number | string | null;
  size?: number | string | null;
  info?: { side?: string | null; size?: number | string | null } | null;
}

/**
 * The side of an exchange position (seed §18 `exchange_position_side`), or `null` when it is flat or
 * unknown. An explicit `side` wins; otherwise the sign of the size decides. Sizes are read with Decimal,
 * not float: the seed's copy used `float()` and lost precision on tiny residual positions.
 */
export function exchangePositionSide(pos: ExchangePositionLike): 'long' | 'short' | null {
  const size = pos.contracts ?? pos.size ?? pos.info?.size ?? null;
  if (size !== null && size !== '') {
    const d = new Decimal(size);
    if (d.isZero()) return null;
    const explicit = normaliseSide(pos.side ?? pos.info?.side);
    if (explicit) return explicit;
    return d.isNegative() ? 'short' : 'long';
  }
  return normaliseSide(pos.side ?? pos.info?.side);
}

function normaliseSide(side: string | null | undefined): 'long' | 'short' | null {
  const s = side?.trim().toLowerCase();
  if (s === 'long' || s === 'buy') return 'long';
  if (s === 'short' || s === 'sell') return 'short';
  return null;
}
