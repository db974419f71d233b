import type { ColumnFormat, ReferenceTable } from '../types.ts';

/**
 * The reference package's output layout as CSV text (no I/O here), so `smc indicators` output can be
 * diffed against the package's expected files.
 */

/** Shortest text that reads back to the same float32 value. */
function float32Text(v: number): string {
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

function cellText(v: number, format: ColumnFormat): string {
  if (Number.isNaN(v)) return '';
  if (format === 'int') return String(Math.trunc(v));
  const s = format === 'float32' ? float32Text(v) : String(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Writes a reference table as CSV text (header row, one row per bar, empty cell for NaN). */
export function formatReferenceCsv(table: ReferenceTable): string {
  const n = table.columns.length > 0 ? table.columns[0].length : 0;
  const parts: string[] = [table.header.join(',')];
  for (let r = 0; r < n; r++) {
    let line = '';
    for (let c = 0; c < table.columns.length; c++) {
      if (c > 0) line += ',';
      line += cellText(table.columns[c][r], table.formats[c]);
    }
    parts.push(line);
  }
  return `${parts.join('\n')}\n`;
}

/** Parses a reference output CSV (empty cell = NaN) into its header and float64 columns. */
export function parseReferenceCsv(text: string): { header: string[]; columns: Float64Array[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const n = lines.length - 1;
  const columns = header.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const cells = lines[r + 1].split(',');
    for (let c = 0; c < header.length; c++) {
      const s = cells[c] ?? '';
      columns[c][r] = s === '' ? Number.NaN : Number(s);
    }
  }
  return { header, columns };
}
