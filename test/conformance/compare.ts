/**
 * Cell-by-cell comparison of a rendered table with the reference's expected columns: NaN equals NaN, floats
 * equal within `tol` (absolute, scaled for large values). Returns every mismatch as `column row: got vs want`.
 */
export function diffColumns(
  header: readonly string[],
  got: readonly Float64Array[],
  want: { header: readonly string[]; columns: readonly Float64Array[] },
  tol = 1e-6,
): string[] {
  const out: string[] = [];
  if (header.join(',') !== want.header.join(',')) {
    out.push(`header: got ${header.join(',')} want ${want.header.join(',')}`);
    return out;
  }
  for (let c = 0; c < header.length; c++) {
    const g = got[c];
    const w = want.columns[c];
    if (g.length !== w.length) {
      out.push(`${header[c]}: got ${g.length} rows want ${w.length}`);
      continue;
    }
    for (let r = 0; r < g.length; r++) {
      const a = g[r];
      const b = w[r];
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (Math.abs(a - b) <= tol * Math.max(1, Math.abs(b))) continue;
      out.push(`${header[c]} row ${r}: got ${a} want ${b}`);
    }
  }
  return out;
}
