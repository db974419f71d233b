/**
 * Alert vocabulary (seed §3b Feature 4, 8, 9; §7; §13). The first three types are always urgent: they
 * bypass the per-type rate limit and jump the delivery queue. DAILY_LOSS_WARNING is urgent at 100 % of
 * the limit, NAKED_POSITIONS_DETECTED once it is persistent (the kill switch follows).
 */
export const ALERT_TYPES = [
  'KILL_SWITCH',
  'SYSTEM_HALTED',
  'AUTO_RECOVERY',
  'NEW_POSITION',
  'POSITION_CLOSED',
  'DAILY_SUMMARY',
  'DAILY_LOSS_WARNING',
  'UNIVERSE_SHRINK_REJECTED',
  'NAKED_POSITIONS_DETECTED',
] as const;

export type AlertType = (typeof ALERT_TYPES)[number];

/** Types that are urgent whatever the caller says. */
export const ALWAYS_URGENT: ReadonlySet<AlertType> = new Set([
  'KILL_SWITCH',
  'SYSTEM_HALTED',
  'AUTO_RECOVERY',
]);

/** A field of an alert's machine-readable part (the JSON webhook carries them). */
export type AlertFieldValue = string | number | boolean | null;

/** An alert as a caller raises it. The alerter stamps the time. */
export interface AlertInput {
  readonly type: AlertType;
  readonly urgent: boolean;
  /** One line, e.g. "BTC long opened". */
  readonly title: string;
  /** Body lines, human-readable. */
  readonly lines: readonly string[];
  readonly fields: Readonly<Record<string, AlertFieldValue>>;
  /**
   * Narrows the rate-limit key below the type (the limit is per `type` + `rateKey`). Position alerts use
   * the symbol so that two positions closing in one tick are both reported; see rate-limiter.ts.
   */
  readonly rateKey?: string;
}

/** An alert accepted for delivery. */
export interface Alert extends AlertInput {
  /** UTC ms, from the alerter's Clock. */
  readonly ts: number;
  /** Monotonic id within the process (log correlation). */
  readonly seq: number;
}

/** What happened to an alert handed to the alerter; decided synchronously. */
export type SendOutcome = 'queued' | 'suppressed' | 'no_sink' | 'dropped';

/** Plain text of an alert: what Telegram shows and what the webhook's `content`/`text` carries. */
export function renderAlertText(a: AlertInput): string {
  const head = `${a.urgent ? '🚨 ' : ''}[${a.type}] ${a.title}`;
  return a.lines.length === 0 ? head : `${head}\n${a.lines.join('\n')}`;
}
