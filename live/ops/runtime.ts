import type { TraceIntent } from '../../engine/backtest/types.ts';
import type { Broker } from '../../engine/broker.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';
import type { TraderHooks } from '../../engine/trader/types.ts';
import { Alerter, type AlerterOptions } from '../alerts/alerter.ts';
import { type AlertSettings, alertSettingsFromEnv, describeAlertSettings } from '../alerts/config.ts';
import { alertingLogger } from '../alerts/log-bridge.ts';
import { PositionAlerts } from '../alerts/position-alerts.ts';
import type { AlertSink } from '../alerts/sink.ts';
import { sinksFromSettings } from '../alerts/sinks/index.ts';
import { TelegramCommandBot } from '../telegram/bot.ts';
import { type CycleReport, logCycleSummary } from './cycle.ts';
import { type DailyLossRollover, DailySummaryScheduler } from './daily-summary.ts';
import type { ClosedTradesReader } from './data-source.ts';
import { HealthMonitor } from './health.ts';
import { OpsMetrics } from './metrics.ts';
import { type ObservableStore, observeBroker, observeStore } from './observe.ts';
import { OpsState } from './ops-state.ts';
import { type OpsServer, startOpsServer } from './server.ts';
import { buildStatusSnapshot, StatusFileWriter } from './status-file.ts';

export interface OpsOptions {
  readonly clock: Clock;
  /** The process logger (createLogger()). Ops lines and the alerter write here directly. */
  readonly logger: Logger;
  /** Environment for the alert settings (default `process.env`); ignored when `settings` is given. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly settings?: AlertSettings;
  /** Replaces the sinks the settings would build (tests). */
  readonly sinks?: readonly AlertSink[];
  /** Alerter tuning (retry policy, sleep) — tests. */
  readonly alerter?: Pick<AlerterOptions, 'retry' | 'sleep'>;
  /** How often the runner ticks (ms): `/healthz` turns stale after `staleFactor` × this without a tick. */
  readonly expectedIntervalMs: number;
  readonly staleFactor?: number;
  /** Serve `/healthz` and `/metrics` on this port (0 = any free port); null/undefined = no server. */
  readonly metricsPort?: number | null;
  /** Interface of the ops server (default `SMC_METRICS_HOST`, else 127.0.0.1; 0.0.0.0 in a container). */
  readonly metricsHost?: string;
  /** Where `smc status` reads from (status-file.ts); null = do not write one. */
  readonly statusFile?: string | null;
  /** Closed trades for `/trades` and the daily summary (the live store); default: trades seen in-process. */
  readonly trades?: ClosedTradesReader;
  /** The daily-loss tracker reset at 00:00 UTC (the runner's `RiskManager.dailyLoss`). */
  readonly dailyLoss?: () => DailyLossRollover | null;
  /** Log the CYCLE_SUMMARY line in {@link Ops.onCycle} (default false: the live runner logs its own). */
  readonly logCycleSummary?: boolean;
  /** Daily-summary poll period (default 15 s; 0 = no timer, call `dailySummary.runIfDue()` yourself). */
  readonly dailySummaryPollMs?: number;
  /** Telegram long-poll timeout (s). */
  readonly telegramPollTimeoutS?: number;
  /** Node process metrics on `/metrics` (default true). */
  readonly processMetrics?: boolean;
}

/**
 * Everything that lets an operator trust `smc live` from a phone (seed §3b, §7, §12, §13), assembled for
 * the live runner. The runner (or the CLI that builds it) plugs it in through:
 *
 * - {@link engineLogger}: the logger to give the runner/engine — kill switch, halts, auto-recovery,
 *   daily-loss warnings, universe shrink and naked positions become alerts;
 * - {@link observeBroker} / {@link observeStore}: wrap the broker and store given to the runner — account,
 *   positions and order outcomes feed `/status` and the metrics; saved positions and recorded trades
 *   raise NEW_POSITION / POSITION_CLOSED;
 * - {@link onCycle}: after every tick (metrics, health, status file, daily summary);
 * - {@link start} / {@link stop}: around the run.
 *
 * Nothing here blocks or throws into the trading loop: alerts are queued (O(1)), files and network
 * calls run in the background, and every failure is logged.
 */
