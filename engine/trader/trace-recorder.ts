import type { DecisionTrace, Funnel, StrategyFunnel } from '../backtest/types.ts';

/** Which decisions the trace keeps: every one, only signals (LONG/SHORT), or none (funnel counts only). */
export type TraceMode = 'all' | 'signals' | 'none';

const NO_SIGNAL_OUTCOME = 'no_signal';
const PENDING_OUTCOME = 'pending';

/**
 * Records decisions into growable columns and counts the funnel. The per-bar path (`count`, and
 * `record` in `all` mode) writes into preallocated typed arrays and allocates only when a column doubles.
 */
export class TraceRecorder {
  readonly mode: TraceMode;
  private readonly symbols: readonly string[];
  private readonly strategies: readonly { id: string; reasonNames: readonly string[] }[];
  private readonly outcomeNames: string[] = [NO_SIGNAL_OUTCOME, PENDING_OUTCOME];
  private readonly outcomeIndex = new Map<string, number>([
    [NO_SIGNAL_OUTCOME, 0],
    [PENDING_OUTCOME, 1],
  ]);
  private n = 0;
  private ts: Float64Array;
  private symbol: Uint16Array;
  private strategy: Uint8Array;
  private action: Int8Array;
  private reason: Uint8Array;
  private outcome: Uint8Array;
  private close: Float64Array;
  /** evaluated / signals per strategy; rejected per strategy × reason code. */
  private readonly evaluated: Float64Array;
  private readonly signals: Float64Array;
  private readonly rejected: Float64Array[];
  private readonly outcomeCounts: Map<number, number>[];

  constructor(
    symbols: readonly string[],
    strategies: readonly { id: string; reasonNames: readonly string[] }[],
    mode: TraceMode,
    capacity = 1024,
  ) {
    if (symbols.length > 65_535) throw new Error('the trace holds at most 65535 symbols');
    if (strategies.length > 255) throw new Error('the trace holds at most 255 strategies');
    this.mode = mode;
    this.symbols = symbols;
    this.strategies = strategies;
    this.ts = new Float64Array(capacity);
    this.symbol = new Uint16Array(capacity);
    this.strategy = new Uint8Array(capacity);
    this.action = new Int8Array(capacity);
    this.reason = new Uint8Array(capacity);
    this.outcome = new Uint8Array(capacity);
    this.close = new Float64Array(capacity);
    this.evaluated = new Float64Array(strategies.length);
    this.signals = new Float64Array(strategies.length);
    this.rejected = strategies.map((s) => new Float64Array(Math.max(256, s.reasonNames.length)));
    this.outcomeCounts = strategies.map(() => new Map());
  }

  /** Counts one NO_SIGNAL decision (and keeps it in `all` mode). */
  noSignal(ts: number, symbolIdx: number, strategyIdx: number, reason: number, close: number): void {
    this.evaluated[strategyIdx]++;
    this.rejected[strategyIdx][reason]++;
    if (this.mode === 'all') this.push(ts, symbolIdx, strategyIdx, 0, reason, 0, close);
  }

  /** Counts one NO_SIGNAL decision without keeping it (a trace that is not `all`). */
  countNoSignal(strategyIdx: number, reason: number): void {
    this.evaluated[strategyIdx]++;
    this.rejected[strategyIdx][reason]++;
  }

  /**
   * Counts one signal and keeps it (unless mode is `none`); returns its row for {@link setOutcome}, or
   * −1 when not kept.
   */
  signal(
    ts: number,
    symbolIdx: number,
    strategyIdx: number,
    action: number,
    reason: number,
    close: number,
  ): number {
    this.evaluated[strategyIdx]++;
    this.signals[strategyIdx]++;
    if (this.mode === 'none') return -1;
    return this.push(ts, symbolIdx, strategyIdx, action, reason, 1, close);
  }

  /** What the engine did with a signal (entered, cooldown, risk:…); counted in the funnel. */
  setOutcome(row: number, strategyIdx: number, outcome: string): void {
    const code = this.outcomeCode(outcome);
    const counts = this.outcomeCounts[strategyIdx];
    counts.set(code, (counts.get(code) ?? 0) + 1);
    if (row >= 0) this.outcome[row] = code;
  }

  private outcomeCode(name: string): number {
    let code = this.outcomeIndex.get(name);
    if (code === undefined) {
      if (this.outcomeNames.length >= 256) throw new Error('more than 256 distinct decision outcomes');
      code = this.outcomeNames.length;
      this.outcomeNames.push(name);
      this.outcomeIndex.set(name, code);
    }
    return code;
  }

  private push(
    ts: number,
    symbolIdx: number,
    strategyIdx: number,
    action: number,
    reason: number,
    outcome: number,
    close: number,
  ): number {
    if (this.n === this.ts.length) this.grow();
    const i = this.n++;
    this.ts[i] = ts;
    this.symbol[i] = symbolIdx;
    this.strategy[i] = strategyIdx;
    this.action[i] = action;
    this.reason[i] = reason;
    this.outcome[i] = outcome;
    this.close[i] = close;
    return i;
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const g = <T extends Float64Array | Uint16Array | Uint8Array | Int8Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.ts = g(this.ts, (k) => new Float64Array(k));
    this.symbol = g(this.symbol, (k) => new Uint16Array(k));
    this.strategy = g(this.strategy, (k) => new Uint8Array(k));
    this.action = g(this.action, (k) => new Int8Array(k));
    this.reason = g(this.reason, (k) => new Uint8Array(k));
    this.outcome = g(this.outcome, (k) => new Uint8Array(k));
    this.close = g(this.close, (k) => new Float64Array(k));
  }

  /** The trace, trimmed to its rows (copies, so the result owns compact buffers). */
  trace(): DecisionTrace {
    const n = this.n;
    return {
      symbols: [...this.symbols],
      strategies: this.strategies.map((s) => ({ id: s.id, reasonNames: [...s.reasonNames] })),
      outcomes: [...this.outcomeNames],
      length: n,
      ts: this.ts.slice(0, n),
      symbol: this.symbol.slice(0, n),
      strategy: this.strategy.slice(0, n),
      action: this.action.slice(0, n),
      reason: this.reason.slice(0, n),
      outcome: this.outcome.slice(0, n),
      close: this.close.slice(0, n),
    };
  }

  funnel(): Funnel {
    const strategies: StrategyFunnel[] = this.strategies.map((s, k) => ({
      strategyId: s.id,
      evaluated: this.evaluated[k],
      rejected: s.reasonNames
        .map((reason, code) => ({ reason, count: this.rejected[k][code] }))
        .filter((r, code) => code !== 0 && r.count > 0),
      signals: this.signals[k],
      outcomes: [...this.outcomeCounts[k].entries()]
        .map(([code, count]) => ({ outcome: this.outcomeNames[code], count }))
        .sort((a, b) => b.count - a.count || (a.outcome < b.outcome ? -1 : 1)),
    }));
    return { strategies };
  }
}
