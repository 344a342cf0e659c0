package reconcile

import (
	"errors"
	"path/filepath"
	"slices"
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
	// What each computed count rests on.
	for key, want := range map[string]string{"1.1/0": BasisPrinted, "1.1/1": BasisMismatch, "1.1/2": BasisInferred,
		"1.3/1": BasisContradicted, "1.4/2": BasisLost, "1.5/0": BasisInferred} {
		if got := byKey[key].Basis; got != want {
			t.Errorf("%s: basis %q, want %q", key, got, want)
		}
	}
	if n := byKey["1.1/2"].Note; !strings.Contains(n, "lost in the text extraction of the report (original p. 10)") {
		t.Errorf("1.1/2 note %q does not say the count was lost in the text extraction and where to read it", n)
	}
	chosen := slices.Clone(rows)
	MarkChosen(chosen)
	for i, r := range chosen {
		want := rows[i].Basis
		if want == BasisLost {
			want = BasisChosen
		}
		if r.Basis != want {
			t.Errorf("after MarkChosen %s row %d: basis %q, want %q", r.TableKey, r.RowNo, r.Basis, want)
		}
	}
	if b := Bases(chosen)[BasisKey("1.4", 2)]; b != BasisChosen {
		t.Errorf("Bases[1.4#2] = %q, want chosen", b)
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

// A wrong count in a table the audit finds fault with elsewhere is not
// excused: 1.2's row 1 (7 > N 6) is a warning of the audit, row 2 and the N
// are not named by it.
func TestMismatchBesideUnrelatedFinding(t *testing.T) {
	set := fixture(t)
	findings := set.Audit()
	var named []published.Cell
	for _, f := range findings {
		if f.Severity == published.SevWarning && slices.Contains(f.Tables, "1.2") {
			named = append(named, f.Cells...)
		}
	}
	if !slices.Contains(named, published.Cell{Table: "1.2", Row: 1}) || slices.Contains(named, published.Cell{Table: "1.2", Row: 2}) {
		t.Fatalf("fixture: the audit's warnings on 1.2 name %v; want row 1 and not row 2", named)
	}
	for _, tc := range []struct {
		name   string
		row    int    // the row made wrong (0: N)
		status string // of that cell
	}{
		{"named cell", 1, Inconsistent},
		{"other row of the same table", 2, Mismatch},
		{"N of the same table", 0, Mismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			computed := computedFrom(set)
			for i := range computed {
				if computed[i].TableKey != "1.2" {
					continue
				}
				if tc.row == 0 {
					computed[i].N++
				} else if computed[i].RowNo == tc.row {
					computed[i].Count++
				}
			}
			rows := Compare(set, computed, findings)
			var got Row
			for _, r := range rows {
				if r.TableKey == "1.2" && r.RowNo == tc.row {
					got = r
				}
			}
			if got.Status != tc.status {
				t.Errorf("1.2 row %d: %s (%s), want %s", tc.row, got.Status, got.Note, tc.status)
			}
			err := Check(rows)
			if tc.status == Mismatch && !errors.Is(err, ErrUnexplained) {
				t.Errorf("Check = %v, want the unexplained mismatch to fail", err)
			}
			if tc.status == Inconsistent && err != nil {
				t.Errorf("Check = %v, want nil (the audit names the cell)", err)
			}
		})
	}
}

// Under advisory routing the N of a follow-up's table says how many answers
// came from respondents the routing skipped, and what base the report used.
func TestNoteSkipped(t *testing.T) {
	set := fixture(t)
	for _, tc := range []struct {
		name     string
		computed int64 // N computed for 1.2 (printed 6)
		want     string
	}{
		{"report counts them", 6, "computed 6 = 4 asked by the routing + 2 answers from respondents the routing of 1.2 skipped are kept and counted (advisory routing: a paper form; processed/validation, code answered_when_skipped); the report's base is the same 6: it counts them too"},
		{"report counts only those asked", 8, "computed 8 = 6 asked by the routing + 2 answers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			computed := computedFrom(set)
			for i := range computed {
				if computed[i].TableKey == "1.2" {
					computed[i].N = tc.computed
				}
			}
			rows := Compare(set, computed, set.Audit())
			NoteSkipped(rows, set, map[string]int{"1.2": 2})
			for _, r := range rows {
				switch {
				case r.TableKey == "1.2" && r.RowNo == 0:
					if !strings.Contains(r.Note, tc.want) {
						t.Errorf("N(1.2) note %q, want %q", r.Note, tc.want)
					}
					if tc.computed == 8 && !strings.Contains(r.Note, "the report's base, 6, is only those asked") {
						t.Errorf("N(1.2) note %q does not say the report's base is those asked", r.Note)
					}
				case r.RowNo == 0 && strings.Contains(r.Note, "routing"):
					t.Errorf("%s: note %q, but only 1.2 has answers the routing skipped", r.TableKey, r.Note)
				}
			}
		})
	}
}
