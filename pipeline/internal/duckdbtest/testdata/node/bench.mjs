// bench.mjs is the DuckDB side of `make bench` (pipeline/internal/bench): the
// work of our build's responses stage done the way a skilled analyst would
// with DuckDB, on one raw responses CSV:
//
//   1. read_csv with explicit column types (choice columns as ENUMs of their
//      codes, so an unknown code fails the read), typed into a table:
//      multi-answer columns split into ENUM lists, integers and year-months
//      parsed, coded categories split off into <col>__coded;
//   2. COPY the typed table TO Parquet;
//   3. the frequency of every item: UNPIVOT of every answer column (integers
//      and months in the published tables' bins, the derived S1 months) and
//      GROUP BY, multi-answer lists unnested; COPY TO Parquet;
//   4. the SIM3 maturity level of every respondent and maturity item
//      (UNPIVOT joined with the levels of the options); COPY TO Parquet.
//
// Usage: node bench.mjs SPEC.json
//
// SPEC.json (written by pipeline/internal/bench from the questionnaire):
//   {"csv": FILE, "out": DIR, "enums": [{"name", "values"}],
//    "columns": [{"name", "kind": meta|single|multi|integer|year_month|text,
//                 "enum", "coded_enum", "bins": [{"code", "min", "max"} |
//                 {"code", "from", "before"}]}],
//    "derived": [{"name", "from", "to", "bins": [{"code", "min", "max"}]}],
//    "maturity": [{"column", "item", "sim3", "levels": [{"code", "level", "coarse"}]}]}
//
// Prints one JSON object: {"duckdb": version, "rows": n, "phases": {name: seconds}}.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, version } from '@duckdb/node-api';

