import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultLogWriter, readResultLog, resultKey } from './results-log.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'smc-log-'));
  dirs.push(d);
  return join(d, 'results.jsonl');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('results log', () => {
  it('every appended line is readable at once, before any fsync (what a SIGKILL leaves behind)', () => {
    const path = tmp();
    const w = new ResultLogWriter(path, { syncEvery: 100 });
    for (let i = 0; i < 3; i++) w.append(resultKey(`c${i}`, 'd'), { i });
    // not closed, not synced: another reader (the rerun after a kill) sees all three
    expect([...readResultLog<{ i: number }>(path).records.values()].map((r) => r.i)).toEqual([0, 1, 2]);
    w.close();
    expect(() => w.append('late', {})).toThrow(/closed/);
  });

  it('a missing file is an empty log', () => {
    const r = readResultLog(tmp());
    expect([r.records.size, r.discarded.length, r.duplicates]).toEqual([0, 0, 0]);
  });

  it('round-trips records exactly, non-finite numbers included, and keeps the first of duplicate keys', () => {
    const path = tmp();
    const w = new ResultLogWriter(path);
    w.append(resultKey('c1', 'd'), {
      pf: Number.POSITIVE_INFINITY,
      x: Number.NaN,
      y: -Infinity,
      z: 0.1 + 0.2,
    });
    w.append(resultKey('c2', 'd'), { pf: 1 });
    w.append(resultKey('c1', 'd'), { pf: 2 });
    w.close();
    const r = readResultLog<Record<string, number>>(path);
    expect(r.records.get('c1:d')).toEqual({
      pf: Number.POSITIVE_INFINITY,
      x: Number.NaN,
      y: -Infinity,
      z: 0.1 + 0.2,
    });
    expect(r.records.get('c2:d')).toEqual({ pf: 1 });
    expect(r.duplicates).toBe(1);
  });

  it('cuts a half-written last line on open, so the next record starts on its own line', () => {
    const path = tmp();
    const w = new ResultLogWriter(path);
    w.append('a:d', { v: 1 });
    w.close();
    appendFileSync(path, '{"key":"b:d","res');
    const w2 = new ResultLogWriter(path);
    expect(w2.truncatedBytes).toBe('{"key":"b:d","res'.length);
    w2.append('b:d', { v: 2 });
    w2.close();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    const r = readResultLog<{ v: number }>(path);
    expect([...r.records.values()].map((x) => x.v)).toEqual([1, 2]);
    expect(r.discarded).toEqual([]);
  });

  it('reports lines that are not records instead of dropping them silently', () => {
    const path = tmp();
    appendFileSync(path, '{"key":"a:d","result":{"v":1}}\nnot json\n{"nokey":1}\n');
    const r = readResultLog(path);
    expect(r.records.size).toBe(1);
    expect(r.discarded).toHaveLength(2);
    expect(r.discarded[0]).toMatch(/^line 2:/);
    expect(r.discarded[1]).toMatch(/^line 3: not a \{key, result\} record/);
  });
});
