import type { CandleSeries } from '../../data/candles/series.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { StrategyConfig } from '../../strategies/smc/config.ts';
import { REASON_NAMES, type SmcDecision } from '../../strategies/smc/decision.ts';
import { SmcStepper } from '../../strategies/smc/pipeline.ts';
import { ACTION_CODE, type PreparedStrategy, packDecision } from '../../strategies/strategy.ts';

/**
 * The SMC strategy for a live runner, as the Trader reads strategies (`PreparedStrategy.decide(i)`), but
 * fed bar by bar through the strategy's own stepping API (strategies/smc `SmcStepper`, "returns exactly
 * the decision the batch path makes at that bar") instead of re-preparing the whole history every tick:
 * a new bar costs one step, not a pass over thousands of bars.
 */
const RECENT = 256;

export class SteppedSmc implements PreparedStrategy<SmcDecision> {
  readonly symbol: string;
  private readonly stepper: SmcStepper;
  private readonly spanMs: number;
  private readonly ts: number[] = [];
  private readonly codes: number[] = [];
  /** Full decisions of the latest bars only: the trader describes the bar it acts on. */
  private readonly recent = new Map<number, SmcDecision>();

  constructor(config: StrategyConfig, symbol: string, base: Timeframe) {
    this.symbol = symbol;
    this.stepper = new SmcStepper(config, { symbol, baseTimeframe: base });
    this.spanMs = TIMEFRAME_MS[base];
  }

  get length(): number {
    return this.codes.length;
  }

  /** Steps through the bars of `series` not taken yet (its rows must extend what was taken). */
  extend(series: CandleSeries): void {
    for (let i = this.codes.length; i < series.length; i++) {
      const d = this.stepper.onBarClose({
        ts: series.ts[i],
        open: series.open[i],
        high: series.high[i],
        low: series.low[i],
        close: series.close[i],
        volume: series.volume[i],
      });
      const action = ACTION_CODE[d.action];
      const reason =
        d.reasons.length === 0 ? 0 : REASON_NAMES.indexOf(d.reasons[0] as (typeof REASON_NAMES)[number]);
      if (reason < 0) throw new Error(`SMC decision at ${d.ts} has an unknown reason ${d.reasons[0]}`);
      this.ts.push(series.ts[i]);
      this.codes.push(packDecision(action, reason));
      this.recent.set(i, d);
      this.recent.delete(i - RECENT);
    }
  }

  decisionTime(i: number): number {
    return this.ts[i] + this.spanMs;
  }

  decide(i: number): number {
    return this.codes[i];
  }

  describe(i: number): SmcDecision {
    const d = this.recent.get(i);
    if (d === undefined)
      throw new Error(`${this.symbol}: the decision of bar ${i} is no longer kept (latest ${RECENT} only)`);
    return d;
  }
}
