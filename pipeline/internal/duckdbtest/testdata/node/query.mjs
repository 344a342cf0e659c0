// query.mjs runs SQL with DuckDB (in-memory database) and prints the result
// of the last statement as JSON on stdout:
//
//   {"columns":[{"name":"a","type":"BIGINT"}, ...], "rows":[[...], ...]}
//
// Usage: node query.mjs "<sql>"      (or the SQL on stdin when no argument)
//
// Normally the SQL is one statement. Several statements separated by ';' are
// run in order and only the last one's result is printed (handy for a SET or
// CREATE VIEW before the query).
//
// Relative paths in the SQL resolve against the process working directory,
// which the caller chooses.
//
// Value encoding (lossless and JSON-safe):
//   - NULL                        -> null
//   - BOOLEAN                     -> true / false
//   - TINYINT..INTEGER, U* <= 32b -> JSON number
//   - BIGINT, UBIGINT, HUGEINT, UHUGEINT, BIGNUM
//                                 -> JSON number when |v| <= 2^53-1,
//                                    otherwise a decimal string
//   - FLOAT, DOUBLE               -> JSON number (shortest round-trip form);
//                                    "Infinity", "-Infinity", "NaN" as strings
//   - DECIMAL                     -> decimal string, e.g. "1.50"
//   - VARCHAR, ENUM, UUID         -> string
//   - DATE                        -> "YYYY-MM-DD"
//   - TIMESTAMP                   -> "YYYY-MM-DD HH:MM:SS[.ffffff]"
//   - TIME, TIMESTAMP WITH TIME ZONE etc. -> DuckDB's string form
//   - BLOB                        -> DuckDB's string form (\xNN escapes)
//   - LIST, ARRAY                 -> JSON array
//   - STRUCT                      -> JSON object
//   - MAP                         -> array of {"key":..., "value":...}
//   - INTERVAL                    -> {"months":n, "days":n, "micros":"n"}
// Column types are DuckDB's own type strings, e.g. "BIGINT", "VARCHAR",
// "BIGINT[]", "STRUCT(a INTEGER, b VARCHAR)".
//
// On any error the message goes to stderr and the exit status is 1.

import { readFileSync } from 'node:fs';
import { DuckDBInstance, JsonDuckDBValueConverter } from '@duckdb/node-api';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// converter wraps the package's JSON converter, turning 64-bit and wider
// integers (bigint in JS) into plain numbers when that is exact. Nested
// values (LIST, STRUCT, MAP, ...) are converted through this same function.
function converter(value, type, self) {
  if (typeof value === 'bigint') {
    if (value >= -MAX_SAFE && value <= MAX_SAFE) {
      return Number(value);
    }
    return value.toString();
  }
  return JsonDuckDBValueConverter(value, type, self);
}

// runAll runs every statement in sql and returns the last one's result.
// (connection.run alone would return the first statement's result.)
async function runAll(connection, sql) {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (err) {
    // The binding reports SQL with no statement (only comments or ';')
    // as a bare "Error in native callback".
    if (err && err.message === 'Error in native callback') {
      throw new Error('query.mjs: no SQL statement found');
    }
    throw err;
  }
  if (extracted.count === 0) {
    throw new Error('query.mjs: no SQL statement found');
  }
  let result;
  for (let i = 0; i < extracted.count; i++) {
    const prepared = await extracted.prepare(i);
    try {
      result = await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }
  return result;
}

async function main() {
  let sql = process.argv[2];
  if (sql === undefined) {
    sql = readFileSync(0, 'utf8');
  }
  if (sql.trim() === '') {
    throw new Error('query.mjs: empty SQL (pass it as the first argument or on stdin)');
  }

  // Never reach for the network: everything needed (parquet, json) is
  // built into the binding.
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    const result = await runAll(connection, sql);
    const columns = [];
    for (let i = 0; i < result.columnCount; i++) {
      columns.push({ name: result.columnName(i), type: result.columnType(i).toString() });
    }
    const rows = await result.convertRows(converter);
    process.stdout.write(JSON.stringify({ columns, rows }) + '\n');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.message ? err.message : err) + '\n');
  process.exitCode = 1;
});