export class Ops {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: AlertSettings;
  readonly alerter: Alerter;
  readonly metrics: OpsMetrics;
  readonly health: HealthMonitor;
  readonly state: OpsState;
  readonly dailySummary: DailySummaryScheduler;
  readonly positionAlerts: PositionAlerts;
  readonly bot: TelegramCommandBot | null;
  readonly statusWriter: StatusFileWriter | null;
  /** The logger for the runner and engine: writes to `logger` and raises the alerts of seed §7 events. */
  readonly engineLogger: Logger;
  private readonly opts: OpsOptions;
  private server: OpsServer | null = null;

  constructor(opts: OpsOptions) {
    this.opts = opts;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.settings = opts.settings ?? alertSettingsFromEnv(opts.env ?? process.env);
    this.metrics = new OpsMetrics({ clock: opts.clock, processMetrics: opts.processMetrics ?? true });
    this.health = new HealthMonitor({
      clock: opts.clock,
      expectedIntervalMs: opts.expectedIntervalMs,
      ...(opts.staleFactor === undefined ? {} : { staleFactor: opts.staleFactor }),
    });
    this.state = new OpsState(opts.trades);
    this.alerter = new Alerter({
      clock: opts.clock,
      logger: opts.logger,
      sinks: opts.sinks ?? sinksFromSettings(this.settings),
      capacity: this.settings.queueCapacity,
      rateWindowMs: this.settings.rateWindowMs,
      events: this.metrics.alertEvents,
      ...opts.alerter,
    });
    this.engineLogger = alertingLogger(opts.logger, this.alerter);
    this.positionAlerts = new PositionAlerts(this.alerter);
    this.dailySummary = new DailySummaryScheduler({
      clock: opts.clock,
      data: this.state,
      alerts: this.alerter,
      logger: opts.logger,
      ...(opts.dailyLoss === undefined ? {} : { dailyLoss: opts.dailyLoss }),
    });
    const tg = this.settings.telegram;
    this.bot =
      tg !== null && this.settings.commands
        ? new TelegramCommandBot({
            token: tg.token,
            chatId: tg.chatId,
            apiRoot: tg.apiRoot,
            data: this.state,
            clock: opts.clock,
            logger: opts.logger,
            ...(opts.telegramPollTimeoutS === undefined ? {} : { pollTimeoutS: opts.telegramPollTimeoutS }),
          })
        : null;
    this.statusWriter =
      opts.statusFile === undefined || opts.statusFile === null
        ? null
        : new StatusFileWriter(
            opts.statusFile,
            () =>
              buildStatusSnapshot({
                data: this.state,
                health: this.health.check(),
                alerts: { ...this.alerter.stats(), sinks: this.alerter.sinkNames },
                now: this.clock.now(),
              }),
            opts.logger,
          );
  }

  /** `http://host:port` of the ops server once started, else null. */
  get serverUrl(): string | null {
    return this.server?.url ?? null;
  }

  /** Starts the ops server, the Telegram command bot and the daily-summary timer. */
  async start(): Promise<void> {
    this.logger.info(
      {
        alert_sinks: describeAlertSettings(this.settings),
        telegram_commands: this.bot !== null,
        status_file: this.opts.statusFile ?? null,
      },
      'Ops started',
    );
    if (this.opts.metricsPort !== undefined && this.opts.metricsPort !== null) {
      const env = this.opts.env ?? process.env;
      const host = this.opts.metricsHost ?? (env.SMC_METRICS_HOST?.trim() || undefined);
      this.server = await startOpsServer({
        port: this.opts.metricsPort,
        ...(host === undefined ? {} : { host }),
        metrics: this.metrics,
        health: this.health,
        logger: this.logger,
      });
    }
    this.bot?.start();
    const poll = this.opts.dailySummaryPollMs ?? 15_000;
    if (poll > 0) this.dailySummary.start(poll);
  }

