import { getHeapStatistics } from 'node:v8';
import { threadId, workerData } from 'node:worker_threads';
import type { JobFn, JobModule, TaskEnvelope } from './job.ts';
import { type SharedSeriesHandle, seriesFromHandle } from './shared-candles.ts';

/** What the pool hands every worker at start (see pool.ts). */
export interface WorkerData {
  jobModule: string;
  candles: SharedSeriesHandle[];
  context: unknown;
}

async function loadJob(data: WorkerData): Promise<JobFn<unknown, unknown>> {
  const mod = (await import(data.jobModule)) as Partial<JobModule<unknown, unknown, unknown>>;
  if (typeof mod.createJob !== 'function') {
    throw new Error(`job module ${data.jobModule} does not export createJob(init)`);
  }
  return mod.createJob({ candles: data.candles.map(seriesFromHandle), context: data.context });
}

// Load the job while Piscina starts the worker (it waits for this module before calling the worker
// ready), so module loading and job set-up never land inside a timed or scheduled task. A failure is not
// dropped: every task awaits `job` and rejects with it.
const job: Promise<JobFn<unknown, unknown>> = loadJob(workerData as WorkerData);
await job.then(
  () => undefined,
  () => undefined,
);

/** Piscina task handler: runs one task of the job this worker was started with. */
export default async function runTask(task: unknown): Promise<TaskEnvelope<unknown>> {
  const fn = await job;
  const result = await fn(task);
  return { result, threadId, heapUsed: getHeapStatistics().used_heap_size };
}
