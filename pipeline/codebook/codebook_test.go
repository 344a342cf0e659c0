package codebook_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/codebook"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var (
	minimalPath = filepath.Join("..", "questionnaire", "testdata", "minimal.yaml")
	schema2015  = filepath.Join("..", "..", "schemas", "2015", "questionnaire.yaml")
)

func load(t testing.TB, path string) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestMarkdownGolden(t *testing.T) {
	got := codebook.Markdown(load(t, minimalPath), "testdata/minimal.yaml")
	golden := filepath.Join("testdata", "minimal.codebook.md")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("Markdown differs from %s (run go test -update after checking the change):\n%s", golden, got)
	}
}

func TestEntries2015(t *testing.T) {
	q := load(t, schema2015)
	entries := codebook.Build(q)
	items := 0
	byItemCode := map[string]codebook.Entry{}
	for _, e := range entries {
		if e.Kind == codebook.KindItem {
			items++
		}
		if e.Kind == codebook.KindOption && e.Cell == "" {
			byItemCode[e.Item+"/"+e.Code] = e
		}
		if e.Kind != codebook.KindItem && e.Kind != codebook.KindRow && e.Kind != codebook.KindBin &&
			e.Kind != codebook.KindOption && e.Kind != codebook.KindCoded && e.Column == "" {
			t.Errorf("%s entry of %s (%s) names no column", e.Kind, e.Item, e.Code)
		}
	}
	if items != len(q.Items) {
		t.Errorf("%d item entries, want %d", items, len(q.Items))
	}
	if e := byItemCode["2.4/e"]; !e.Exclusive {
		t.Errorf("2.4 (e) should be exclusive: %+v", e)
	}
	for code, level := range map[string]int{"a": 4, "b": 3, "c": 2, "d": 1, "e": 0} {
		e := byItemCode["4.1/"+code]
		if e.SIM3Level == nil || *e.SIM3Level != level || e.SIM3 != "P-1" {
			t.Errorf("4.1 (%s): SIM3 %s level %v, want P-1 level %d", code, e.SIM3, e.SIM3Level, level)
		}
	}
}

// TestParquetReadByDuckDB writes the 2015 codebook as the build does and
// checks, through DuckDB, every row against the entries we wrote.
func TestParquetReadByDuckDB(t *testing.T) {
	q := load(t, schema2015)
	entries := codebook.Build(q)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := codebook.Record(mem, entries)
	data, err := columnar.EncodeParquet(rec)
	rec.Release()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := columnar.PartitionPath(dir, "codebook", q.Survey.Year)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	res := duckdbtest.Query(t, dir, `SELECT year, item, question_id, type, kind, code, cell, label_ja, label_en,
		relevance, arrow_type, "column", exclusive, sim3_level
		FROM read_parquet('codebook/*/*.parquet', hive_partitioning = true) ORDER BY seq`)
	if res.Len() != len(entries) {
		t.Fatalf("DuckDB reads %d rows, we wrote %d", res.Len(), len(entries))
	}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	for i, e := range entries {
		row := res.Rows[i]
		want := []string{fmt.Sprint(q.Survey.Year), e.Item, e.QuestionID, e.Type, string(e.Kind), e.Code, e.Cell,
			e.LabelJA, e.LabelEN, e.Relevance, e.ArrowType, e.Column, fmt.Sprint(e.Exclusive), ""}
		if e.SIM3Level != nil {
			want[13] = fmt.Sprint(*e.SIM3Level)
		}
		for j, w := range want {
			if got := str(row[j]); got != w {
				t.Errorf("row %d (%s %s) %s = %q, want %q", i+1, e.Item, e.Code, res.Columns[j].Name, got, w)
			}
		}
	}
	// Nullable columns hold nulls, not empty strings, where there is nothing to say.
	nulls := duckdbtest.Query(t, dir, `SELECT count(*) AS n FROM read_parquet('codebook/*/*.parquet')
		WHERE kind = 'item' AND code IS NOT NULL`)
	if n := nulls.Int64s("n")[0]; n != 0 {
		t.Errorf("%d item rows have a code; want null", n)
	}
}
