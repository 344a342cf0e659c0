package interviews

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
)

func parseMinimal(t *testing.T) []Interview {
	t.Helper()
	ivs, err := Parse("minimal.yaml", []byte(readMinimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	return ivs
}

// cell renders one value of rec the way duckdbtest decodes it: nil for
// null, strings as they are, integers as json.Number, dates as YYYY-MM-DD.
func cell(t *testing.T, rec arrow.Record, col, row int) any {
	t.Helper()
	switch c := rec.Column(col).(type) {
	case *array.String:
		if c.IsNull(row) {
			return nil
		}
		return c.Value(row)
	case *array.Int32:
		if c.IsNull(row) {
			return nil
		}
		return json.Number(strconv.Itoa(int(c.Value(row))))
	case *array.Date32:
		if c.IsNull(row) {
			return nil
		}
		return c.Value(row).ToTime().Format("2006-01-02")
	default:
		t.Fatalf("column %s: unexpected array type %T", rec.ColumnName(col), c)
		return nil
	}
}

// column returns the values of the named column of rec.
func column(t *testing.T, rec arrow.Record, name string) []any {
	t.Helper()
	idx := rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("no column %q", name)
	}
	out := make([]any, rec.NumRows())
	for i := range out {
		out[i] = cell(t, rec, idx[0], i)
	}
	return out
}

func TestTeamsRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := Teams(mem, parseMinimal(t))
	defer rec.Release()
	if !rec.Schema().Equal(TeamsSchema) || rec.NumRows() != 2 {
		t.Fatalf("schema %v, %d rows", rec.Schema(), rec.NumRows())
	}
	want := map[string][]any{
		"team":           {"A-CSIRT", "B-SIRT"},
		"form_code":      {"distributed", "coordinating"},
		"form_ja":        {"分散型 CSIRT", "調整役 CSIRT"},
		"form_en":        {"Distributed CSIRT", "Coordinating CSIRT"},
		"size_ja":        {"10 名程度", "事務局のみ"},
		"size_members":   {json.Number("10"), nil},
		"interview_date": {"2016-01-18", "2015-12-07"},
		"page":           {json.Number("10"), json.Number("13")},
		"last_page":      {json.Number("12"), json.Number("15")},
		"note":           {"A header note.", nil},
		"budget_en":      {"Budgeted by the IS department", "Research funds"},
	}
	for name, vals := range want {
		if got := column(t, rec, name); fmt.Sprint(got) != fmt.Sprint(vals) {
			t.Errorf("%s = %v, want %v", name, got, vals)
		}
	}
	if v, ok := rec.Schema().Field(0).Metadata.GetValue("csirt.label_ja"); !ok || v == "" {
		t.Error("team column has no csirt.label_ja")
	}
}

func TestTopicsRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ivs := parseMinimal(t)
	rec := Topics(mem, ivs)
	defer rec.Release()
	if !rec.Schema().Equal(TopicsSchema) {
		t.Fatalf("schema %v", rec.Schema())
	}
	// A answers 11 rows (management_reporting twice), B answers 10.
	if rec.NumRows() != 21 {
		t.Fatalf("%d rows, want 21", rec.NumRows())
	}
	row := func(i int) string {
		var s []any
		for c := range int(rec.NumCols()) {
			s = append(s, cell(t, rec, c, i))
		}
		return fmt.Sprint(s)
	}
	for i, want := range map[int]string{
		0:  "[A-CSIRT management_reporting 1 semiannual <nil> 半期に一度経営層へ報告している Reports to management twice a year. 11 <nil>]",
		1:  "[A-CSIRT management_reporting 2 on_incident <nil> 臨時の報告を実施している Makes extraordinary reports. 11 <nil>]",
		2:  "[A-CSIRT periodic_reports 1 report monthly レポートを月に 1 度報告しており Reports monthly. 11 An answer note.]",
		4:  "[A-CSIRT exercises 1 not_mentioned <nil> <nil> <nil> <nil> <nil>]",
		11: "[B-SIRT management_reporting 1 weekly <nil> 週次で報告している Weekly. 13 <nil>]",
		20: "[B-SIRT incident_tracking_tool 1 not_mentioned <nil> <nil> <nil> <nil> <nil>]",
	} {
		if got := row(i); got != want {
			t.Errorf("row %d = %s\nwant %s", i, got, want)
		}
	}
}

// TestParquetReadBack encodes both records of the 2015 file as the build
// will, writes them as Hive partitions under a temporary directory and reads
// them back with DuckDB, comparing every value and every column type with
// what was written.
func TestParquetReadBack(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ivs := load2015(t)
	teams, topics := Teams(mem, ivs), Topics(mem, ivs)
	defer teams.Release()
	defer topics.Release()
	if teams.NumRows() != 9 {
		t.Fatalf("teams has %d rows, want 9", teams.NumRows())
	}

	dir := t.TempDir()
	for _, ds := range []struct {
		name string
		rec  arrow.Record
	}{{"interviews", teams}, {"interview_topics", topics}} {
		data, err := columnar.EncodeParquet(ds.rec)
		if err != nil {
			t.Fatalf("%s: %v", ds.name, err)
		}
		path := columnar.PartitionPath(dir, ds.name, 2015)
		if want := filepath.Join(dir, ds.name, "year=2015", "part-0.parquet"); path != want {
			t.Fatalf("partition path %s, want %s", path, want)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}

		r := duckdbtest.Query(t, dir, fmt.Sprintf(`SELECT * FROM read_parquet('%s/*/*.parquet',
			hive_partitioning = true, file_row_number = true) ORDER BY file_row_number`, ds.name))
		if r.Len() != int(ds.rec.NumRows()) {
			t.Fatalf("%s: DuckDB reads %d rows, want %d", ds.name, r.Len(), ds.rec.NumRows())
		}
		duckType := map[arrow.Type]string{arrow.STRING: "VARCHAR", arrow.INT32: "INTEGER", arrow.DATE32: "DATE"}
		for c, f := range ds.rec.Schema().Fields() {
			if got, want := r.Type(f.Name), duckType[f.Type.ID()]; got != want {
				t.Errorf("%s.%s: DuckDB type %s, want %s", ds.name, f.Name, got, want)
			}
			idx := r.Index(f.Name)
			for row := range r.Len() {
				if got, want := r.Rows[row][idx], cell(t, ds.rec, c, row); got != want {
					t.Errorf("%s row %d %s = %#v, want %#v", ds.name, row, f.Name, got, want)
				}
			}
		}
		for row, y := range r.Int64s("year") {
			if y != 2015 {
				t.Errorf("%s row %d: year %d from the partition, want 2015", ds.name, row, y)
			}
		}
		if got, want := len(r.Columns), len(ds.rec.Schema().Fields())+2; got != want {
			t.Errorf("%s: DuckDB has %d columns, want %d (the record's, year, file_row_number)", ds.name, got, want)
		}
	}
}
