/**
 * Where the engine gets time. Backtests drive a SimulatedClock from the event stream; live mode uses the
 * wall clock (live/). The engine never reads the system time itself.
 */
export interface Clock {
  now(): number;
}

export class SimulatedClock implements Clock {
  private t: number;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  /** Time only moves forward: a backwards step is an ordering bug upstream, so it throws. */
  advanceTo(t: number): void {
    if (t < this.t)
      throw new Error(
        `clock cannot move backwards: ${new Date(t).toISOString()} < ${new Date(this.t).toISOString()}`,
      );
    this.t = t;
  }
}
