// Package duckdbtest is an independent reader for the files our pipeline
// writes, for use in tests only.
//
// It runs SQL through DuckDB (the @duckdb/node-api package from npm, driven
// by testdata/node/query.mjs under Node.js) rather than through any of our
// own Go code, so a test that writes a Parquet file with the pipeline and
// reads it back here checks the file against a second, unrelated
// implementation of the format.
//
// Requirements: `node` (20 or later) on PATH, and the DuckDB reader
// installed under testdata/node/node_modules. `make test` installs it
// (it runs `npm ci` in testdata/node); if it is missing, Query fails the
// test with a message saying so. Nothing here skips a test.
//
// Values in Result.Rows are what encoding/json produces with UseNumber,
// following query.mjs's encoding:
//
//   - NULL is nil; BOOLEAN is bool; VARCHAR is string.
//   - Every integer is a json.Number, exact. BIGINT, UBIGINT, HUGEINT and
//     UHUGEINT values beyond ±(2^53-1) arrive as decimal strings instead;
//     use [Result.Int64s] or [Result.Strings] to read either form.
//   - FLOAT and DOUBLE are json.Number in shortest round-trip form, or the
//     strings "Infinity", "-Infinity", "NaN". DECIMAL is a decimal string.
//   - DATE is a "YYYY-MM-DD" string; TIMESTAMP is "YYYY-MM-DD HH:MM:SS[.ffffff]".
//   - LIST and ARRAY are []any; STRUCT is map[string]any; MAP is a []any of
//     map[string]any{"key": ..., "value": ...}.
//
// Column types are DuckDB's type strings, such as "BIGINT", "VARCHAR",
// "INTEGER[]" or `STRUCT("x" INTEGER)`.
package duckdbtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// installHint is the advice given when the reader cannot run.
const installHint = "run `make test`, which installs the DuckDB reader with npm ci"

// maxArgSQL is the longest SQL passed as a command-line argument; longer SQL
// goes on stdin (Linux caps one argument at 128 KiB).
const maxArgSQL = 64 << 10

// Column is one result column: its name and DuckDB type string.
type Column struct {
	Name string
	Type string
}

// Result is the result of one query.
type Result struct {
	Columns []Column
	Rows    [][]any

	t testing.TB // the test that ran the query, for failing helpers
}

// Query runs sql with DuckDB in an in-memory database, with working
// directory dir (so relative paths in sql, such as 'out.parquet', resolve
// against dir; an empty dir means the test's own working directory). When
// sql holds several statements separated by ';', all run in order and the
// last one's result is returned.
//
// Query fails the test if node or the installed reader is missing, or if
// DuckDB reports an error (the message includes DuckDB's).
func Query(t testing.TB, dir, sql string) Result {
	t.Helper()
	nodeDir, err := readerDir()
	if err != nil {
		t.Fatalf("duckdbtest: cannot locate the DuckDB reader: %v", err)
	}
	return query(t, nodeDir, dir, sql)
}

// query is Query with the reader's directory given.
func query(t testing.TB, nodeDir, dir, sql string) Result {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("duckdbtest: node (Node.js 20 or later) not found on PATH: %v; install Node.js, then %s", err, installHint)
	}
	script := filepath.Join(nodeDir, "query.mjs")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("duckdbtest: reader script missing: %v", err)
	}
	api := filepath.Join(nodeDir, "node_modules", "@duckdb", "node-api", "package.json")
	if _, err := os.Stat(api); err != nil {
		t.Fatalf("duckdbtest: DuckDB reader not installed (%s is missing); %s", api, installHint)
	}

	args := []string{script}
	var stdin io.Reader
	if len(sql) <= maxArgSQL {
		args = append(args, sql)
	} else {
		stdin = strings.NewReader(sql)
	}
	cmd := exec.CommandContext(t.Context(), node, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = "(no message on stderr)"
		}
		t.Fatalf("duckdbtest: query failed (%v) in dir %q\nSQL: %s\nDuckDB: %s", err, dir, abbreviate(sql), msg)
	}

	var raw struct {
		Columns []Column `json:"columns"`
		Rows    [][]any  `json:"rows"`
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("duckdbtest: cannot decode the reader's output: %v\nSQL: %s", err, abbreviate(sql))
	}
	if dec.More() {
		t.Fatalf("duckdbtest: unexpected data after the reader's JSON\nSQL: %s", abbreviate(sql))
	}
	for i, row := range raw.Rows {
		if len(row) != len(raw.Columns) {
			t.Fatalf("duckdbtest: row %d has %d values for %d columns", i, len(row), len(raw.Columns))
		}
	}
	return Result{Columns: raw.Columns, Rows: raw.Rows, t: t}
}

