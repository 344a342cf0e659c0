package duckdbtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// TestReadParquetWrittenByDuckDB has DuckDB itself write a Parquet file
// (no code of ours involved), then reads it back through Query using a path
// relative to dir, and checks every column's type and value.
func TestReadParquetWrittenByDuckDB(t *testing.T) {
	dir := t.TempDir()
	Query(t, dir, `COPY (SELECT 1::BIGINT AS a, 'x' AS s, NULL::VARCHAR AS n,
		[1,2] AS l, DATE '2015-12-01' AS d) TO 't.parquet' (FORMAT parquet)`)
	if _, err := os.Stat(filepath.Join(dir, "t.parquet")); err != nil {
		t.Fatalf("DuckDB did not write t.parquet in dir: %v", err)
	}

	r := Query(t, dir, `SELECT * FROM 't.parquet'`)

	wantCols := []Column{
		{"a", "BIGINT"},
		{"s", "VARCHAR"},
		{"n", "VARCHAR"},
		{"l", "INTEGER[]"},
		{"d", "DATE"},
	}
	if !reflect.DeepEqual(r.Columns, wantCols) {
		t.Errorf("columns = %v, want %v", r.Columns, wantCols)
	}
	wantRows := [][]any{{
		json.Number("1"),
		"x",
		nil,
		[]any{json.Number("1"), json.Number("2")},
		"2015-12-01",
	}}
	if !reflect.DeepEqual(r.Rows, wantRows) {
		t.Errorf("rows = %#v, want %#v", r.Rows, wantRows)
	}
	if got := r.Strings("s"); !reflect.DeepEqual(got, []string{"x"}) {
		t.Errorf(`Strings("s") = %q`, got)
	}
	if got := r.Strings("n"); !reflect.DeepEqual(got, []string{""}) {
		t.Errorf(`Strings("n") = %q`, got)
	}
	if got := r.Int64s("a"); !reflect.DeepEqual(got, []int64{1}) {
		t.Errorf(`Int64s("a") = %v`, got)
	}
	if got := r.Type("d"); got != "DATE" {
		t.Errorf(`Type("d") = %q`, got)
	}
}

// TestEncoding checks the JSON encoding of the other value kinds, through a
// Parquet round trip where Parquet has the type.
func TestEncoding(t *testing.T) {
	dir := t.TempDir()
	Query(t, dir, `COPY (
		SELECT * FROM (VALUES
			(1, 9223372036854775807::BIGINT, true,  {'k': 'v', 'n': 2}, 0.1::DOUBLE, 1.50::DECIMAL(10,2), TIMESTAMP '2015-12-01 10:20:30'),
			(2, -9007199254740991::BIGINT,   false, NULL,               NULL,        NULL,                NULL)
		) AS v(id, big, b, st, f, dec, ts)
		ORDER BY id
	) TO 'e.parquet'`)
	r := Query(t, dir, `SELECT big, b, st, f, dec, ts FROM 'e.parquet' ORDER BY id`)

	wantCols := []Column{
		{"big", "BIGINT"},
		{"b", "BOOLEAN"},
		{"st", `STRUCT(k VARCHAR, n INTEGER)`},
		{"f", "DOUBLE"},
		{"dec", "DECIMAL(10,2)"},
		{"ts", "TIMESTAMP"},
	}
	// DuckDB may or may not quote struct field names; compare unquoted.
	for i := range r.Columns {
		r.Columns[i].Type = strings.ReplaceAll(r.Columns[i].Type, `"`, "")
	}
	if !reflect.DeepEqual(r.Columns, wantCols) {
		t.Errorf("columns = %v, want %v", r.Columns, wantCols)
	}
	wantRows := [][]any{
		{"9223372036854775807", true, map[string]any{"k": "v", "n": json.Number("2")}, json.Number("0.1"), "1.50", "2015-12-01 10:20:30"},
		{json.Number("-9007199254740991"), false, nil, nil, nil, nil},
	}
	if !reflect.DeepEqual(r.Rows, wantRows) {
		t.Errorf("rows = %#v\nwant %#v", r.Rows, wantRows)
	}
	if got, want := r.Int64s("big"), []int64{9223372036854775807, -9007199254740991}; !reflect.DeepEqual(got, want) {
		t.Errorf(`Int64s("big") = %v, want %v`, got, want)
	}
	if got, want := r.Strings("big"), []string{"9223372036854775807", "-9007199254740991"}; !reflect.DeepEqual(got, want) {
		t.Errorf(`Strings("big") = %q, want %q`, got, want)
	}
	if got, want := r.Strings("b"), []string{"true", "false"}; !reflect.DeepEqual(got, want) {
		t.Errorf(`Strings("b") = %q, want %q`, got, want)
	}

	// Wider integers and non-finite doubles, straight from SQL.
	r = Query(t, "", `SELECT 170141183460469231731687303715884105727::HUGEINT AS h,
		'inf'::DOUBLE AS inf, [[1], [], NULL] AS nested, 'é' AS "ü"`)
	want := []any{"170141183460469231731687303715884105727", "Infinity",
		[]any{[]any{json.Number("1")}, []any{}, nil}, "é"}
	if !reflect.DeepEqual(r.Rows, [][]any{want}) {
		t.Errorf("rows = %#v, want %#v", r.Rows, [][]any{want})
	}
}

