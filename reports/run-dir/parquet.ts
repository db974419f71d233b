import { appendFloat64Columns, openDuckDb, sqlString } from '../../data/store/duckdb.ts';

/**
 * Parquet output of run directories, through DuckDB (an in-memory database per file): the engine hands
 * over typed arrays and plain records, and only this module at the edge knows the file format.
 */

/** A column of a written table. `time` columns are UTC ms stored as TIMESTAMP WITH TIME ZONE. */
export type ParquetColumn =
  | { readonly name: string; readonly kind: 'double' | 'time' | 'int'; readonly values: ArrayLike<number> }
  | {
      /** Dictionary-encoded text: `codes[i]` indexes `dictionary`. */
      readonly name: string;
      readonly kind: 'dict';
      readonly codes: ArrayLike<number>;
      readonly dictionary: readonly string[];
    }
  | { readonly name: string; readonly kind: 'text'; readonly values: readonly (string | null)[] }
  | { readonly name: string; readonly kind: 'bool'; readonly values: readonly boolean[] };

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Writes the columns (equal lengths) to `path` as zstd Parquet, with `metadata` as key-value metadata.
 * Numeric and dictionary columns go in as float64 chunks (fast for the large decision trace); text and
 * boolean columns row by row (small tables: trades, orders, fills).
 */
export async function writeParquet(
  path: string,
  columns: readonly ParquetColumn[],
  metadata: Record<string, string> = {},
): Promise<void> {
  const length =
    columns.length === 0 ? 0 : 'codes' in columns[0] ? columns[0].codes.length : columns[0].values.length;
  for (const c of columns) {
    const n = 'codes' in c ? c.codes.length : c.values.length;
    if (n !== length) throw new Error(`column ${c.name} has ${n} rows, expected ${length}`);
  }
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    type Numeric = Extract<ParquetColumn, { kind: 'double' | 'time' | 'int' | 'dict' }>;
    type Other = Extract<ParquetColumn, { kind: 'text' | 'bool' }>;
    const numeric = columns.filter((c): c is Numeric => c.kind !== 'text' && c.kind !== 'bool');
    const other = columns.filter((c): c is Other => c.kind === 'text' || c.kind === 'bool');
    const numCols = numeric.map((_, i) => `n${i} DOUBLE`);
    const otherCols = other.map((c, i) => `o${i} ${c.kind === 'bool' ? 'BOOLEAN' : 'VARCHAR'}`);
    await connection.run(`CREATE TABLE num (rid DOUBLE${numCols.map((c) => `, ${c}`).join('')})`);
    const rid = new Float64Array(length);
    for (let i = 0; i < length; i++) rid[i] = i;
    const floatCols = [rid, ...numeric.map((c) => Float64Array.from(c.kind === 'dict' ? c.codes : c.values))];
    await appendFloat64Columns(connection, 'num', floatCols, length);
    if (other.length > 0) {
      await connection.run(`CREATE TABLE oth (rid DOUBLE, ${otherCols.join(', ')})`);
      const app = await connection.createAppender('oth');
      try {
        for (let i = 0; i < length; i++) {
          app.appendDouble(i);
          for (const c of other) {
            const v = c.values[i];
            if (v === null || v === undefined) app.appendNull();
            else if (typeof v === 'boolean') app.appendBoolean(v);
            else app.appendVarchar(v);
          }
          app.endRow();
        }
      } finally {
        app.closeSync();
      }
    }
    const dictTables: string[] = [];
    for (const [i, c] of numeric.entries()) {
      if (c.kind !== 'dict') continue;
      const t = `d${i}`;
      dictTables.push(t);
      await connection.run(`CREATE TABLE ${t} (code DOUBLE, name VARCHAR)`);
      if (c.dictionary.length > 0) {
        const values = c.dictionary.map((name, code) => `(${code}, ${sqlString(name)})`).join(', ');
        await connection.run(`INSERT INTO ${t} VALUES ${values}`);
      }
    }
    const select = columns.map((c) => {
      if (c.kind === 'text' || c.kind === 'bool') return `oth.o${other.indexOf(c)} AS ${ident(c.name)}`;
      const ni = numeric.indexOf(c);
      const col = `num.n${ni}`;
      if (c.kind === 'time') return `timezone('UTC', epoch_ms(CAST(${col} AS BIGINT))) AS ${ident(c.name)}`;
      if (c.kind === 'int') return `CAST(${col} AS BIGINT) AS ${ident(c.name)}`;
      if (c.kind === 'dict') return `d${ni}.name AS ${ident(c.name)}`;
      return `${col} AS ${ident(c.name)}`;
    });
    const joins = [
      ...(other.length > 0 ? ['LEFT JOIN oth ON oth.rid = num.rid'] : []),
      ...numeric.flatMap((c, i) => (c.kind === 'dict' ? [`LEFT JOIN d${i} ON d${i}.code = num.n${i}`] : [])),
    ];
    const kv = Object.entries(metadata)
      .map(([k, v]) => `${k}: ${sqlString(v)}`)
      .join(', ');
    await connection.run(
      `COPY (SELECT ${select.join(', ')} FROM num ${joins.join(' ')} ORDER BY num.rid) TO ${sqlString(path)} ` +
        `(FORMAT PARQUET, COMPRESSION ZSTD${kv ? `, KV_METADATA {${kv}}` : ''})`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
