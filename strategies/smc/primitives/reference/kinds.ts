import { bosChoch } from '../bos-choch/bos-choch.ts';
import { fairValueGaps } from '../fvg/fvg.ts';
import { liquidity } from '../liquidity/liquidity.ts';
import { orderBlocks } from '../order-blocks/order-blocks.ts';
import {
  type PreviousHighLowTimeframe,
  previousHighLow,
  type TimedBars,
} from '../previous-high-low/previous-high-low.ts';
import { retracements } from '../retracements/retracements.ts';
import { SwingDetector, swingHighsLows } from '../swings/swings.ts';
import type { ReferenceTable } from '../types.ts';

/** The reference functions `smc indicators --kind` can reproduce. */
export const REFERENCE_KINDS = [
  'swings',
  'fvg',
  'fvg_joined',
  'bos_choch',
  'ob',
  'liquidity',
  'retracements',
  'previous_high_low',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export interface ReferenceParams {
  /** swing_length of the swings every structure primitive uses (reference test: 5). */
  readonly swingLength: number;
  /** liquidity range_percent (reference test: 0.01). */
  readonly rangePercent: number;
  /** previous_high_low time_frame. */
  readonly timeframe: PreviousHighLowTimeframe;
}

export const DEFAULT_REFERENCE_PARAMS: ReferenceParams = {
  swingLength: 5,
  rangePercent: 0.01,
  timeframe: '1d',
};

/**
 * Runs one primitive over a whole series (batch) and renders the reference's column layout, with the
 * reference test suite's parameters (bos_choch close_break=True, ob close_mitigation=False).
 */
export function referenceTable(
  bars: TimedBars,
  kind: ReferenceKind,
  params: ReferenceParams = DEFAULT_REFERENCE_PARAMS,
): ReferenceTable {
  const swings = () => new SwingDetector(bars, { swingLength: params.swingLength });
  switch (kind) {
    case 'swings':
      return swingHighsLows(bars, { swingLength: params.swingLength }).table;
    case 'fvg':
      return fairValueGaps(bars, { joinConsecutive: false }).table;
    case 'fvg_joined':
      return fairValueGaps(bars, { joinConsecutive: true }).table;
    case 'bos_choch':
      return bosChoch(bars, swings(), { closeBreak: true }).table;
    case 'ob':
      return orderBlocks(bars, swings(), { closeMitigation: false }).table;
    case 'liquidity':
      return liquidity(bars, swings(), params.rangePercent).table;
    case 'retracements':
      return retracements(bars, swings()).table;
    case 'previous_high_low':
      return previousHighLow(bars, params.timeframe).table;
  }
}
