import type { Decimal } from 'decimal.js';

/**
 * `x.toFixed()`, remembered for the last two Decimals converted. A fill's price becomes the trace fill's
 * price, the closing trade's exit price and the next trade's entry price — the same immutable object,
 * so it is turned into text once instead of three times.
 */
let lastA: Decimal | undefined;
let textA = '';
let lastB: Decimal | undefined;
let textB = '';

export function fixedText(x: Decimal): string {
  if (x === lastA) return textA;
  if (x === lastB) return textB;
  const s = x.toFixed();
  lastB = lastA;
  textB = textA;
  lastA = x;
  textA = s;
  return s;
}
