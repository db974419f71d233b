import { Decimal } from 'decimal.js';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import { utcDayStart } from '../../engine/risk/daily-loss.ts';
import { type DailySummaryData, dailySummaryAlert } from '../alerts/build.ts';
import type { AlertSender } from '../alerts/log-bridge.ts';
import type { OpsDataSource } from './data-source.ts';

const DAY_MS = 86_400_000;

/**
 * The daily-loss tracker as the summary resets it: engine/risk/daily-loss.ts `DailyLossTracker` has
 * exactly this method. `rollover` starts a new day only when `now` is in a later UTC day than the
 * tracker's, so the summary and the RiskManager's own per-tick rollover cannot reset one day twice (a
 * second reset would zero a loss booked between the two).
 */
export interface DailyLossRollover {
  rollover(now: number, equity: Decimal): boolean;
}

export interface DailySummaryOptions {
  readonly clock: Clock;
  readonly data: OpsDataSource;
  readonly alerts: AlertSender;
  readonly logger: Logger;
  /** The tracker to reset at 00:00 UTC; a function because the runner builds its RiskManager at start. */
  readonly dailyLoss?: () => DailyLossRollover | null;
}

/**
 * Seed §3b Feature 8 and §13.5: at 00:00 UTC (by the Clock, so a simulated clock drives it in tests)
 * send the day's summary — equity, margin used, trades of the last 24 h, wins/losses, win rate, daily
 * P&L, open positions with unrealised P&L — and reset the daily-loss metrics.
 *
 * {@link runIfDue} is cheap and idempotent: call it from a timer and/or every tick; it fires once per
 * midnight crossed (several skipped days fire once, for the latest).
 */
export class DailySummaryScheduler {
  private readonly o: DailySummaryOptions;
  private nextAt: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: DailySummaryOptions) {
    this.o = opts;
    this.nextAt = utcDayStart(opts.clock.now()) + DAY_MS;
  }

  /** The next midnight it fires at (UTC ms). */
  get nextRunAt(): number {
    return this.nextAt;
  }

  /** Fires when the clock has crossed the next midnight; resolves with what it sent, else null. */
  async runIfDue(): Promise<DailySummaryData | null> {
    const now = this.o.clock.now();
    if (now < this.nextAt) return null;
    const at = utcDayStart(now);
    this.nextAt = at + DAY_MS; // before any await: a concurrent call cannot fire it again
    return this.fire(at, now);
  }

  /** Polls {@link runIfDue} every `pollMs` (unref'd: never keeps the process alive). */
  start(pollMs = 15_000): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.runIfDue().catch((err: unknown) =>
        this.o.logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'DAILY_SUMMARY failed',
        ),
      );
    }, pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async fire(at: number, now: number): Promise<DailySummaryData> {
    const { data, logger } = this.o;
    const status = await data.status();
    // Reset first: the day's limit must reopen at midnight even if building the summary fails below.
    const tracker = this.o.dailyLoss?.() ?? null;
    if (tracker === null) {
      logger.warn({ at: new Date(at).toISOString() }, 'DAILY_SUMMARY: no daily-loss tracker to reset');
    } else {
      tracker.rollover(now, status.equity);
    }
    const [positions, trades] = await Promise.all([data.positions(), data.tradesSince(now - DAY_MS)]);
    let wins = 0;
    let losses = 0;
    let dailyPnl = new Decimal(0);
    for (const t of trades) {
      const pnl = new Decimal(t.netPnl);
      dailyPnl = dailyPnl.plus(pnl);
      if (pnl.gt(0)) wins++;
      else if (pnl.lt(0)) losses++;
    }
    const summary: DailySummaryData = {
      at,
      equity: status.equity,
      marginUtilization: status.marginUtilization,
      trades: trades.length,
      wins,
      losses,
      winRate: trades.length === 0 ? null : wins / trades.length,
      dailyPnl,
      positions: positions.map((p) => ({ symbol: p.symbol, side: p.side, unrealizedPnl: p.unrealizedPnl })),
    };
    logger.info(
      {
        event: 'DAILY_SUMMARY',
        equity: summary.equity.toString(),
        margin_utilization: summary.marginUtilization,
        trades: summary.trades,
        wins,
        losses,
        win_rate: summary.winRate,
        daily_pnl: dailyPnl.toString(),
        open_positions: positions.length,
      },
      'DAILY_SUMMARY',
    );
    this.o.alerts.send(dailySummaryAlert(summary));
    return summary;
  }
}