  /**
   * After every tick. Synchronous and never throws: a failure is logged as CYCLE_SUMMARY_FAILED and the
   * loop goes on.
   */
  onCycle(r: CycleReport): void {
    try {
      this.state.update(r);
      this.metrics.recordCycle(r);
      this.health.recordCycle(r.cycle, r.at, r.systemState, r.haltReason ?? null);
      if (this.opts.logCycleSummary) logCycleSummary(this.logger, r);
      this.statusWriter?.request();
      this.dailySummary.runIfDue().catch((err: unknown) => {
        this.logger.error({ err: errText(err) }, 'DAILY_SUMMARY failed');
      });
    } catch (err) {
      this.logger.error({ cycle: r.cycle, err: errText(err) }, 'CYCLE_SUMMARY_FAILED');
    }
  }

  /** A successful reconciliation with the exchange (when the runner reports it apart from onCycle). */
  onReconciled(at: number): void {
    this.state.noteReconciliation(at);
    this.metrics.recordReconciliation(at);
  }

  onPositionChanged(p: ManagedPosition): void {
    this.guard('position alert', () => this.positionAlerts.onPositionChanged(p));
  }

  onTradeClosed(t: TradeRecord): void {
    this.guard('trade alert', () => {
      this.state.recordTrade(t);
      this.positionAlerts.onTradeClosed(t);
    });
  }

  /** An order action's outcome (TraderHooks.onIntentResult): counts sends and failures. */
  onIntentResult(i: TraceIntent): void {
    this.metrics.recordOrder(i.actionType, i.status);
  }

  /**
   * Trader hooks for a runner that passes hooks rather than wrapping its store (compose them with the
   * store's own hooks). Do not use both these and {@link observeStore}: alerts would be raised twice.
   */
  traderHooks(): Pick<TraderHooks, 'onTradeClosed' | 'onPositionChanged'> {
    return {
      onTradeClosed: (t) => this.onTradeClosed(t),
      onPositionChanged: (p) => this.onPositionChanged(p),
    };
  }

  /** The broker for the runner: account/positions feed `/status`, order outcomes the metrics. */
  observeBroker<B extends Broker>(broker: B): B {
    return observeBroker(broker, {
      account: (a) =>
        this.guard('account', () => {
          this.state.observeAccount(a);
          this.metrics.recordAccount(a);
        }),
      positions: (ps) => this.guard('positions', () => this.state.observePositions(ps)),
      order: (req, outcome) => this.guard('order metric', () => this.metrics.recordOrder(req.type, outcome)),
    });
  }

  /** The live store for the runner: position saves and new trades raise NEW_POSITION / POSITION_CLOSED. */
  observeStore<S extends ObservableStore>(store: S): S {
    return observeStore(store, {
      loaded: (ps) => this.guard('position restore', () => this.positionAlerts.markKnown(ps)),
      positionSaved: (p) => this.onPositionChanged(p),
      tradeRecorded: (t) => this.onTradeClosed(t),
    });
  }

  /**
   * Graceful stop, after the runner's own: stops the bot and the timer, writes the status file one last
   * time, and gives queued alerts up to `drainMs` to go out (what is left is logged and counted).
   */
  async stop(drainMs = 5_000): Promise<void> {
    this.dailySummary.stop();
    const bot = this.bot?.stop();
    this.statusWriter?.request();
    await Promise.all([bot, this.statusWriter?.settled(), this.alerter.close(drainMs)]);
    if (this.server !== null) {
      await this.server.close();
      this.server = null;
    }
    this.logger.info({ alerts: this.alerter.stats() }, 'Ops stopped');
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ what, err: errText(err) }, 'Ops observer failed');
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