// readerDir returns the absolute path of testdata/node beside this file.
var readerDir = sync.OnceValues(func() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		return filepath.Join(filepath.Dir(file), "testdata", "node"), nil
	}
	// Built with -trimpath: ask the go command where this package lives.
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}",
		"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest").Output()
	if err != nil {
		return "", fmt.Errorf("source path unknown (built with -trimpath?) and go list failed: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "testdata", "node"), nil
})

// Len returns the number of rows.
func (r Result) Len() int { return len(r.Rows) }

// Index returns the position of the column called name. It fails the test
// if there is no such column or more than one.
func (r Result) Index(name string) int {
	r.helper()
	idx := -1
	for i, c := range r.Columns {
		if c.Name != name {
			continue
		}
		if idx >= 0 {
			r.fatalf("duckdbtest: column %q appears more than once in %s", name, r.columnList())
		}
		idx = i
	}
	if idx < 0 {
		r.fatalf("duckdbtest: no column %q; columns are %s", name, r.columnList())
	}
	return idx
}

// Type returns the DuckDB type string of the column called name.
func (r Result) Type(name string) string {
	r.helper()
	return r.Columns[r.Index(name)].Type
}

// Column returns the values of the column called name, one per row, as
// decoded (see the package doc). It fails the test on an unknown column.
func (r Result) Column(name string) []any {
	r.helper()
	idx := r.Index(name)
	vals := make([]any, len(r.Rows))
	for i, row := range r.Rows {
		vals[i] = row[idx]
	}
	return vals
}

// Strings returns the column called name as strings: strings as they are,
// numbers as their JSON text (so every integer is its exact decimal form),
// booleans as "true"/"false", and NULL as "". It fails the test on an
// unknown column or on a LIST, STRUCT or MAP value. Use [Result.Column] to
// tell NULL from "".
func (r Result) Strings(name string) []string {
	r.helper()
	vals := r.Column(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case nil:
			out[i] = ""
		case string:
			out[i] = v
		case json.Number:
			out[i] = v.String()
		case bool:
			out[i] = strconv.FormatBool(v)
		default:
			r.fatalf("duckdbtest: column %q row %d: %T value %v is not a scalar", name, i, v, v)
		}
	}
	return out
}

// Int64s returns the integer column called name as int64s. It accepts both
// encodings of an integer (JSON number, or decimal string for large
// BIGINT/HUGEINT values) and fails the test on an unknown column, a NULL,
// a value that is not an integer, or one outside the int64 range.
func (r Result) Int64s(name string) []int64 {
	r.helper()
	vals := r.Column(name)
	out := make([]int64, len(vals))
	for i, v := range vals {
		var text string
		switch v := v.(type) {
		case json.Number:
			text = v.String()
		case string:
			text = v
		case nil:
			r.fatalf("duckdbtest: column %q (%s) row %d: NULL is not an integer", name, r.Type(name), i)
		default:
			r.fatalf("duckdbtest: column %q (%s) row %d: %T value %v is not an integer", name, r.Type(name), i, v, v)
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			r.fatalf("duckdbtest: column %q (%s) row %d: %v", name, r.Type(name), i, err)
		}
		out[i] = n
	}
	return out
}

func (r Result) columnList() string {
	names := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		names[i] = strconv.Quote(c.Name)
	}
	return "[" + strings.Join(names, ", ") + "]"
}

func (r Result) helper() {
	if r.t != nil {
		r.t.Helper()
	}
}

// fatalf fails the test that ran the query; a Result not made by Query
// has no test, so it panics instead.
func (r Result) fatalf(format string, args ...any) {
	if r.t == nil {
		panic(errors.New(fmt.Sprintf(format, args...) + " (Result not made by Query)"))
	}
	r.t.Helper()
	r.t.Fatalf(format, args...)
}

// abbreviate shortens SQL for error messages.
func abbreviate(sql string) string {
	const limit = 2000
	if len(sql) <= limit {
		return sql
	}
	return sql[:limit] + fmt.Sprintf("... (%d bytes in all)", len(sql))
}

// IPCField is one field of an Arrow IPC file as the JavaScript reader sees it.
type IPCField struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

// IPCResult is an Arrow IPC file read by apache-arrow (JavaScript).
type IPCResult struct {
	Fields []IPCField `json:"fields"`
	Rows   [][]any    `json:"rows"`
}

// ReadIPC reads an Arrow IPC (Feather v2) file with the apache-arrow npm
// package, a second implementation independent of arrow/go, and fails the
// test if it cannot.
func ReadIPC(t testing.TB, path string) IPCResult {
	t.Helper()
	nodeDir, err := readerDir()
	if err != nil {
		t.Fatalf("duckdbtest: cannot locate the readers: %v", err)
	}
	script := filepath.Join(nodeDir, "ipc.mjs")
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script, abs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("duckdbtest: apache-arrow could not read %s (%v): %s (run `make test`, which installs the readers with npm ci)", path, err, stderr.String())
	}
	var res IPCResult
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("duckdbtest: decode ipc.mjs output: %v", err)
	}
	return res
}
