import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { CandleSeries } from '../../../data/candles/series.ts';
import type { JobFn, JobModule, TaskEnvelope } from './job.ts';
import { type ProgressInfo, progressInfo } from './progress.ts';
import { seriesFromHandle, shareSeries } from './shared-candles.ts';
import type { WorkerData } from './worker-entry.ts';

/**
 * The research worker pool (Piscina). Candles are put in shared memory once and every worker sees the same
 * bytes; tasks run a job module (see job.ts). Results are returned in task order, whatever order the
 * workers finished in, so the output of a run does not depend on the number of workers.
 *
 * This file is one of the few places in engine/ allowed a wall clock (progress rate and ETA) and threads;
 * the jobs themselves stay deterministic.
 */
export interface PoolOptions<Ctx> {
  /** Module implementing JobModule (absolute file URL or path URL). */
  jobModule: string | URL;
  candles: readonly CandleSeries[];
  /** Handed to every worker's createJob; must be structured-clonable. */
  context: Ctx;
  /** Worker threads (≥ 1); 0 runs the job in this thread (debugging, notebooks). */
  workers: number;
  /**
   * Young-generation limit of each worker's heap in MiB (default {@link DEFAULT_YOUNG_GENERATION_MB}). A
   * backtest allocates many short-lived objects (decimals, fills, trade records); with V8's default
   * (a few MiB) they are scavenged, and partly promoted, several times per config, and the collector's
   * helper threads then compete with the other worker for the cores. Space is reserved only as used.
   */
  youngGenerationMb?: number;
}

/**
 * Measured with `npm run bench -- --only sweep --skip-smc --repeat 2` (EMA grid, 2 workers, 4 runs each,
 * interleaved): default young generation 0.93–1.42M config-bars/s, 128 MiB 1.41–2.15M, 192 MiB 1.89–2.01M.
 */
export const DEFAULT_YOUNG_GENERATION_MB = 192;

export interface RunOptions<Result> {
  /**
   * Called once per finished task, in completion order, before the task counts as done (the sweep appends
   * to its results log here). A throw stops the run like a failed task.
   */
  onResult?: (index: number, result: Result) => void;
  onProgress?: (p: ProgressInfo) => void;
  /** Tasks already done before this run (resumed): counted in progress, not run. */
  resumed?: number;
  /** Abort: no new task starts; tasks in flight finish and are reported; the run resolves `aborted`. */
  signal?: AbortSignal;
  /** Tasks handed to the workers at a time (default 2 × workers). */
  maxInFlight?: number;
}

export interface RunOutcome<Result> {
  /** Results by task index; undefined for tasks not run because of an abort. */
  results: Array<Result | undefined>;
  completed: number;
  aborted: boolean;
}

/** A task that threw, with its index. */
export class TaskError extends Error {
  readonly index: number;
  constructor(index: number, cause: unknown) {
    super(`task ${index} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TaskError';
    this.index = index;
  }
}

const WORKER_FILE = new URL('./worker.mjs', import.meta.url);

export class ResearchPool<Ctx, Task, Result> {
  private readonly piscina: Piscina | null;
  private readonly local: Promise<JobFn<Task, Result>> | null;
  private readonly heapByThread = new Map<number, number>();
  readonly workers: number;

  constructor(opts: PoolOptions<Ctx>) {
    if (!Number.isInteger(opts.workers) || opts.workers < 0) {
      throw new RangeError(`workers must be a whole number >= 0, got ${opts.workers}`);
    }
    if (
      opts.youngGenerationMb !== undefined &&
      !(Number.isFinite(opts.youngGenerationMb) && opts.youngGenerationMb >= 1)
    ) {
      throw new RangeError(`youngGenerationMb must be a number >= 1, got ${opts.youngGenerationMb}`);
    }
    this.workers = opts.workers;
    const jobModule = String(opts.jobModule);
    // In-thread runs see the same shared views as workers, so a job cannot behave differently there.
    const handles = opts.candles.map(shareSeries);
    if (opts.workers === 0) {
      this.piscina = null;
      this.local = import(jobModule).then((mod: Partial<JobModule<Ctx, Task, Result>>) => {
        if (typeof mod.createJob !== 'function')
          throw new Error(`job module ${jobModule} does not export createJob(init)`);
        return mod.createJob({ candles: handles.map(seriesFromHandle), context: opts.context });
      });
      return;
    }
    const data: WorkerData = {
      jobModule,
      candles: handles,
      context: opts.context,
    };
    this.local = null;
    this.piscina = new Piscina({
      filename: WORKER_FILE.href,
      workerData: data,
      minThreads: opts.workers,
      maxThreads: opts.workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: { maxYoungGenerationSizeMb: opts.youngGenerationMb ?? DEFAULT_YOUNG_GENERATION_MB },
    });
  }

  /** Largest V8 heap in use seen per worker thread, in bytes (empty for in-thread runs). */
  workerHeapBytes(): number[] {
    return [...this.heapByThread.values()];
  }

  private async exec(task: Task): Promise<Result> {
    if (this.piscina === null) {
      const fn = await (this.local as Promise<JobFn<Task, Result>>);
      return fn(task);
    }
    const env = (await this.piscina.run(task)) as TaskEnvelope<Result>;
    const prev = this.heapByThread.get(env.threadId) ?? 0;
    if (env.heapUsed > prev) this.heapByThread.set(env.threadId, env.heapUsed);
    return env.result;
  }

  /** Runs `tasks`; resolves with results in task order. Rejects with a TaskError when a task throws. */
  run(
    tasks: readonly Task[],
    opts: RunOptions<Result> = {},
    now: () => number = () => performance.now(),
  ): Promise<RunOutcome<Result>> {
    const results: Array<Result | undefined> = Array.from({ length: tasks.length }, () => undefined);
    const resumed = opts.resumed ?? 0;
    const total = tasks.length + resumed;
    const maxInFlight = Math.max(1, opts.maxInFlight ?? 2 * Math.max(1, this.workers));
    const start = now();
    let next = 0;
    let inFlight = 0;
    let completed = 0;
    let stopping = opts.signal?.aborted ?? false;
    let failure: unknown = null;
    opts.onProgress?.(progressInfo(resumed, total, resumed, start, start));

    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = () => {
        if (settled || inFlight > 0) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        if (failure !== null) reject(failure);
        else resolve({ results, completed, aborted: completed < tasks.length });
      };
      const onAbort = () => {
        stopping = true;
        finish();
      };
      opts.signal?.addEventListener('abort', onAbort);
      const pump = () => {
        while (!stopping && inFlight < maxInFlight && next < tasks.length) {
          const i = next++;
          inFlight++;
          this.exec(tasks[i])
            .then((result) => {
              if (failure !== null) return;
              results[i] = result;
              opts.onResult?.(i, result);
              completed++;
              opts.onProgress?.(progressInfo(resumed + completed, total, resumed, start, now()));
            })
            .catch((err: unknown) => {
              if (failure === null) failure = err instanceof TaskError ? err : new TaskError(i, err);
              stopping = true;
            })
            .finally(() => {
              inFlight--;
              if (stopping || next >= tasks.length) finish();
              else pump();
            });
        }
        if (next >= tasks.length || stopping) finish();
      };
      pump();
    });
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
