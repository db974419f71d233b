/**
 * The logger the engine is handed. pino's Logger satisfies it; tests pass a recorder. Event names from
 * seed §7 (CYCLE_SUMMARY, PHANTOM, PENDING_ADOPTED, …) go in `msg` so users can grep for them.
 */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Whether `logger` drops everything (it is {@link silentLogger}). Hot paths of a backtest skip building log
 * payloads (dates, 40-digit texts) and work whose only observable effect is a log line when this holds.
 */
export function isSilent(logger: Logger): boolean {
  return logger === silentLogger;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: object;
}

/** Keeps every record; scenario tests assert on the seed's log patterns with it. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  debug(obj: object, msg: string): void {
    this.records.push({ level: 'debug', msg, obj });
  }
  info(obj: object, msg: string): void {
    this.records.push({ level: 'info', msg, obj });
  }
  warn(obj: object, msg: string): void {
    this.records.push({ level: 'warn', msg, obj });
  }
  error(obj: object, msg: string): void {
    this.records.push({ level: 'error', msg, obj });
  }
  has(pattern: string | RegExp): boolean {
    return this.records.some((r) =>
      typeof pattern === 'string' ? r.msg.includes(pattern) : pattern.test(r.msg),
    );
  }
}
