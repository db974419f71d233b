import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';

/**
 * The append-only results file that makes sweeps resumable: one JSON line per finished config, written
 * (to the kernel) before the config counts as done. A SIGKILL can lose only the configs in flight and at
 * most a partial last line, which the next open cuts off: a write() survives the death of the process.
 * fsync, which only an OS crash or power loss needs, is group-committed every `syncEvery` lines and on
 * close — at ~7 ms each here, one per line blocked the thread that hands the workers their next task
 * (5% of an EMA sweep); such a crash can lose the last few lines, which the rerun computes again. Reading keeps the first record per key, so a config
 * finished twice (two runs racing, or a crash between write and bookkeeping) is counted once.
 *
 * File I/O in engine/ is allowed here only because the worker pool's resume needs it.
 */
export interface LoggedResult<R> {
  /** Resume key: `${configHash}:${dataHash}`. */
  key: string;
  result: R;
}

export interface LogContents<R> {
  records: Map<string, R>;
  /** Lines that were not valid records (only a cut-off last line is expected); reported by the caller. */
  discarded: string[];
  /** Records whose key had already appeared. */
  duplicates: number;
}

/** JSON cannot hold NaN/±Infinity (a profit factor with no losing trade is +∞): keep them exactly. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $num: String(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const num = (value as { $num?: unknown }).$num;
    if (keys.length === 1 && typeof num === 'string') return Number(num);
  }
  return value;
}

/** One log line (without the newline). */
export function encodeRecord<R>(key: string, result: R): string {
  return JSON.stringify({ key, result } satisfies LoggedResult<R>, replacer);
}

export function resultKey(configHash: string, dataHash: string): string {
  return `${configHash}:${dataHash}`;
}

/** Reads a results file; a missing file is an empty log. */
export function readResultLog<R>(path: string): LogContents<R> {
  const records = new Map<string, R>();
  const discarded: string[] = [];
  let duplicates = 0;
  if (!existsSync(path)) return { records, discarded, duplicates };
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let rec: Partial<LoggedResult<R>>;
    try {
      rec = JSON.parse(line, reviver) as Partial<LoggedResult<R>>;
    } catch (err) {
      discarded.push(`line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (typeof rec.key !== 'string' || rec.result === undefined) {
      discarded.push(`line ${i + 1}: not a {key, result} record`);
      continue;
    }
    if (records.has(rec.key)) duplicates++;
    else records.set(rec.key, rec.result);
  }
  return { records, discarded, duplicates };
}

export class ResultLogWriter {
  private fd: number | null;
  private unsynced = 0;
  /** Lines appended between two fsyncs (default 16); 1 syncs every line. */
  readonly syncEvery: number;
  /** Bytes of a cut-off last line removed when the file was opened. */
  readonly truncatedBytes: number;

  /** Opens (creating) `path` for appending, first cutting off a partial last line left by a crash. */
  constructor(
    readonly path: string,
    opts: { syncEvery?: number } = {},
  ) {
    this.syncEvery = Math.max(1, Math.floor(opts.syncEvery ?? 16));
    this.fd = openSync(path, 'a+');
    const size = fstatSync(this.fd).size;
    let keep = size;
    if (size > 0) {
      const chunk = Buffer.alloc(Math.min(size, 1 << 20));
      // Scan back for the last newline; records are far smaller than 1 MiB.
      readSync(this.fd, chunk, 0, chunk.length, size - chunk.length);
      const lastNl = chunk.lastIndexOf(0x0a);
      keep = lastNl < 0 ? (size > chunk.length ? size : 0) : size - chunk.length + lastNl + 1;
    }
    this.truncatedBytes = size - keep;
    if (keep < size) {
      ftruncateSync(this.fd, keep);
      fsyncSync(this.fd);
    }
  }

  append<R>(key: string, result: R): void {
    if (this.fd === null) throw new Error(`results log ${this.path} is closed`);
    writeSync(this.fd, `${encodeRecord(key, result)}\n`);
    if (++this.unsynced >= this.syncEvery) this.sync();
  }

  /** Flushes the appended lines to the disk (fsync). */
  sync(): void {
    if (this.fd === null || this.unsynced === 0) return;
    fsyncSync(this.fd);
    this.unsynced = 0;
  }

  close(): void {
    if (this.fd !== null) {
      this.sync();
      closeSync(this.fd);
    }
    this.fd = null;
  }
}
