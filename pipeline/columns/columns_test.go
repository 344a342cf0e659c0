package columns_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func load(t testing.TB, path string) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

var (
	minimalPath = filepath.Join("..", "questionnaire", "testdata", "minimal.yaml")
	schema2015  = filepath.Join("..", "..", "schemas", "2015", "questionnaire.yaml")
)

// describe renders a schema one field per line with its metadata, for golden files.
func describe(s *arrow.Schema) string {
	var b strings.Builder
	for _, f := range s.Fields() {
		b.WriteString(f.Name + ": " + f.Type.String())
		if !f.Nullable {
			b.WriteString(" not null")
		}
		b.WriteString("\n")
		for i, k := range f.Metadata.Keys() {
			b.WriteString("    " + k + " = " + f.Metadata.Values()[i] + "\n")
		}
	}
	return b.String()
}

func TestSchemaGolden(t *testing.T) {
	got := describe(columns.Schema(load(t, minimalPath)))
	golden := filepath.Join("testdata", "minimal.schema.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("schema differs from %s (run go test -update after checking the change):\n%s", golden, got)
	}
}

func TestPlan2015(t *testing.T) {
	q := load(t, schema2015)
	plan := columns.Plan(q)
	names := map[string]bool{}
	perItem := map[string]int{}
	for _, c := range plan {
		if names[c.Name] {
			t.Errorf("column %s appears twice", c.Name)
		}
		names[c.Name] = true
		if c.Item != nil {
			perItem[c.Item.Number]++
		}
	}
	for _, it := range q.Items {
		if perItem[it.Number] == 0 {
			t.Errorf("item %s has no column", it.Number)
		}
		switch it.Type {
		case questionnaire.Multi:
			for _, o := range it.Choices() {
				if !names[it.ID+"__"+o.Code] {
					t.Errorf("multi item %s lacks flag column for option %s", it.Number, o.Code)
				}
			}
		case questionnaire.Matrix:
			for _, r := range it.Rows {
				for _, cell := range it.Cells {
					if !names[it.ID+"__"+r.Code+"__"+cell.ID] {
						t.Errorf("matrix %s lacks column for row %s cell %s", it.Number, r.Code, cell.ID)
					}
					if cell.Relevance != nil && !names[it.ID+"__"+r.Code+"__"+cell.ID+"__asked"] {
						t.Errorf("matrix %s row %s: cell %s has relevance but no asked column", it.Number, r.Code, cell.ID)
					}
				}
			}
		}
		if it.Relevance != nil && !names[it.ID+"__asked"] {
			t.Errorf("item %s has relevance but no asked column", it.Number)
		}
		for _, o := range it.Choices() {
			if !o.Other {
				continue
			}
			// Free text is a raw column only: validated, never published.
			name := it.ID + "__" + o.Code + "__text"
			if names[name] {
				t.Errorf("free-text column %s is in the public dataset", name)
			}
			found := false
			for _, c := range columns.ItemColumns(it) {
				found = found || (c.Name == name && !c.Public())
			}
			if !found {
				t.Errorf("item %s option %s takes free text but ItemColumns lacks %s", it.Number, o.Code, name)
			}
		}
	}
	// The shared 5-level scale becomes an ordered dictionary whose codes carry labels.
	main, ok := columns.MainColumn(q.Item("4.1"))
	if !ok {
		t.Fatal("4.1 has no main column")
	}
	dt, isDict := main.Type.(*arrow.DictionaryType)
	if !isDict || !dt.Ordered {
		t.Fatalf("4.1 type = %s, want an ordered dictionary", main.Type)
	}
	var codes []columns.Code
	i := main.Metadata.FindKey(columns.MetaCodes)
	if err := json.Unmarshal([]byte(main.Metadata.Values()[i]), &codes); err != nil {
		t.Fatal(err)
	}
	if len(codes) != len(q.Item("4.1").Choices())+len(q.Item("4.1").Coded) {
		t.Errorf("4.1 codes = %d entries", len(codes))
	}
}

