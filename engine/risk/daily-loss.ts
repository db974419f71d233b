import type { Decimal } from 'decimal.js';
import { isSilent, type Logger } from '../log.ts';
import { dec, ZERO } from './quantize.ts';

const DAY_MS = 86_400_000;

/** 00:00 UTC of the day containing `ts`. */
export function utcDayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/** Persistable state of the tracker (Decimals as strings). */
export interface DailyLossState {
  readonly dayStart: number | null;
  readonly startEquity: string | null;
  readonly realizedPnl: string;
  /** 0 = no warning sent today, 1 = warning at the warning fraction sent, 2 = limit reached (urgent) sent. */
  readonly warningLevel: 0 | 1 | 2;
}

export interface DailyLossStatus {
  /** Realised loss today as a fraction of the day's starting equity (0 when flat or in profit). */
  readonly lossFraction: number;
  readonly limitPct: number;
  /** True once the loss reaches the limit: new entries are refused. */
  readonly blocked: boolean;
  readonly warning: boolean;
}

/**
 * Daily loss enforcement (seed §13): the day's starting equity is recorded at the first tick of each UTC
 * day (00:00 UTC by the Clock, or startup), every closed trade's net P&L is added, and new entries are
 * refused once the realised loss reaches `limitPct` of the starting equity. `DAILY_LOSS_WARNING` is logged
 * once at `warningFraction` of the limit and once more, marked urgent, at the limit.
 *
 * The seed compared `|daily_pnl|`, which would also block after a profitable day; only a loss counts here.
 */
export class DailyLossTracker {
  private dayStart: number | null = null;
  private startEquity: Decimal | null = null;
  private realizedPnl: Decimal = ZERO;
  private warningLevel: 0 | 1 | 2 = 0;
  /** {@link status}'s loss fraction and the (immutable) P&L and start equity it was computed from. */
  private lossFraction = 0;
  private lossFractionOf: Decimal | undefined = undefined;
  private lossFractionStart: Decimal | null | undefined = undefined;

  constructor(
    private readonly limitPct: number,
    private readonly warningFraction: number,
    private readonly logger: Logger,
    state?: DailyLossState,
  ) {
    if (state) {
      this.dayStart = state.dayStart;
      this.startEquity = state.startEquity === null ? null : dec(state.startEquity);
      this.realizedPnl = dec(state.realizedPnl);
      this.warningLevel = state.warningLevel;
    }
  }

  /** Starts a new day at `now` with `equity` as its starting equity (seed `reset_daily_metrics`). */
  reset(equity: Decimal, now: number): void {
    this.dayStart = utcDayStart(now);
    this.startEquity = dec(equity);
    this.realizedPnl = ZERO;
    this.warningLevel = 0;
    // A backtest resets every simulated day: the date and the 40-digit equity text are built only for a
    // logger that keeps them.
    if (isSilent(this.logger)) return;
    this.logger.info(
      { day_start: new Date(this.dayStart).toISOString(), start_equity: equity.toString() },
      'Daily loss tracking initialized',
    );
  }

  /**
   * Resets when `now` is in a later UTC day than the current one, or when nothing was recorded yet.
   * Call at every tick; returns true when it reset.
   */
  rollover(now: number, equity: Decimal): boolean {
    if (this.dayStart !== null && utcDayStart(now) <= this.dayStart) return false;
    this.reset(equity, now);
    return true;
  }

  /** Adds a closed trade's net P&L (fees and funding included) — seed `record_trade_result`. */
  recordTradeResult(netPnl: Decimal, now: number, equity: Decimal): void {
    this.rollover(now, equity);
    this.realizedPnl = this.realizedPnl.plus(netPnl);
    const s = this.status();
    const level: 0 | 1 | 2 = s.blocked ? 2 : s.warning ? 1 : 0;
    if (level > this.warningLevel) {
      this.warningLevel = level;
      const obj = {
        urgent: level === 2,
        daily_pnl: this.realizedPnl.toString(),
        loss_pct: s.lossFraction,
        limit_pct: this.limitPct,
      };
      if (level === 2)
        this.logger.error(obj, 'DAILY_LOSS_WARNING: daily loss limit reached, new entries blocked');
      else this.logger.warn(obj, 'DAILY_LOSS_WARNING: daily loss approaching the limit');
    }
  }

  status(): DailyLossStatus {
    // Every sizing evaluation asks; the fraction (a 40-digit division and its text round trip) changes only
    // with the day's P&L or its start.
    if (this.lossFractionOf !== this.realizedPnl || this.lossFractionStart !== this.startEquity) {
      this.lossFractionOf = this.realizedPnl;
      this.lossFractionStart = this.startEquity;
      this.lossFraction = lossFractionOf(this.realizedPnl, this.startEquity);
    }
    const lossFraction = this.lossFraction;
    return {
      lossFraction,
      limitPct: this.limitPct,
      blocked: lossFraction >= this.limitPct,
      warning: lossFraction >= this.limitPct * this.warningFraction,
    };
  }

  /** Day's realised P&L so far. */
  dailyPnl(): Decimal {
    return this.realizedPnl;
  }

  snapshot(): DailyLossState {
    return {
      dayStart: this.dayStart,
      startEquity: this.startEquity === null ? null : this.startEquity.toString(),
      realizedPnl: this.realizedPnl.toString(),
      warningLevel: this.warningLevel,
    };
  }
}

/** Realised loss as a fraction of the day's starting equity: 0 when flat or in profit, or without a start. */
function lossFractionOf(realizedPnl: Decimal, start: Decimal | null): number {
  if (start === null || start.lte(0) || !realizedPnl.isNegative()) return 0;
  return realizedPnl.neg().div(start).toNumber();
}
