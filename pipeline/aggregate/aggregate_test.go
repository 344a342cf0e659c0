package aggregate_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

type fixture struct {
	q     *questionnaire.Questionnaire
	specs []*published.Spec
	recs  []arrow.Record
}

// load ingests testdata/responses.csv (five hand-made respondents of the
// minimal questionnaire) in batches of two, so counting spans batches.
func load(t *testing.T, mem memory.Allocator) fixture {
	t.Helper()
	q, err := questionnaire.Load(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := published.LoadSpecs(filepath.Join("..", "published", "testdata", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{q: q, specs: specs}
	rep, err := ingest.Read(context.Background(), q, filepath.Join("testdata", "responses.csv"), ingest.Options{Year: 2015, BatchSize: 2, Mem: mem},
		func(rec arrow.Record) error {
			rec.Retain()
			f.recs = append(f.recs, rec)
			return nil
		})
	if err != nil || rep.Err() != nil {
		t.Fatalf("ingest: %v %v %v", err, rep.Err(), rep.Issues)
	}
	if len(f.recs) != 3 {
		t.Fatalf("%d batches, want 3", len(f.recs))
	}
	t.Cleanup(func() {
		for _, r := range f.recs {
			r.Release()
		}
	})
	return f
}

func TestFrequencies(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) }) // runs after load's cleanup releases the batches
	f := load(t, mem)
	c, err := aggregate.NewCounter(f.q, f.specs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.recs {
		if err := c.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	// Counted by hand from testdata/responses.csv.
	want := map[string]struct {
		counts []int64
		n      int64
	}{
		"1.1":     {[]int64{2, 1, 1, 1}, 5}, // a, b, mixed, 未回答 (r5)
		"1.2":     {[]int64{1, 0}, 2},       // asked of 1.1 = a (r1, r2); r2 gave no answer
		"1.3":     {[]int64{2, 2, 1}, 5},    // <5 (3, 4), >=5 (7, 10), 未回答 (r4)
		"1.5":     {[]int64{2, 2}, 5},       // no 未回答 row: r4 is in N but in no row
		"1.6/all": {[]int64{3, 1}, 5},       // provided a (r1, r2, r4), provided w (r1)
		"1.6.a":   {[]int64{2, 1}, 3},       // asked of providers of a: inhouse r1, r4; 未回答 r2
		"1.6.w":   {[]int64{1}, 1},
		"1.4":     {[]int64{2, 2, 1}, 5}, // <=2013-12 (r1, r5), >=2014-01 (r2, r4), 未回答 (r3)
	}
	got := map[string][]aggregate.Row{}
	for _, r := range c.Rows() {
		got[r.TableKey] = append(got[r.TableKey], r)
	}
	for key, w := range want {
		rows := got[key]
		if len(rows) != len(w.counts) {
			t.Errorf("table %s: %d rows, want %d", key, len(rows), len(w.counts))
			continue
		}
		for i, r := range rows {
			if r.Count != w.counts[i] || r.N != w.n || r.RowNo != i+1 {
				t.Errorf("table %s row %d (%s) = %d of %d, want %d of %d", key, r.RowNo, r.Code, r.Count, r.N, w.counts[i], w.n)
			}
		}
	}
	if got["1.6/all"][0].Multi != true || got["1.1"][0].Multi != false {
		t.Error("multi flag: a matrix group table counts respondents in several rows, 1.1 is single")
	}
	if c.Respondents() != 5 {
		t.Errorf("respondents = %d", c.Respondents())
	}
}

func TestCrosstab(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) }) // runs after load's cleanup releases the batches
	f := load(t, mem)
	var a, b *published.Spec
	for _, s := range f.specs {
		switch s.Key {
		case "1.1":
			a = s
		case "1.4":
			b = s
		}
	}
	x, err := aggregate.NewCrosstab(f.q, a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.recs {
		if err := x.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := x.Record(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumRows() != 12 { // 4 rows of 1.1 x 3 rows of 1.4, zero cells kept
		t.Fatalf("%d cells, want 12", rec.NumRows())
	}
	df := x.Frame()
	// 1.1 = a: r1 (2013-05, early) and r2 (2014-02, late).
	for i := 0; i < df.Nrow(); i++ {
		ra, _ := df.Col("row_a").Elem(i).Int()
		rb, _ := df.Col("row_b").Elem(i).Int()
		c, _ := df.Col("count").Elem(i).Int()
		if i > 0 {
			pa, _ := df.Col("row_a").Elem(i - 1).Int()
			pb, _ := df.Col("row_b").Elem(i - 1).Int()
			if pa > ra || (pa == ra && pb >= rb) {
				t.Fatalf("frame not sorted at %d", i)
			}
		}
		if ra == 1 && (rb == 1 || rb == 2) {
			if c != 1 || df.Col("share_of_a").Elem(i).Float() != 0.5 {
				t.Errorf("a x row %d = %d (%v), want 1 (0.5)", rb, c, df.Col("share_of_a").Elem(i).Float())
			}
		}
	}
}

// TestCrosstabWithoutShare: a row of table a with no respondent in the
// crosstab has no share: NA in the frame, null in the record, never a number
// standing for "none". The fixture's pairs of tables are searched for such
// a row.
func TestCrosstabWithoutShare(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	f := load(t, mem)
	empty, shares := 0, 0
	for _, a := range f.specs {
		for _, b := range f.specs {
			x, err := aggregate.NewCrosstab(f.q, a, b)
			if err != nil {
				continue // a spec the crosstab cannot count (a derived table)
			}
			for _, r := range f.recs {
				if err := x.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := x.Record(mem)
			if err != nil {
				t.Fatal(err)
			}
			df := x.Frame()
			totals := map[int]int{}
			for i := 0; i < df.Nrow(); i++ {
				ra, _ := df.Col("row_a").Elem(i).Int()
				c, _ := df.Col("count").Elem(i).Int()
				totals[ra] += c
			}
			for i := 0; i < df.Nrow(); i++ {
				ra, _ := df.Col("row_a").Elem(i).Int()
				na := df.Col("share_of_a").Elem(i).IsNA()
				if na != (totals[ra] == 0) || rec.Column(9).IsNull(i) != na {
					t.Errorf("%s x %s cell %d (row_a %d, total %d): NA %v, null %v", a.Key, b.Key, i, ra, totals[ra], na, rec.Column(9).IsNull(i))
				}
				if na {
					empty++
				} else {
					shares++
				}
			}
			rec.Release()
		}
	}
	if empty == 0 || shares == 0 {
		t.Fatalf("%d cells without a share and %d with one: the fixture does not exercise both", empty, shares)
	}
}

func TestMaturity(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) }) // runs after load's cleanup releases the batches
	f := load(t, mem)
	m := aggregate.NewMaturity(mem, f.q)
	defer m.Release()
	for _, r := range f.recs {
		m.Add(r)
	}
	rec := m.Record()
	defer rec.Release()
	if rec.NumRows() != 5 { // one scale item (1.5) x five respondents
		t.Fatalf("%d rows, want 5", rec.NumRows())
	}
	levels := rec.Column(5)
	want := []string{"4", "0", "4", "(null)", "0"} // a = level 4, b = 0, r4 no answer
	for i, w := range want {
		if got := levels.ValueStr(i); got != w {
			t.Errorf("respondent %d level %s, want %s", i+1, got, w)
		}
	}
}