// TestMultipleStatements checks that the last statement's result is returned.
func TestMultipleStatements(t *testing.T) {
	r := Query(t, "", `CREATE VIEW v AS SELECT 5 AS five; SELECT five FROM v;`)
	if got := r.Int64s("five"); !reflect.DeepEqual(got, []int64{5}) {
		t.Errorf("got %v, want [5]", got)
	}
	if r.Len() != 1 {
		t.Errorf("Len = %d, want 1", r.Len())
	}
}

// TestLongSQL checks SQL too long for a command-line argument (sent on stdin).
func TestLongSQL(t *testing.T) {
	long := strings.Repeat("y", 200<<10)
	r := Query(t, "", "SELECT length('"+long+"') AS n")
	if got := r.Int64s("n"); !reflect.DeepEqual(got, []int64{int64(len(long))}) {
		t.Errorf("got %v, want %d", got, len(long))
	}
}

func TestFailures(t *testing.T) {
	t.Run("sql error", func(t *testing.T) {
		msg := expectFatal(t, func(tb testing.TB) {
			Query(tb, t.TempDir(), `SELECT * FROM 'missing.parquet'`)
		})
		if !strings.Contains(msg, "missing.parquet") || !strings.Contains(msg, "DuckDB:") {
			t.Errorf("message lacks DuckDB's error: %s", msg)
		}
	})
	t.Run("unknown column", func(t *testing.T) {
		msg := expectFatal(t, func(tb testing.TB) {
			Query(tb, "", `SELECT 1 AS a`).Strings("b")
		})
		if !strings.Contains(msg, `no column "b"`) || !strings.Contains(msg, `"a"`) {
			t.Errorf("unclear message: %s", msg)
		}
	})
	t.Run("duplicate column", func(t *testing.T) {
		msg := expectFatal(t, func(tb testing.TB) {
			Query(tb, "", `SELECT 1 AS a, 2 AS a`).Column("a")
		})
		if !strings.Contains(msg, "more than once") {
			t.Errorf("unclear message: %s", msg)
		}
	})
	t.Run("not an integer", func(t *testing.T) {
		msg := expectFatal(t, func(tb testing.TB) {
			Query(tb, "", `SELECT NULL::BIGINT AS a`).Int64s("a")
		})
		if !strings.Contains(msg, "NULL is not an integer") {
			t.Errorf("unclear message: %s", msg)
		}
	})
	t.Run("reader not installed", func(t *testing.T) {
		nodeDir := t.TempDir() // query.mjs present, node_modules absent
		src, err := readerDir()
		if err != nil {
			t.Fatal(err)
		}
		script, err := os.ReadFile(filepath.Join(src, "query.mjs"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(nodeDir, "query.mjs"), script, 0o644); err != nil {
			t.Fatal(err)
		}
		msg := expectFatal(t, func(tb testing.TB) {
			query(tb, nodeDir, "", `SELECT 1`)
		})
		if !strings.Contains(msg, installHint) {
			t.Errorf("message lacks the install hint: %s", msg)
		}
	})
	t.Run("node missing", func(t *testing.T) {
		if _, err := readerDir(); err != nil { // may need go on PATH
			t.Fatal(err)
		}
		t.Setenv("PATH", t.TempDir())
		msg := expectFatal(t, func(tb testing.TB) {
			Query(tb, "", `SELECT 1`)
		})
		if !strings.Contains(msg, "node") || !strings.Contains(msg, installHint) {
			t.Errorf("unclear message: %s", msg)
		}
	})
}

// fakeTB records the first Fatalf and stops the calling goroutine, as the
// real one does; everything else goes to the real test.
type fakeTB struct {
	testing.TB
	msg string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// expectFatal runs fn with a fakeTB and returns the failure message; the
// test fails if fn did not fail.
func expectFatal(t *testing.T, fn func(tb testing.TB)) string {
	t.Helper()
	fake := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(fake)
	}()
	<-done
	if fake.msg == "" {
		t.Fatal("expected the call to fail the test, it did not")
	}
	t.Logf("failure message: %s", fake.msg)
	return fake.msg
}

// TestReadIPC has DuckDB write nothing here: the file comes from arrow/go's
// IPC writer and is read by apache-arrow (JavaScript).
func TestReadIPC(t *testing.T) {
	// arrow/go v15's IPC writer keeps a reference to the last dictionary it
	// wrote and never releases it, so a checked allocator would report that.
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"x", ""}, []bool{true, false})
	db := b.Field(1).(*array.BinaryDictionaryBuilder)
	db.AppendString("a")
	db.AppendNull()
	b.Field(2).(*array.Date32Builder).AppendValues([]arrow.Date32{arrow.Date32FromTime(time.Date(2015, 12, 1, 0, 0, 0, 0, time.UTC)), 0}, []bool{true, false})
	rec := b.NewRecord()
	b.Release()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "x.arrow")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f.Close()
	res := ReadIPC(t, path)
	if len(res.Fields) != 3 || res.Fields[1].Name != "d" || !strings.HasPrefix(res.Fields[1].Type, "Dictionary") {
		t.Fatalf("fields = %+v", res.Fields)
	}
	want := [][]any{{"x", "a", "2015-12-01"}, {nil, nil, nil}}
	for i, row := range want {
		for j, v := range row {
			if res.Rows[i][j] != v {
				t.Errorf("row %d col %d = %#v, want %#v", i, j, res.Rows[i][j], v)
			}
		}
	}
}
