import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { emaInto } from '../smc/indicators/ema.ts';
import {
  ACTION_CODE,
  actionName,
  type Decision,
  type PreparedStrategy,
  packDecision,
  type Strategy,
  type StrategyInput,
  unpackAction,
  unpackReason,
} from '../strategy.ts';

/**
 * EMA crossover: LONG when the fast EMA of the close crosses above the slow one, SHORT when it crosses
 * below. The engine's reference workload (the trading-core benchmark, and the strategy other frameworks
 * are timed on), not a trading idea: it has no stop and no targets, so the engine sizes it by equity
 * fraction and reverses on the opposite signal (see the trader's sizing policy).
 *
 * A cross follows backtrader's `CrossOver`: at bar i, fast > slow now and the last non-zero difference
 * before i was negative (and mirrored for a cross down), so a touch without crossing is no signal. EMAs
 * are seeded with the SMA of their first `period` closes.
 */
export interface EmaCrossParams {
  fast: number;
  slow: number;
}

export const EMA_CROSS_REASONS = ['NONE', 'WARMUP', 'NO_CROSS'] as const;
const WARMUP = 1;
const NO_CROSS = 2;

export interface EmaCrossTrace {
  [key: string]: number | string | boolean | null;
  bar: number;
  close: number;
  fast: number | null;
  slow: number | null;
}

class PreparedEmaCross implements PreparedStrategy<Decision<EmaCrossTrace>> {
  readonly symbol: string;
  readonly length: number;
  private readonly ts: Float64Array;
  private readonly close: Float64Array;
  private readonly tfMs: number;
  private readonly fast: Float64Array;
  private readonly slow: Float64Array;
  /** Packed decision per bar, computed once in prepare so decide(i) is a load. */
  private readonly codes: Uint8Array;

  constructor(
    private readonly strategyId: string,
    input: StrategyInput,
    params: EmaCrossParams,
    tfMs: number,
  ) {
    const base = input.candles[input.baseTimeframe];
    if (base === undefined) {
      throw new Error(`ema-cross needs ${input.baseTimeframe} candles for ${input.symbol}`);
    }
    this.symbol = input.symbol;
    this.length = base.length;
    this.ts = base.ts;
    this.close = base.close;
    this.tfMs = tfMs;
    this.fast = emaInto(base.close, params.fast, new Float64Array(base.length));
    this.slow = emaInto(base.close, params.slow, new Float64Array(base.length));
    this.codes = new Uint8Array(base.length);
    const warm = packDecision(ACTION_CODE.NO_SIGNAL, WARMUP);
    const none = packDecision(ACTION_CODE.NO_SIGNAL, NO_CROSS);
    const up = packDecision(ACTION_CODE.LONG, 0);
    const down = packDecision(ACTION_CODE.SHORT, 0);
    let lastNonZero = 0;
    for (let i = 0; i < base.length; i++) {
      const d = this.fast[i] - this.slow[i];
      if (Number.isNaN(d)) {
        this.codes[i] = warm;
        continue;
      }
      let code = none;
      if (d > 0 && lastNonZero < 0) code = up;
      else if (d < 0 && lastNonZero > 0) code = down;
      this.codes[i] = code;
      if (d !== 0) lastNonZero = d;
    }
  }

  decisionTime(i: number): number {
    return this.ts[i] + this.tfMs;
  }

  decide(i: number): number {
    return this.codes[i];
  }

  describe(i: number): Decision<EmaCrossTrace> {
    const code = this.codes[i];
    const action = actionName(unpackAction(code));
    const reason = unpackReason(code);
    const f = this.fast[i];
    const s = this.slow[i];
    return {
      strategyId: this.strategyId,
      symbol: this.symbol,
      ts: this.decisionTime(i),
      action,
      reasons: reason === 0 ? [] : [EMA_CROSS_REASONS[reason]],
      entry: this.close[i],
      stop: null,
      tp1: null,
      tp2: null,
      tp3: null,
      score: null,
      setupType: action === 'NO_SIGNAL' ? null : `ema_cross_${action === 'LONG' ? 'up' : 'down'}`,
      trace: {
        bar: i,
        close: this.close[i],
        fast: Number.isNaN(f) ? null : f,
        slow: Number.isNaN(s) ? null : s,
      },
    };
  }
}

export class EmaCrossStrategy implements Strategy<Decision<EmaCrossTrace>> {
  readonly id: string;
  readonly reasonNames: readonly string[] = EMA_CROSS_REASONS;
  readonly params: EmaCrossParams;

  constructor(params: EmaCrossParams = { fast: 20, slow: 50 }, id = 'ema-cross') {
    if (!Number.isInteger(params.fast) || !Number.isInteger(params.slow) || params.fast < 1) {
      throw new Error(`ema-cross periods must be integers ≥ 1 (fast ${params.fast}, slow ${params.slow})`);
    }
    if (params.fast >= params.slow) {
      throw new Error(`ema-cross fast period (${params.fast}) must be shorter than slow (${params.slow})`);
    }
    this.params = params;
    this.id = id;
  }

  requiredTimeframes(base: Timeframe): readonly Timeframe[] {
    return [base];
  }

  warmupBars(_base: Timeframe): number {
    return this.params.slow;
  }

  prepare(input: StrategyInput): PreparedStrategy<Decision<EmaCrossTrace>> {
    return new PreparedEmaCross(this.id, input, this.params, TIMEFRAME_MS[input.baseTimeframe]);
  }
}
