import { resample } from '../../data/resample/resample.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import {
  ACTION_CODE,
  actionName,
  type Decision,
  type PreparedStrategy,
  packDecision,
  type Strategy,
  type StrategyInput,
} from '../strategy.ts';

/**
 * A deliberately leaky strategy, for tests only: it proves that `smc check lookahead` (and any other
 * no-lookahead test) can fail. It is not a config kind — nothing outside tests constructs it.
 *
 * Leaks (`leak`):
 * - `next_close`: LONG when the *next* base bar closes more than `threshold` above this one, SHORT when
 *   it closes more than `threshold` below — the classic off-by-one (`shift(-1)`).
 * - `open_daily_bar`: LONG when the close of the 1d bar that *contains* this base bar (not yet closed) is
 *   above this bar's close — the classic resampling leak (using a higher bar before it closes).
 * - `none`: the same rules shifted back to what is known (previous close / last closed day): honest, so
 *   the tests can show the check passes it.
 */
export type Leak = 'next_close' | 'open_daily_bar' | 'none';

export interface LeakyParams {
  readonly leak: Leak;
  /** Relative move that makes a signal (0.002 = 0.2%). */
  readonly threshold: number;
}

export const LEAKY_REASONS = ['NONE', 'NO_MOVE'] as const;

export interface LeakyTrace {
  [key: string]: number | string | boolean | null;
  bar: number;
  close: number;
  /** The value the rule compared the close with (the leaked one). */
  peek: number | null;
}

class PreparedLeaky implements PreparedStrategy<Decision<LeakyTrace>> {
  readonly symbol: string;
  readonly length: number;
  private readonly ts: Float64Array;
  private readonly close: Float64Array;
  private readonly baseMs: number;
  private readonly peek: Float64Array;

  constructor(
    private readonly strategyId: string,
    input: StrategyInput,
    private readonly params: LeakyParams,
  ) {
    const base = input.candles[input.baseTimeframe];
    if (base === undefined) throw new Error(`leaky needs ${input.baseTimeframe} candles for ${input.symbol}`);
    this.symbol = input.symbol;
    this.length = base.length;
    this.ts = base.ts;
    this.close = base.close;
    this.baseMs = TIMEFRAME_MS[input.baseTimeframe];
    this.peek = new Float64Array(base.length).fill(Number.NaN);
    const n = base.length;
    if (params.leak === 'next_close') {
      for (let i = 0; i + 1 < n; i++) this.peek[i] = base.close[i + 1];
    } else if (params.leak === 'none') {
      for (let i = 1; i < n; i++) this.peek[i] = base.close[i - 1];
    } else {
      // every bar of a day reads that day's close: known only at the day's end
      const day = input.candles['1d'] ?? resample(base, '1d');
      const dayMs = TIMEFRAME_MS['1d'];
      let k = 0;
      for (let i = 0; i < n; i++) {
        while (k < day.length && day.ts[k] + dayMs <= base.ts[i]) k++;
        if (k < day.length && day.ts[k] <= base.ts[i]) this.peek[i] = day.close[k];
      }
    }
  }

  decisionTime(i: number): number {
    return this.ts[i] + this.baseMs;
  }

  private actionAt(i: number): number {
    const p = this.peek[i];
    const c = this.close[i];
    if (Number.isNaN(p)) return ACTION_CODE.NO_SIGNAL;
    if (p > c * (1 + this.params.threshold)) return ACTION_CODE.LONG;
    if (p < c * (1 - this.params.threshold)) return ACTION_CODE.SHORT;
    return ACTION_CODE.NO_SIGNAL;
  }

  decide(i: number): number {
    const a = this.actionAt(i) as -1 | 0 | 1;
    return packDecision(a, a === 0 ? 1 : 0);
  }

  describe(i: number): Decision<LeakyTrace> {
    const a = this.actionAt(i);
    const c = this.close[i];
    const risk = c * 0.01;
    const signal = a !== 0;
    return {
      strategyId: this.strategyId,
      symbol: this.symbol,
      ts: this.decisionTime(i),
      action: actionName(a),
      reasons: signal ? [] : ['NO_MOVE'],
      entry: signal ? c : null,
      stop: signal ? c - a * risk : null,
      tp1: signal ? c + a * risk : null,
      tp2: signal ? c + 2 * a * risk : null,
      tp3: signal ? c + 3 * a * risk : null,
      score: signal ? 60 : null,
      setupType: signal ? `leaky_${this.params.leak}` : null,
      trace: { bar: i, close: c, peek: Number.isNaN(this.peek[i]) ? null : this.peek[i] },
    };
  }
}

/** See the module comment: test-only, never registered as a config kind. */
export class LeakyStrategy implements Strategy<Decision<LeakyTrace>> {
  readonly id: string;
  readonly reasonNames: readonly string[] = LEAKY_REASONS;
  readonly params: LeakyParams;

  constructor(params: Partial<LeakyParams> = {}, id = 'leaky') {
    this.params = { leak: params.leak ?? 'next_close', threshold: params.threshold ?? 0.002 };
    this.id = id;
  }

  requiredTimeframes(base: Timeframe): readonly Timeframe[] {
    return this.params.leak === 'open_daily_bar' && base !== '1d' ? [base, '1d'] : [base];
  }

  warmupBars(_base: Timeframe): number {
    return 1;
  }

  prepare(input: StrategyInput): PreparedStrategy<Decision<LeakyTrace>> {
    return new PreparedLeaky(this.id, input, this.params);
  }
}