// sampleRecord builds two rows for the schema: one all null (ids aside) and one
// with a value of every column's type.
func sampleRecord(t testing.TB, s *arrow.Schema) arrow.Record {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	b := array.NewRecordBuilder(mem, s)
	defer b.Release()
	for i, f := range s.Fields() {
		fb := b.Field(i)
		switch f.Name {
		case "respondent_id":
			fb.(*array.StringBuilder).AppendValues([]string{"r1", "r2"}, nil)
			continue
		case "provenance":
			db := fb.(*array.BinaryDictionaryBuilder)
			for range 2 {
				if err := db.AppendString("synthetic"); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		fb.AppendNull()
		switch fb := fb.(type) {
		case *array.BinaryDictionaryBuilder:
			var codes []columns.Code
			json.Unmarshal([]byte(f.Metadata.Values()[f.Metadata.FindKey(columns.MetaCodes)]), &codes)
			if err := fb.AppendString(codes[0].Code); err != nil {
				t.Fatal(err)
			}
		case *array.ListBuilder:
			fb.Append(true)
			fb.ValueBuilder().(*array.StringBuilder).Append("a")
		case *array.BooleanBuilder:
			fb.Append(true)
		case *array.Int32Builder:
			fb.Append(7)
		case *array.Date32Builder:
			fb.Append(arrow.Date32FromTime(mustDate(t, "2015-12-01")))
		case *array.StringBuilder:
			fb.Append("x")
		default:
			t.Fatalf("column %s: no sample for builder %T", f.Name, fb)
		}
	}
	return b.NewRecord()
}

// duckType is the DuckDB type each Arrow type of our mapping must arrive as.
func duckType(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.DictionaryType, *arrow.StringType:
		return "VARCHAR"
	case *arrow.ListType:
		return duckType(t.Elem()) + "[]"
	case *arrow.BooleanType:
		return "BOOLEAN"
	case *arrow.Int32Type:
		return "INTEGER"
	case *arrow.Date32Type:
		return "DATE"
	}
	return "unmapped " + t.String()
}

// TestResponsesParquetReadByOthers writes a responses file with the full 2015
// schema and reads it back with DuckDB and with parquet-go.
func TestResponsesParquetReadByOthers(t *testing.T) {
	s := columns.Schema(load(t, schema2015))
	rec := sampleRecord(t, s)
	defer rec.Release()
	data, err := columnar.EncodeParquet(rec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.parquet"), data, 0o644); err != nil {
		t.Fatal(err)
	}

	desc := duckdbtest.Query(t, dir, "DESCRIBE SELECT * FROM read_parquet('r.parquet')")
	gotNames, gotTypes := desc.Strings("column_name"), desc.Strings("column_type")
	if len(gotNames) != len(s.Fields()) {
		t.Fatalf("DuckDB sees %d columns, schema has %d", len(gotNames), len(s.Fields()))
	}
	for i, f := range s.Fields() {
		if gotNames[i] != f.Name || gotTypes[i] != duckType(f.Type) {
			t.Errorf("column %d: DuckDB sees %s %s, want %s %s", i, gotNames[i], gotTypes[i], f.Name, duckType(f.Type))
		}
	}
	vals := duckdbtest.Query(t, dir, `SELECT respondent_id, provenance, incident_authority, inquiry_sources, inquiry_sources__a,
		founding_members, construction_start, services__a__sourcing, services__a__sourcing__asked
		FROM read_parquet('r.parquet') ORDER BY respondent_id`)
	want := [][]any{
		{"r1", "synthetic", nil, nil, nil, nil, nil, nil, nil},
		{"r2", "synthetic", "a", []any{"a"}, true, json.Number("7"), "2015-12-01", "inhouse", true},
	}
	for i, row := range want {
		for j, w := range row {
			got := vals.Rows[i][j]
			if gl, ok := got.([]any); ok {
				if wl, ok := w.([]any); !ok || len(gl) != len(wl) || gl[0] != wl[0] {
					t.Errorf("row %d %s = %v, want %v", i, vals.Columns[j].Name, got, w)
				}
				continue
			}
			if got != w {
				t.Errorf("row %d %s = %#v, want %#v", i, vals.Columns[j].Name, got, w)
			}
		}
	}

	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("parquet-go cannot open the file: %v", err)
	}
	if f.NumRows() != 2 {
		t.Errorf("parquet-go counts %d rows, want 2", f.NumRows())
	}
	pf := f.Schema().Fields()
	if len(pf) != len(s.Fields()) {
		t.Fatalf("parquet-go sees %d columns, want %d", len(pf), len(s.Fields()))
	}
	for i, fld := range pf {
		if fld.Name() != s.Field(i).Name {
			t.Errorf("parquet-go column %d = %s, want %s", i, fld.Name(), s.Field(i).Name)
		}
	}
}

func mustDate(t testing.TB, s string) (d time.Time) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
