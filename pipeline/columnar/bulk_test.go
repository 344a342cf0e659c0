package columnar

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
)

// TestBulkParquetWithDuckDB writes random records with the bulk
// writer (nulls in every nullable column and list, empty lists, pages of a
// few rows) and reads
// every file with DuckDB, an independent reader that, unlike arrow/go and
// parquet-go, trusts a page's null count: every cell must come back.
func TestBulkParquetWithDuckDB(t *testing.T) {
	old := bulkPageRows
	bulkPageRows = 7
	defer func() { bulkPageRows = old }()
	dir := t.TempDir()
	type file struct {
		schema *arrow.Schema
		want   [][]string // want[row][col]
	}
	var files []file
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 0xb01c))
		schema, recs, _ := randomRecords(memory.DefaultAllocator, r, bulkTypes, 40, 30)
		var buf bytes.Buffer
		w, err := NewParquetWriter(&buf, schema, Bulk())
		if err != nil {
			t.Fatal(err)
		}
		var want [][]string
		for _, rec := range recs {
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for c, col := range rec.Columns() {
					row[c] = cellText(col, i)
				}
				want = append(want, row)
			}
			rec.Release()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.parquet", len(files))), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file{schema, want})
	}
	cells := 0
	for k, f := range files {
		var sel []string
		for _, fld := range f.schema.Fields() {
			c := `"` + fld.Name + `"`
			switch fld.Type.ID() {
			case arrow.DATE32:
				c = "date_diff('day', DATE '1970-01-01', " + c + ")"
			case arrow.FLOAT64:
				c = "CAST(" + c + " * 8 AS BIGINT)" // the values are multiples of 1/8
			case arrow.LIST: // as cellText renders a list
				c = "'[' || array_to_string(list_transform(" + c + ", x -> coalesce(CAST(x AS VARCHAR), '∅')), '|') || ']'"
			}
			sel = append(sel, "CAST("+c+" AS VARCHAR)")
		}
		// Counts, which DuckDB may answer from the null counts alone.
		var counts []string
		nonNull := make([]int, len(f.schema.Fields()))
		for c, fld := range f.schema.Fields() {
			counts = append(counts, `count("`+fld.Name+`")`)
			for _, row := range f.want {
				if row[c] != "∅" {
					nonNull[c]++
				}
			}
		}
		got := duckdbtest.Query(t, dir, fmt.Sprintf("SELECT %s FROM 'f%d.parquet'", strings.Join(counts, ", "), k))
		for c, v := range got.Rows[0] {
			if fmt.Sprint(v) != fmt.Sprint(nonNull[c]) {
				t.Errorf("f%d: DuckDB counts %v values in column %s, want %d", k, v, f.schema.Field(c).Name, nonNull[c])
			}
		}
		res := duckdbtest.Query(t, dir, fmt.Sprintf("SELECT %s FROM read_parquet('f%d.parquet', file_row_number = true) ORDER BY file_row_number",
			strings.Join(sel, ", "), k))
		if len(res.Rows) != len(f.want) {
			t.Fatalf("f%d: DuckDB read %d rows, want %d", k, len(res.Rows), len(f.want))
		}
		for i, row := range res.Rows {
			for c, v := range row {
				want := f.want[i][c]
				if f.schema.Field(c).Type.ID() == arrow.FLOAT64 && want != "∅" {
					var x float64
					fmt.Sscan(want, &x)
					want = fmt.Sprint(int64(x * 8))
				}
				got := "∅"
				if v != nil {
					got = fmt.Sprint(v)
				}
				if got != want {
					t.Errorf("f%d row %d column %s (%s): DuckDB read %q, want %q", k, i, f.schema.Field(c).Name, f.schema.Field(c).Type, got, want)
				}
				cells++
			}
		}
	}
	if cells < 500 {
		t.Fatalf("only %d cells compared", cells)
	}
	t.Logf("%d files, %d cells read back by DuckDB", len(files), cells)
}
