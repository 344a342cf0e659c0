package claims

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
)

func TestRecordColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rs := Evaluate(load2015(t), printed2015)
	rec := Record(mem, rs)
	defer rec.Release()
	if !rec.Schema().Equal(Schema) {
		t.Fatalf("schema = %v, want %v", rec.Schema(), Schema)
	}
	want := []string{"claim_id", "page", "text_ja", "text_en", "tables", "statistic", "relation", "claimed", "computed", "status", "note", "source", "claim_note", "citation", "citation_note", "quantifier"}
	for i, name := range want {
		if got := rec.ColumnName(i); got != name {
			t.Errorf("column %d = %q, want %q", i, got, name)
		}
	}
	if rec.NumRows() != int64(len(rs)) {
		t.Fatalf("%d rows for %d results", rec.NumRows(), len(rs))
	}
	computed := rec.Column(8).(*array.Float64)
	tables := rec.Column(4).(*array.List)
	keys := tables.ListValues().(*array.String)
	for i, r := range rs {
		if (r.Computed == nil) != computed.IsNull(i) || (r.Computed != nil && *r.Computed != computed.Value(i)) {
			t.Errorf("row %d (%s): computed differs from the result", i, r.Claim.ID)
		}
		start, end := tables.ValueOffsets(i)
		var got []string
		for j := start; j < end; j++ {
			got = append(got, keys.Value(int(j)))
		}
		if !reflect.DeepEqual(got, r.Claim.Tables()) {
			t.Errorf("row %d (%s): tables = %v, want %v", i, r.Claim.ID, got, r.Claim.Tables())
		}
	}
	citations := rec.Column(13).(*array.String)
	for i, r := range rs {
		if (r.Citation == "") != citations.IsNull(i) || (r.Citation != "" && citations.Value(i) != string(r.Citation)) {
			t.Errorf("row %d (%s): citation %q differs from the result %q", i, r.Claim.ID, citations.Value(i), r.Citation)
		}
		if got := rec.Column(14).(*array.String).Value(i); got != r.CitationNote {
			t.Errorf("row %d (%s): citation_note %q, want %q", i, r.Claim.ID, got, r.CitationNote)
		}
		if q := rec.Column(15).(*array.String); q.IsNull(i) != (r.Claim.Quantifier == "") || q.Value(i) != r.Claim.Quantifier {
			t.Errorf("row %d (%s): quantifier %q, want %q", i, r.Claim.ID, q.Value(i), r.Claim.Quantifier)
		}
	}
	if rec.Column(8).NullN() == 0 || rec.Column(8).NullN() == int(rec.NumRows()) {
		t.Errorf("computed should hold both values and nulls, has %d nulls", rec.Column(8).NullN())
	}
	empty := Record(mem, nil)
	if empty.NumRows() != 0 || empty.NumCols() != int64(len(want)) {
		t.Errorf("empty record: %d rows, %d columns", empty.NumRows(), empty.NumCols())
	}
	empty.Release()
}

// TestParquetReadByDuckDB writes the evaluated 2015 claims as the claims
// dataset and checks every value through DuckDB.
func TestParquetReadByDuckDB(t *testing.T) {
	rs := Evaluate(load2015(t), printed2015)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := Record(mem, rs)
	data, err := columnar.EncodeParquet(rec)
	rec.Release()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := columnar.PartitionPath(dir, "claims", 2015)
	if rel, _ := filepath.Rel(dir, path); rel != filepath.Join("claims", "year=2015", "part-0.parquet") {
		t.Fatalf("partition path %s", rel)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	res := duckdbtest.Query(t, dir, `SELECT year, claim_id, page, text_ja, text_en, tables, statistic, relation,
		claimed, computed, status, note, claim_note
		FROM read_parquet('claims/*/*.parquet', hive_partitioning = true)`)
	if res.Len() != len(rs) {
		t.Fatalf("DuckDB reads %d rows, we wrote %d", res.Len(), len(rs))
	}
	wantTypes := map[string]string{"claim_id": "VARCHAR", "page": "INTEGER", "tables": "VARCHAR[]", "computed": "DOUBLE", "status": "VARCHAR"}
	for col, typ := range wantTypes {
		if got := res.Type(col); got != typ {
			t.Errorf("column %s has type %s, want %s", col, got, typ)
		}
	}
	years := res.Int64s("year")
	pages := res.Int64s("page")
	ids := res.Strings("claim_id")
	texts := map[string][]string{}
	for _, col := range []string{"text_ja", "text_en", "statistic", "relation", "claimed", "status", "note", "claim_note"} {
		texts[col] = res.Strings(col)
	}
	tables := res.Column("tables")
	computed := res.Column("computed")
	seen := map[string]bool{}
	for i, r := range rs {
		c := r.Claim
		// Rows come back in the order written; match on the id all the same.
		if ids[i] != c.ID {
			t.Fatalf("row %d is %s, want %s", i, ids[i], c.ID)
		}
		seen[c.ID] = true
		if years[i] != 2015 || pages[i] != int64(c.Page) {
			t.Errorf("%s: year %d page %d, want 2015 and %d", c.ID, years[i], pages[i], c.Page)
		}
		want := map[string]string{
			"text_ja": c.TextJA, "text_en": c.TextEN, "statistic": StatisticText(c), "relation": string(c.Relation),
			"claimed": c.Claimed(), "status": string(r.Status), "note": r.Note, "claim_note": c.Note,
		}
		for col, w := range want {
			if got := texts[col][i]; got != w {
				t.Errorf("%s: %s = %q, want %q", c.ID, col, got, w)
			}
		}
		var keys []string
		list, ok := tables[i].([]any)
		if !ok {
			t.Fatalf("%s: tables is %T, want a list", c.ID, tables[i])
		}
		for _, k := range list {
			keys = append(keys, k.(string))
		}
		if !reflect.DeepEqual(keys, c.Tables()) {
			t.Errorf("%s: tables = %v, want %v", c.ID, keys, c.Tables())
		}
		switch v := computed[i].(type) {
		case nil:
			if r.Computed != nil {
				t.Errorf("%s: computed is NULL, want %v", c.ID, *r.Computed)
			}
		case json.Number:
			got, err := strconv.ParseFloat(v.String(), 64)
			if err != nil || r.Computed == nil || got != *r.Computed {
				t.Errorf("%s: computed = %v, want %v", c.ID, v, r.Computed)
			}
		default:
			t.Errorf("%s: computed is %T %v", c.ID, v, v)
		}
	}
	if len(seen) != len(rs) {
		t.Errorf("%d distinct claims read back, want %d", len(seen), len(rs))
	}
	// Every status of the dataset survives the round trip.
	counts := duckdbtest.Query(t, dir, `SELECT status, count(*) AS n FROM read_parquet('claims/*/*.parquet')
		GROUP BY status ORDER BY status`)
	want := map[string]int64{}
	for _, r := range rs {
		want[string(r.Status)]++
	}
	got := map[string]int64{}
	for i, s := range counts.Strings("status") {
		got[s] = counts.Int64s("n")[i]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses read back %v, want %v", got, want)
	}
}
