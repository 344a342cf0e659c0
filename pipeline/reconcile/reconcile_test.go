package reconcile

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func fixture(t *testing.T) *published.Set {
	t.Helper()
	q, err := questionnaire.Load(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := published.LoadSpecs(filepath.Join("..", "published", "testdata", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := published.LoadTranscription(filepath.Join("..", "published", "testdata", "published"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := published.Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// computedFrom makes computed rows equal to the printed (or inferred) numbers,
// which the test then perturbs.
func computedFrom(set *published.Set) []aggregate.Row {
	var out []aggregate.Row
	for _, e := range set.Entries {
		n := e.N.Value
		if e.N.Lost && e.InferredN != nil {
			n = *e.InferredN
		}
		c := e.Count.Value
		if e.Count.Lost && e.Inferred != nil {
			c = *e.Inferred
		}
		out = append(out, aggregate.Row{TableKey: e.TableKey, RowNo: e.RowNo, Code: e.Code, Count: c, N: n})
	}
	return out
}

func TestCompare(t *testing.T) {
	set := fixture(t)
	computed := computedFrom(set)
	for i := range computed {
		switch {
		case computed[i].TableKey == "1.1" && computed[i].RowNo == 1:
			computed[i].Count = 5 // printed 6: unexplained
		case computed[i].TableKey == "1.3" && computed[i].RowNo == 1:
			computed[i].Count = 5 // printed 4, but the audit finds 1.3 inconsistent
		case computed[i].TableKey == "1.4" && computed[i].RowNo == 2:
			computed[i].Count = 3 // lost; inferred (uncertain) 4
		}
	}
	rows := Compare(set, computed, set.Audit())
	byKey := map[string]Row{}
	for _, r := range rows {
		byKey[r.TableKey+"/"+string(rune('0'+r.RowNo))] = r
	}
	tests := []struct {
		key, status, note string
	}{
		{"1.1/0", Match, ""},
		{"1.1/1", Mismatch, "printed 6, computed 5"},
		{"1.1/2", Lost, "computed 2, which equals the inferred 2"},
		{"1.3/1", Inconsistent, "single_sum_mismatch"},
		{"1.4/2", Lost, "computed 3, which differs from the inferred 4"},
		{"1.5/0", Lost, "computed 8, which equals the inferred 8"},
		{"1.6.a/2", Match, ""},
	}
	for _, tc := range tests {
		r, ok := byKey[tc.key]
		if !ok {
			t.Errorf("no row %s", tc.key)
			continue
		}
		if r.Status != tc.status || !strings.Contains(r.Note, tc.note) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.key, r.Status, r.Note, tc.status, tc.note)
		}
	}
	err := Check(rows)
	if !errors.Is(err, ErrUnexplained) || !strings.Contains(err.Error(), "table 1.1 row 1 (a)") || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("Check = %v, want exactly the 1.1 row 1 mismatch", err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := Record(mem, rows)
	defer rec.Release()
	if int(rec.NumRows()) != len(rows) {
		t.Errorf("record has %d rows, want %d", rec.NumRows(), len(rows))
	}
}

func TestCheckPassesWhenAllExplained(t *testing.T) {
	set := fixture(t)
	if err := Check(Compare(set, computedFrom(set), set.Audit())); err != nil {
		t.Errorf("Check = %v", err)
	}
	// A table the pipeline did not compute is a mismatch, not a silent gap.
	rows := Compare(set, computedFrom(set)[1:], set.Audit())
	if err := Check(rows); err == nil || !strings.Contains(err.Error(), "not computed") {
		t.Errorf("missing computed row: Check = %v", err)
	}
}
