import type { Logger } from '../../engine/log.ts';
import {
  autoRecoveryAlert,
  dailyLossWarningAlert,
  killSwitchAlert,
  nakedPositionsAlert,
  systemHaltedAlert,
  universeShrinkRejectedAlert,
} from './build.ts';
import type { AlertInput, SendOutcome } from './types.ts';

/** Anything that takes alerts (the Alerter). */
export interface AlertSender {
  send(a: AlertInput): SendOutcome;
}

type Fields = Readonly<Record<string, unknown>>;

function str(o: Fields, k: string): string | null {
  const v = o[k];
  return typeof v === 'string' ? v : v === undefined || v === null ? null : String(v);
}

function num(o: Fields, k: string): number | null {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function symbols(o: Fields): string[] {
  const v = o.symbols;
  return Array.isArray(v) ? v.map(String) : [];
}

/**
 * The engine's seed §7 log events that raise an alert, by message prefix. The engine (safety, risk,
 * market registry) already logs each of these exactly when it happens, with its facts in the fields;
 * turning those lines into alerts keeps engine/ free of any knowledge of alerting.
 */
export const ALERTING_EVENTS: ReadonlyArray<{
  readonly prefix: string;
  readonly build: (msg: string, o: Fields) => AlertInput;
}> = [
  {
    prefix: 'Kill switch active',
    build: (_m, o) => killSwitchAlert({ reason: str(o, 'reason'), detail: str(o, 'detail') }),
  },
  {
    prefix: 'SYSTEM_HALTED',
    build: (_m, o) => systemHaltedAlert({ reason: str(o, 'reason'), detail: str(o, 'detail') }),
  },
  {
    prefix: 'AUTO_RECOVERY',
    build: (_m, o) =>
      autoRecoveryAlert({
        reason: str(o, 'reason'),
        haltedForS: num(o, 'halted_for_s'),
        marginUtilization: num(o, 'margin_utilization'),
        recoveries24h: num(o, 'recoveries_24h'),
      }),
  },
  {
    prefix: 'DAILY_LOSS_WARNING',
    build: (_m, o) =>
      dailyLossWarningAlert({
        dailyPnl: str(o, 'daily_pnl') ?? '0',
        lossFraction: num(o, 'loss_pct') ?? 0,
        limitPct: num(o, 'limit_pct') ?? 0,
        limitReached: o.urgent === true,
      }),
  },
  {
    prefix: 'UNIVERSE_SHRINK_REJECTED',
    build: (_m, o) =>
      universeShrinkRejectedAlert({ previous: num(o, 'last_size'), discovered: num(o, 'new_size') }),
  },
  {
    prefix: 'UNIVERSE_EMPTY_REJECTED',
    build: (_m, o) => universeShrinkRejectedAlert({ previous: num(o, 'last_size'), discovered: 0 }),
  },
  {
    prefix: 'NAKED_POSITIONS_DETECTED',
    build: (m, o) => nakedPositionsAlert({ symbols: symbols(o), persistent: m.includes('(persistent)') }),
  },
];

/** The alert a log line raises, or null. */
export function alertForLogLine(msg: string, obj: object): AlertInput | null {
  for (const e of ALERTING_EVENTS) {
    if (msg.startsWith(e.prefix)) return e.build(msg, obj as Fields);
  }
  return null;
}

/**
 * A Logger for the engine that writes every line to `inner` and raises the alert of each alerting event
 * (see {@link ALERTING_EVENTS}). Raising is synchronous and O(1) (the Alerter's contract); a failure to
 * build an alert is logged to `inner`, never thrown into the engine. Give the Alerter `inner`, not this
 * logger, or its own lines would pass through here again.
 */
export function alertingLogger(inner: Logger, alerts: AlertSender): Logger {
  const raise = (msg: string, obj: object): void => {
    try {
      const a = alertForLogLine(msg, obj);
      if (a !== null) alerts.send(a);
    } catch (err) {
      inner.error(
        { err: err instanceof Error ? err.message : String(err), event: msg },
        'Alert bridge failed',
      );
    }
  };
  return {
    debug(obj, msg) {
      inner.debug(obj, msg);
    },
    info(obj, msg) {
      inner.info(obj, msg);
      raise(msg, obj);
    },
    warn(obj, msg) {
      inner.warn(obj, msg);
      raise(msg, obj);
    },
    error(obj, msg) {
      inner.error(obj, msg);
      raise(msg, obj);
    },
  };
}
