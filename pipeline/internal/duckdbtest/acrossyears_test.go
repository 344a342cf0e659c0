package duckdbtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/parquet-go/parquet-go"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
)

// The test trees with two survey years each: testdata/fictional (2015 and
// 2099, respondent rows in both) and testdata/published-year (2097 with
// respondent rows and tables, 2098 with quoted tables only).
var multiYearTrees = []string{"fictional", "published-year"}

// TestEveryDatasetReadsAcrossYearsInOneCall builds each multi-year test
// tree and reads every dataset of processed/ with DuckDB in one
// read_parquet call over all years (hive_partitioning, no union_by_name),
// checking that every row of every year arrives (the rows per file from its
// footer, read by parquet-go); and checks, with the Arrow
// schema stored in each file (what pyarrow, pandas and polars read), that a
// dataset's columns have the same names, types (dictionary or plain) and
// nullability in every year. responses, whose columns are the year's items,
// is read with union_by_name = true, and a column in several years must
// have one type.
func TestEveryDatasetReadsAcrossYearsInOneCall(t *testing.T) {
	for _, name := range multiYearTrees {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join("..", "..", "..", "testdata", name)
			out := t.TempDir()
			res, err := build.Run(context.Background(), build.Config{SchemasDir: filepath.Join(root, "schemas"), RawDir: filepath.Join(root, "raw"),
				ProcessedDir: filepath.Join(out, "processed"), ReportsDir: filepath.Join(out, "reports")})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Years) < 2 {
				t.Fatalf("built %v, want two years", res.Years)
			}
			checkAcrossYears(t, filepath.Join(out, "processed"), 4)
		})
	}
	// The committed datasets, whatever years the repository holds.
	t.Run("committed", func(t *testing.T) {
		checkAcrossYears(t, filepath.Join("..", "..", "..", "processed"), 0)
	})
}

// checkAcrossYears reads every dataset under processed; at least minMulti of
// them must have more than one year.
func checkAcrossYears(t *testing.T, processed string, minMulti int) {
	ents, err := os.ReadDir(processed)
	if err != nil {
		t.Fatal(err)
	}
	multi, schemasCompared := 0, 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		ds := e.Name()
		files, _ := filepath.Glob(filepath.Join(processed, ds, "year=*", "part-0.parquet"))
		if len(files) == 0 {
			continue
		}
		slices.Sort(files)
		if len(files) > 1 {
			multi++
		}
		// Rows per year, from each file's own footer (parquet-go reads it).
		want := map[string]int64{}
		for _, f := range files {
			if n := numRows(t, f); n > 0 { // a year without rows has no group below
				want[yearOf(t, f)] = n
			}
		}
		opts := "hive_partitioning = true"
		if ds == "responses" {
			opts += ", union_by_name = true"
		} else if len(files) > 1 {
			checkSameArrowSchema(t, ds, files)
			schemasCompared++
		}
		// One call over every year, reading every column (the whole row cast to text).
		all := duckdbtest.Query(t, processed, fmt.Sprintf(
			"SELECT year, count(*) AS n, sum(length(CAST(t AS VARCHAR))) AS chars FROM read_parquet('%s/*/*.parquet', %s) t GROUP BY year ORDER BY year", ds, opts))
		got := map[string]int64{}
		for i, n := range all.Int64s("n") {
			got[fmt.Sprint(all.Rows[i][0])] = n
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: one read_parquet call over every year gives rows per year %v, want %v (each file read alone)", ds, got, want)
		}
		if ds == "responses" {
			checkResponsesColumnTypes(t, files)
		}
	}
	if minMulti > 0 && schemasCompared < minMulti-1 {
		t.Errorf("the Arrow schemas of only %d datasets were compared across years", schemasCompared)
	}
	if multi < minMulti {
		t.Errorf("only %d datasets have more than one year, want %d: the tree does not exercise the cross-year reads", multi, minMulti)
	}
}

// checkSameArrowSchema compares the Arrow schemas stored in a dataset's
// files: field names, types and nullability (field metadata such as labels
// may differ by year).
func checkSameArrowSchema(t *testing.T, ds string, files []string) {
	t.Helper()
	var first *arrow.Schema
	for _, f := range files {
		s := arrowSchema(t, f)
		if first == nil {
			first = s
			continue
		}
		if a, b := fieldsText(first), fieldsText(s); a != b {
			t.Errorf("%s: %s and %s have different schemas:\n%s\n%s", ds, yearOf(t, files[0]), yearOf(t, f), a, b)
		}
	}
}

func fieldsText(s *arrow.Schema) string {
	var b strings.Builder
	for _, f := range s.Fields() {
		fmt.Fprintf(&b, "%s %s nullable=%v; ", f.Name, f.Type, f.Nullable)
	}
	return b.String()
}

func arrowSchema(t *testing.T, path string) *arrow.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	s, err := pqarrow.FromParquet(rdr.MetaData().Schema, &pqarrow.ArrowReadProperties{}, rdr.MetaData().KeyValueMetadata())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// checkResponsesColumnTypes: a responses column present in several years has
// the same type in each, as a reader sees it (a dictionary as its values): a
// changed type needs a new column name.
func checkResponsesColumnTypes(t *testing.T, files []string) {
	t.Helper()
	types := map[string]map[string]string{} // column -> type -> year
	for _, f := range files {
		for _, fd := range arrowSchema(t, f).Fields() {
			typ := fd.Type
			if d, ok := typ.(*arrow.DictionaryType); ok {
				typ = d.ValueType
			}
			if types[fd.Name] == nil {
				types[fd.Name] = map[string]string{}
			}
			types[fd.Name][typ.String()] = yearOf(t, f)
		}
	}
	for col, ts := range types {
		if len(ts) > 1 {
			t.Errorf("responses column %s has several types across years: %v", col, ts)
		}
	}
	if len(types) < 10 {
		t.Errorf("responses: %d columns, want the items of the years", len(types))
	}
}

func numRows(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pf.NumRows()
}

func yearOf(t *testing.T, path string) string {
	t.Helper()
	d := filepath.Base(filepath.Dir(path))
	y, err := strconv.Atoi(strings.TrimPrefix(d, "year="))
	if err != nil {
		t.Fatalf("%s: not a year partition", path)
	}
	return strconv.Itoa(y)
}

func mustRel(t *testing.T, base, path string) string {
	t.Helper()
	rel, err := filepath.Rel(base, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}
