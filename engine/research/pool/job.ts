import type { CandleSeries } from '../../../data/candles/series.ts';

/**
 * The contract of a module the research pool runs in its workers. The pool imports the module once per
 * worker, calls `createJob` with the shared candles and the (structured-clonable) context, then calls the
 * returned function once per task. A job must be deterministic: the same task gives the same result in
 * any worker, in any order, so results do not depend on the number of workers.
 */
export interface JobInit<Ctx> {
  /** Every series of the run, as views on shared memory: treat them as read-only. */
  candles: readonly CandleSeries[];
  context: Ctx;
}

export type JobFn<Task, Result> = (task: Task) => Result | Promise<Result>;

export interface JobModule<Ctx, Task, Result> {
  createJob(init: JobInit<Ctx>): JobFn<Task, Result> | Promise<JobFn<Task, Result>>;
}

/** What a worker sends back for one task. */
export interface TaskEnvelope<Result> {
  result: Result;
  /** Worker thread id and its V8 heap in use after the task (for the bench's worker-memory figure). */
  threadId: number;
  heapUsed: number;
}
