/**
 * Alerts (seed §3b Features 4, 8, 9; §7; §13): types, builders, the rate-limited non-blocking Alerter,
 * sinks (Telegram, JSON webhook), environment settings, and the bridges from engine logs and trader hooks.
 */
export {
  type AlertEvents,
  Alerter,
  type AlerterOptions,
  type AlerterStats,
  DEFAULT_RETRY,
  type RetryPolicy,
  type Sleep,
} from './alerter.ts';
export * from './build.ts';
export {
  type AlertSettings,
  alertSettingsFromEnv,
  describeAlertSettings,
  type TelegramSettings,
} from './config.ts';
export { fmtDuration, fmtNum, fmtPct, fmtUsd, fmtUtc } from './format.ts';
export { ALERTING_EVENTS, type AlertSender, alertForLogLine, alertingLogger } from './log-bridge.ts';
export { PositionAlerts } from './position-alerts.ts';
export { AlertQueue } from './queue.ts';
export { AlertRateLimiter, DEFAULT_RATE_WINDOW_MS } from './rate-limiter.ts';
export { type AlertSink, isRetryableStatus, SinkError } from './sink.ts';
export * from './sinks/index.ts';
export * from './types.ts';