// Batches read back from Parquet carry codes as plain strings, which the
// row-by-row classifiers count; batches from ingest carry dictionaries, which
// the column-wise counting takes. Both give the same tables.
func TestCountingPathsAgree(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	f := load(t, mem)
	path := filepath.Join(t.TempDir(), "responses.parquet")
	data, err := columnar.EncodeParquetRecords(f.recs[0].Schema(), f.recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	count := func(add func(c *aggregate.Counter) error) []aggregate.Row {
		c, err := aggregate.NewCounter(f.q, f.specs)
		if err != nil {
			t.Fatal(err)
		}
		if err := add(c); err != nil {
			t.Fatal(err)
		}
		return c.Rows()
	}
	dict := count(func(c *aggregate.Counter) error {
		for _, r := range f.recs {
			if err := c.Add(r); err != nil {
				return err
			}
		}
		return nil
	})
	plain := count(func(c *aggregate.Counter) error {
		return columnar.ReadParquet(path, 2, func(r arrow.Record) error {
			for _, col := range r.Columns() {
				if _, ok := col.(*array.Dictionary); ok {
					t.Fatalf("read back a dictionary column; the test needs plain strings")
				}
			}
			return c.Add(r)
		})
	})
	if !reflect.DeepEqual(dict, plain) {
		t.Errorf("tables differ:\ndictionaries %+v\nplain strings %+v", dict, plain)
	}
}