const lit = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const id = (s) => '"' + String(s).replace(/"/g, '""') + '"';

function readType(c) {
  if (c.kind === 'single' || (c.kind === 'meta' && c.enum)) {
    return c.enum;
  }
  return 'VARCHAR';
}

// typedSelect returns the select list that types the raw columns.
function typedSelect(spec) {
  const out = [];
  for (const c of spec.columns) {
    const n = id(c.name);
    switch (c.kind) {
      case 'multi':
        out.push(`CAST(string_split(${n}, ';') AS ${c.enum}[]) AS ${n}`);
        break;
      case 'integer':
        out.push(`TRY_CAST(${n} AS INTEGER) AS ${n}`);
        if (c.coded_enum) {
          out.push(`CAST(CASE WHEN TRY_CAST(${n} AS INTEGER) IS NULL THEN ${n} END AS ${c.coded_enum}) AS ${id(c.name + '__coded')}`);
        }
        break;
      case 'year_month': {
        const isMonth = `regexp_full_match(${n}, '[0-9]{4}-[0-9]{1,2}')`;
        out.push(`CAST(CASE WHEN ${isMonth} THEN strptime(${n}, '%Y-%m') END AS DATE) AS ${n}`);
        if (c.coded_enum) {
          out.push(`CAST(CASE WHEN NOT ${isMonth} THEN ${n} END AS ${c.coded_enum}) AS ${id(c.name + '__coded')}`);
        }
        break;
      }
      default:
        out.push(n);
    }
  }
  return out.join(',\n  ');
}

function numberBins(expr, bins) {
  const whens = bins.map((b) => {
    const conds = [];
    if (b.min !== null && b.min !== undefined) conds.push(`${expr} >= ${b.min}`);
    if (b.max !== null && b.max !== undefined) conds.push(`${expr} <= ${b.max}`);
    return `WHEN ${conds.length ? conds.join(' AND ') : 'true'} THEN ${lit(b.code)}`;
  });
  return `CASE ${whens.join(' ')} END`;
}

function monthBins(expr, bins) {
  const whens = bins.map((b) => {
    const conds = [];
    if (b.from) conds.push(`${expr} >= DATE ${lit(b.from)}`);
    if (b.before) conds.push(`${expr} < DATE ${lit(b.before)}`);
    return `WHEN ${conds.length ? conds.join(' AND ') : 'true'} THEN ${lit(b.code)}`;
  });
  return `CASE ${whens.join(' ')} END`;
}

// frequencySQL counts every answer column: single-valued columns (and bins)
// by UNPIVOT, lists by unnest; NULL is the no-answer count.
function frequencySQL(spec) {
  const singles = [];
  const multis = [];
  for (const c of spec.columns) {
    const n = id(c.name);
    switch (c.kind) {
      case 'single':
        singles.push(`CAST(${n} AS VARCHAR) AS ${n}`);
        break;
      case 'multi':
        multis.push(`CAST(${n} AS VARCHAR[]) AS ${n}`);
        break;
      case 'integer':
      case 'year_month': {
        const bins = c.kind === 'integer' ? numberBins(n, c.bins || []) : monthBins(n, c.bins || []);
        const coded = c.coded_enum ? `CAST(${id(c.name + '__coded')} AS VARCHAR)` : 'NULL';
        singles.push(`coalesce(${coded}, ${bins}) AS ${n}`);
        break;
      }
    }
  }
  for (const d of spec.derived || []) {
    singles.push(`${numberBins(`datediff('month', ${id(d.from)}, ${id(d.to)})`, d.bins)} AS ${id(d.name)}`);
  }
  const parts = [];
  if (singles.length) {
    parts.push(`SELECT item, code FROM (SELECT ${singles.join(', ')} FROM responses)
      UNPIVOT INCLUDE NULLS (code FOR item IN (COLUMNS(*)))`);
  }
  if (multis.length) {
    parts.push(`SELECT item, unnest(coalesce(codes, [NULL])) AS code FROM (SELECT ${multis.join(', ')} FROM responses)
      UNPIVOT INCLUDE NULLS (codes FOR item IN (COLUMNS(*)))`);
  }
  return `CREATE TABLE frequencies AS
    SELECT item, code, count(*) AS count FROM (${parts.join(' UNION ALL ')}) GROUP BY ALL ORDER BY item, code`;
}

function maturitySQL(spec, out) {
  const stmts = [];
  stmts.push(`CREATE TABLE maturity_items (question_id VARCHAR, item VARCHAR, sim3 VARCHAR)`);
  stmts.push(`CREATE TABLE maturity_levels (question_id VARCHAR, code VARCHAR, sim3_level INTEGER, coarse BOOLEAN)`);
  const items = spec.maturity.map((m) => `(${lit(m.column)}, ${lit(m.item)}, ${m.sim3 ? lit(m.sim3) : 'NULL'})`);
  stmts.push(`INSERT INTO maturity_items VALUES ${items.join(', ')}`);
  const levels = [];
  for (const m of spec.maturity) {
    for (const l of m.levels) {
      levels.push(`(${lit(m.column)}, ${lit(l.code)}, ${l.level}, ${l.coarse})`);
    }
  }
  stmts.push(`INSERT INTO maturity_levels VALUES ${levels.join(', ')}`);
  const cols = spec.maturity.map((m) => `CAST(${id(m.column)} AS VARCHAR) AS ${id(m.column)}`);
  stmts.push(`COPY (
    SELECT u.respondent_id, i.item, u.question_id, i.sim3, u.code, l.sim3_level, l.coarse
    FROM (SELECT respondent_id, ${cols.join(', ')} FROM responses)
          UNPIVOT INCLUDE NULLS (code FOR question_id IN (COLUMNS(* EXCLUDE (respondent_id)))) u
    JOIN maturity_items i USING (question_id)
    LEFT JOIN maturity_levels l USING (question_id, code)
  ) TO ${lit(join(out, 'maturity.parquet'))} (FORMAT parquet, COMPRESSION snappy)`);
  return stmts;
}

async function main() {
  const specPath = process.argv[2];
  if (!specPath) {
    throw new Error('usage: node bench.mjs SPEC.json');
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const phases = {};
  let t0 = performance.now();
  const lap = (name) => {
    const t = performance.now();
    phases[name] = (t - t0) / 1000;
    t0 = t;
  };
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const conn = await instance.connect();
  const run = async (sql) => conn.run(sql);
  try {
    for (const e of spec.enums) {
      await run(`CREATE TYPE ${id(e.name)} AS ENUM (${e.values.map(lit).join(', ')})`);
    }
    const columns = '{' + spec.columns.map((c) => `${lit(c.name)}: ${lit(readType(c))}`).join(', ') + '}';
    await run(`CREATE TABLE responses AS SELECT
  ${typedSelect(spec)}
FROM read_csv(${lit(spec.csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
              nullstr = ['', 'NA'], columns = ${columns})`);
    lap('read_csv+types');
    await run(`COPY responses TO ${lit(join(spec.out, 'responses.parquet'))} (FORMAT parquet, COMPRESSION snappy)`);
    lap('copy_parquet');
    await run(frequencySQL(spec));
    await run(`COPY frequencies TO ${lit(join(spec.out, 'frequencies.parquet'))} (FORMAT parquet, COMPRESSION snappy)`);
    lap('frequencies');
    for (const s of maturitySQL(spec, spec.out)) {
      await run(s);
    }
    lap('maturity');
    const reader = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM responses');
    const rows = reader.getRows()[0][0];
    process.stdout.write(JSON.stringify({ duckdb: version(), rows, phases }) + '\n');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.message ? err.message : err) + '\n');
  process.exitCode = 1;
});
