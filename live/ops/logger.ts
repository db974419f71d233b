import pino, { type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';

/**
 * The seed's log patterns (§7 "Log Patterns to Watch For") as this system emits them: each is the start
 * (or the whole) of a log line's `msg`, so `journalctl -u smc-live | grep PATTERN` and
 * `jq 'select(.msg|startswith("PATTERN"))'` both find it. deploy/README.md lists the same table.
 */
export const LOG_EVENTS: ReadonlyArray<{
  readonly pattern: string;
  readonly level: Level;
  readonly meaning: string;
  /** Raises an alert (live/alerts/log-bridge.ts). */
  readonly alerts?: boolean;
}> = [
  {
    pattern: 'CYCLE_SUMMARY',
    level: 'info',
    meaning: 'per-tick health line: cycle, duration_ms, positions, universe, system_state, cooldowns_active',
  },
  {
    pattern: 'LIVE_STARTED',
    level: 'info',
    meaning: 'startup done: synced, pending intents resolved, phantoms imported; trading',
  },
  { pattern: 'LIVE_STOPPED', level: 'info', meaning: 'graceful stop finished: state persisted' },
  {
    pattern: 'CYCLE_SUMMARY_FAILED',
    level: 'error',
    meaning: 'the ops layer could not process a tick report; the error is in the line',
  },
  {
    pattern: 'Kill switch active',
    level: 'error',
    meaning: 'system halted; entries and TPs cancelled, stops kept',
    alerts: true,
  },
  {
    pattern: 'Kill switch: PRESERVING stop loss order',
    level: 'info',
    meaning: 'good: a reduce-only stop kept alive during the halt',
  },
  {
    pattern: 'Kill switch: Order cleanup complete',
    level: 'warn',
    meaning: 'cancelled vs preserved stop counts',
  },
  {
    pattern: 'SYSTEM_HALTED',
    level: 'error',
    meaning: 'the invariant monitor halted the system (reason in the line)',
    alerts: true,
  },
  { pattern: 'DEGRADED', level: 'warn', meaning: 'warning state: open positions managed, no new entries' },
  {
    pattern: 'AUTO_RECOVERY: Clearing kill switch',
    level: 'warn',
    meaning: 'margin-critical halt cleared (margin < 85%)',
    alerts: true,
  },
  {
    pattern: 'Auto-recovery: daily limit reached',
    level: 'error',
    meaning: '2 auto-recoveries in 24 h: needs a human now',
  },
  {
    pattern: 'PHANTOM',
    level: 'warn',
    meaning: 'the exchange has a position the bot did not know: imported, never closed',
  },
  { pattern: 'ORPHAN', level: 'warn', meaning: 'the bot had a position the exchange does not' },
  {
    pattern: 'QTY_MISMATCH',
    level: 'warn',
    meaning: 'the exchange holds another quantity: adopted, stop resized',
  },
  {
    pattern: 'SIDE_MISMATCH',
    level: 'error',
    meaning: 'the exchange holds the opposite side of a registry position: investigate',
  },
  {
    pattern: 'PENDING_ADOPTED',
    level: 'warn',
    meaning: 'a PENDING position adopted the exchange quantity (Bug 6 fix)',
  },
  {
    pattern: 'Exchange has live exposure',
    level: 'warn',
    meaning: 'duplicate-entry guard blocked an entry (Bug 6 fix)',
  },
  {
    pattern: 'Old SL cancel failed (proceeding to place new SL)',
    level: 'warn',
    meaning: 'normal after a kill switch recovery (Bug 7 fix)',
  },
  {
    pattern: 'NAKED_POSITIONS_DETECTED (first occurrence)',
    level: 'warn',
    meaning: 'a position without a stop; giving it time to self-heal',
    alerts: true,
  },
  {
    pattern: 'NAKED_POSITIONS_DETECTED (persistent)',
    level: 'error',
    meaning: 'CRITICAL: still unprotected, the kill switch follows',
    alerts: true,
  },
  { pattern: 'Execution failed', level: 'error', meaning: 'an order action failed: investigate' },
  {
    pattern: 'POSITION_CLOSED',
    level: 'info',
    meaning: 'a managed position closed: exit reason, net P&L',
  },
  {
    pattern: 'Tick failed: retrying next cycle',
    level: 'error',
    meaning: 'a whole tick failed (the error is in the line); the loop goes on',
  },
  {
    pattern: 'Live store write failed',
    level: 'error',
    meaning: 'the live store refused a write: the next order is not sent until writes succeed',
  },
  { pattern: 'flatten_orphan', level: 'warn', meaning: 'orphan handling (deferred safely since Bug 3)' },
  {
    pattern: 'Capping position notional by aggregate exposure limit',
    level: 'info',
    meaning: 'the 200% aggregate cap engaged',
  },
  {
    pattern: 'UNIVERSE_SHRINK_REJECTED',
    level: 'warn',
    meaning: 'discovery returned < 50% of the last one: old universe kept',
    alerts: true,
  },
  {
    pattern: 'UNIVERSE_EMPTY_REJECTED',
    level: 'warn',
    meaning: 'discovery returned no eligible symbol: old universe kept',
    alerts: true,
  },
  {
    pattern: 'UNIVERSE_INITIALISED',
    level: 'info',
    meaning: 'first discovery accepted at startup: universe size, symbols added',
  },
  {
    pattern: 'UNIVERSE_UPDATED',
    level: 'info',
    meaning: 'a 4 h refresh accepted: universe size, symbols added/removed, tier changes',
  },
  {
    pattern: 'UNIVERSE_REFRESH_FAILED',
    level: 'warn',
    meaning: 'venue tickers unavailable: current universe kept, retried in 5 minutes',
  },
  { pattern: 'SYMBOL_ADDED', level: 'info', meaning: 'a symbol entered the universe' },
  { pattern: 'SYMBOL_REMOVED', level: 'info', meaning: 'a symbol left the universe' },
  {
    pattern: 'Tier A coin bypassing filters',
    level: 'info',
    meaning: 'normal: pinned majors skip liquidity checks',
  },
  { pattern: 'SIGNAL_REJECTED_SPREAD', level: 'info', meaning: 'live spread > 1%: signal skipped' },
  {
    pattern: 'Daily loss tracking initialized',
    level: 'info',
    meaning: "the day's starting equity recorded (startup, 00:00 UTC)",
  },
  {
    pattern: 'DAILY_LOSS_WARNING',
    level: 'warn',
    meaning: 'daily loss at 70% of the limit (error at 100%: entries blocked)',
    alerts: true,
  },
  {
    pattern: 'DAILY_SUMMARY',
    level: 'info',
    meaning: 'the 00:00 UTC summary: equity, trades, win rate, daily P&L',
  },
  { pattern: 'ALERT', level: 'info', meaning: 'an alert raised (ALERT <TYPE>: title); warn when urgent' },
  {
    pattern: 'Alert (no webhook configured)',
    level: 'warn',
    meaning: 'no alert sink set: alerts are only logged (once)',
  },
  { pattern: 'Alert delivery failed', level: 'error', meaning: 'a sink refused an alert after every retry' },
  {
    pattern: 'Alert dropped (queue full)',
    level: 'warn',
    meaning: 'the sink is too slow or down: oldest non-urgent alert evicted',
  },
  {
    pattern: 'Telegram command from unauthorised chat ignored',
    level: 'warn',
    meaning: 'someone else wrote to the bot',
  },
];

const LevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** `SMC_LOG_LEVEL`, validated (default `info`). */
export function logLevelFromEnv(value: string | undefined): Level | 'silent' {
  if (value === undefined || value.trim() === '') return 'info';
  const parsed = LevelSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new UserError(
      `SMC_LOG_LEVEL '${value}' is not a level: use one of ${LevelSchema.options.join(', ')}`,
    );
  }
  return parsed.data;
}

export interface LoggerOptions {
  /** Default `info`, or `SMC_LOG_LEVEL`. */
  readonly level?: Level | 'silent';
  /** Default stdout (journald collects it under systemd). */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/**
 * The process logger of `smc live`: pino, one JSON object per line, ISO time, the level as a word
 * (`"level":"warn"`, greppable), event names in `msg`. Secrets are redacted by key wherever they appear
 * in a logged object. A pino Logger satisfies engine/log.ts `Logger`.
 */
export function createLogger(opts: LoggerOptions = {}): PinoLogger {
  const level = opts.level ?? logLevelFromEnv(process.env.SMC_LOG_LEVEL);
  return pino(
    {
      name: opts.name ?? 'smc',
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'apiKey',
          'apiSecret',
          'token',
          'secret',
          'password',
          '*.apiKey',
          '*.apiSecret',
          '*.token',
          '*.secret',
          'headers.Authent',
          'headers.APIKey',
        ],
        censor: '[redacted]',
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
