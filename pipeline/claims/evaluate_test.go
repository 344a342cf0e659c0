package claims

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// fakeCount is one row of a fake table.
type fakeCount struct {
	v              int64
	lost, inferred bool
}

func printed(v int64) fakeCount  { return fakeCount{v: v} }
func inferred(v int64) fakeCount { return fakeCount{v: v, lost: true, inferred: true} }

var lost = fakeCount{lost: true}

// fakeTable is a table with N and rows numbered from 1.
type fakeTable struct {
	n     int64
	nLost bool
	multi bool // multi-answer: its rows need not add up to N
	rows  []fakeCount
}

// fakeTables implements Tables over a map of tables.
type fakeTables map[string]fakeTable

func (f fakeTables) Count(key string, row int) (int64, bool, bool, bool) {
	t, ok := f[key]
	if !ok || row < 1 || row > len(t.rows) {
		return 0, false, false, false
	}
	c := t.rows[row-1]
	switch {
	case !c.lost:
		return c.v, true, false, true
	case c.inferred:
		return c.v, false, true, true
	}
	return 0, false, false, true
}

func (f fakeTables) N(key string) (int64, bool, bool) {
	t, ok := f[key]
	if !ok {
		return 0, false, false
	}
	return t.n, !t.nLost, true
}

// Shape implements Shapes.
func (f fakeTables) Shape(key string) (int, bool, bool) {
	t, ok := f[key]
	return len(t.rows), !t.multi, ok
}

// rowsOf makes printed rows from counts, -1 meaning lost.
func rowsOf(counts ...int64) []fakeCount {
	out := make([]fakeCount, len(counts))
	for i, v := range counts {
		out[i] = printed(v)
		if v < 0 {
			out[i] = lost
		}
	}
	return out
}

var fake = fakeTables{
	"2.8":    {n: 66, rows: rowsOf(8, 56, 2)},
	"s66":    {n: 66, rows: rowsOf(55, 56, 63, 64, 33, 34, 32, 1, 30, 0, 53)},
	"s46":    {n: 46, rows: rowsOf(22, 20, 23, 21, 26, 27)},
	"s20":    {n: 20, rows: rowsOf(9, 11)},
	"c":      {n: 30, rows: rowsOf(10, 7, 6, 7, 5, 54, 5)},
	"lost":   {n: 66, rows: []fakeCount{printed(10), lost, inferred(20), inferred(50)}},
	"nlost":  {n: 0, nLost: true, rows: rowsOf(5)},
	"zero":   {n: 3, rows: rowsOf(1, 3)},
	"2.7/o":  {n: 15, rows: rowsOf(10, 7)},
	"1.1":    {n: 66, rows: rowsOf(23)},
	"3.2":    {n: 66, rows: rowsOf(20, 14, 1, 1, 1, 29)},
	"3.2inf": {n: 66, rows: []fakeCount{lost, printed(14), inferred(29)}},
	"S1":     {n: 66, rows: []fakeCount{inferred(22), lost, printed(17), printed(12)}},
	"S1m":    {n: 66, multi: true, rows: []fakeCount{inferred(22), lost, printed(17), printed(12)}},
	"S1nl":   {n: 0, nLost: true, rows: []fakeCount{inferred(22), lost, printed(17), printed(12)}},
	"S2":     {n: 66, rows: []fakeCount{lost, lost, inferred(17), printed(12)}},
}

// claim builds a claim for the evaluation tests.
func claim(s Statistic, rel Relation, value, tol float64) Claim {
	c := Claim{ID: "t", Page: 1, Statistic: &s, Relation: rel, Value: value, Tolerance: tol}
	if s.Kind == Share {
		c.Precision = DefaultPrecision
	}
	return c
}

func shareOf(table string, rows ...int) Statistic {
	return Statistic{Kind: Share, Table: table, Rows: rows}
}

func countOf(table string, rows ...int) Statistic {
	return Statistic{Kind: Count, Table: table, Rows: rows}
}

func compareOf(table string, a, b []int, each bool) Statistic {
	return Statistic{Kind: Compare, Table: table, Rows: a, Versus: b, Each: each}
}

func TestEvaluate(t *testing.T) {
	withPrecision := func(c Claim, p float64) Claim { c.Precision = p; return c }
	tests := []struct {
		name     string
		claim    Claim
		status   Status
		computed float64 // NaN: null
		note     string  // substring of the note ("" = do not check)
	}{
		// approx on a share: compared at the printed precision, bounds inclusive.
		{"approx lower bound, 56/66 printed as 85%", claim(shareOf("2.8", 2), Approx, 0.9, 0.05), StatusHolds, 56.0 / 66,
			"2.8: #2 = 56; N = 66; 56/66 = 0.848, 0.85 at precision 0.01, within 0.85-0.95 (0.90 +/- 0.05)"},
		{"approx below lower bound", claim(shareOf("s66", 1), Approx, 0.9, 0.05), StatusFails, 55.0 / 66, "0.83 at precision 0.01, outside 0.85-0.95"},
		{"approx upper bound", claim(shareOf("s66", 3), Approx, 0.9, 0.05), StatusHolds, 63.0 / 66, "0.95 at precision 0.01, within"},
		{"approx above upper bound", claim(shareOf("s66", 4), Approx, 0.9, 0.05), StatusFails, 64.0 / 66, "0.97 at precision 0.01, outside"},
		{"approx sum of rows", claim(shareOf("2.8", 1, 2, 3), Approx, 1, 0.05), StatusHolds, 1, "#1+#2+#3 = 8+56+2 = 66; N = 66; 66/66 = 1.000"},
		// eq on a share: equal at the printed precision.
		{"eq percent", claim(shareOf("2.8", 1), Eq, 0.12, 0), StatusHolds, 8.0 / 66, "8/66 = 0.121, 0.12 at precision 0.01, = 0.12"},
		{"eq percent fails", claim(shareOf("2.8", 1), Eq, 0.13, 0), StatusFails, 8.0 / 66, "is not = 0.13"},
		{"eq at 0.001", withPrecision(claim(shareOf("s66", 8), Eq, 0.015, 0), 0.001), StatusHolds, 1.0 / 66, "0.015 at precision 0.001, = 0.015"},
		{"eq at 0.001 fails", withPrecision(claim(shareOf("s66", 8), Eq, 0.016, 0), 0.001), StatusFails, 1.0 / 66, "is not = 0.016"},
		// thresholds on a share are exact.
		{"gt at the threshold fails", claim(shareOf("s66", 5), Gt, 0.5, 0), StatusFails, 0.5, "33/66 = 0.500 is not > 0.50"},
		{"gt above", claim(shareOf("s66", 6), Gt, 0.5, 0), StatusHolds, 34.0 / 66, "34/66 = 0.515 > 0.50"},
		{"gte at the threshold", claim(shareOf("s66", 5), Gte, 0.5, 0), StatusHolds, 0.5, "33/66 = 0.500 >= 0.50"},
		{"gte below", claim(shareOf("s66", 7), Gte, 0.5, 0), StatusFails, 32.0 / 66, "is not >= 0.50"},
		{"lt at the threshold fails", claim(shareOf("s66", 5), Lt, 0.5, 0), StatusFails, 0.5, "is not < 0.50"},
		{"lt below", claim(shareOf("s66", 7), Lt, 0.5, 0), StatusHolds, 32.0 / 66, "32/66 = 0.485 < 0.50"},
		{"lte at the threshold", claim(shareOf("s66", 5), Lte, 0.5, 0), StatusHolds, 0.5, "<= 0.50"},
		{"lte above", claim(shareOf("s66", 6), Lte, 0.5, 0), StatusFails, 34.0 / 66, "is not <= 0.50"},
		{"gt is not rounded: 53/66 > 0.80", claim(shareOf("s66", 11), Gt, 0.8, 0), StatusHolds, 53.0 / 66, "53/66 = 0.803 > 0.80"},
		{"approx rounds 30/66 to 0.45", claim(shareOf("s66", 9), Approx, 0.5, 0.05), StatusHolds, 30.0 / 66, "30/66 = 0.455, 0.45 at precision 0.01, within 0.45-0.55"},
		// a threshold with a tolerance (半数弱: below 0.5 but not below 0.45).
		{"lt with tolerance holds", claim(shareOf("s46", 1), Lt, 0.5, 0.05), StatusHolds, 22.0 / 46, "22/46 = 0.478 < 0.50 and 0.48 at precision 0.01 >= 0.45"},
		{"lt with tolerance at the far bound", claim(shareOf("s20", 1), Lt, 0.5, 0.05), StatusHolds, 0.45, "0.45 at precision 0.01 >= 0.45"},
		{"lt with tolerance too far", claim(shareOf("s46", 2), Lt, 0.5, 0.05), StatusFails, 20.0 / 46, "but 0.43 at precision 0.01 is not >= 0.45"},
		{"lt with tolerance at the threshold", claim(shareOf("s46", 3), Lt, 0.5, 0.05), StatusFails, 0.5, "is not < 0.50"},
		{"gt with tolerance holds", claim(shareOf("s20", 2), Gt, 0.5, 0.05), StatusHolds, 0.55, "11/20 = 0.550 > 0.50 and 0.55 at precision 0.01 <= 0.55"},
		{"gt with tolerance too far", claim(shareOf("s46", 5), Gt, 0.5, 0.05), StatusFails, 26.0 / 46, "0.57 at precision 0.01 is not <= 0.55"},
		// counts.
		{"count eq", claim(countOf("2.8", 1), Eq, 8, 0), StatusHolds, 8, "2.8: #1 = 8; 8 = 8"},
		{"count eq fails", claim(countOf("2.8", 1), Eq, 9, 0), StatusFails, 8, "8 is not = 9"},
		{"count eq zero", claim(countOf("s66", 10), Eq, 0, 0), StatusHolds, 0, "#10 = 0; 0 = 0"},
		{"count sum gte", claim(countOf("2.8", 1, 3), Gte, 10, 0), StatusHolds, 10, "#1+#3 = 8+2 = 10; 10 >= 10"},
		{"count gt at the bound", claim(countOf("2.8", 1, 3), Gt, 10, 0), StatusFails, 10, "10 is not > 10"},
		{"count lt", claim(countOf("2.8", 3), Lt, 3, 0), StatusHolds, 2, "2 < 3"},
		{"count lte fails", claim(countOf("2.8", 2), Lte, 55, 0), StatusFails, 56, "56 is not <= 55"},
		{"count approx bound", claim(countOf("2.8", 2), Approx, 58, 2), StatusHolds, 56, "56 within 56-60"},
		{"count approx outside", claim(countOf("2.8", 2), Approx, 59, 2), StatusFails, 56, "56 outside 57-61"},
		{"count of N", claim(Statistic{Kind: Count, Table: "2.7/o", UseN: true}, Eq, 15, 0), StatusHolds, 15, "2.7/o: N = 15; 15 = 15"},
		// comparisons: sums, or min(A) against max(B) with each.
		{"compare sums", claim(compareOf("c", []int{6}, []int{1, 2}, false), Gt, 0, 0), StatusHolds, 37, "c: #6 = 54; #1+#2 = 10+7 = 17; 54 - 17 = 37: 37 > 0"},
		{"compare each with one row a side", claim(compareOf("c", []int{6}, []int{1}, true), Gt, 0, 0), StatusHolds, 44, "c: #6 = 54; #1 = 10; 54 - 10 = 44: 44 > 0"},
		{"approx bounds stay within 0-1", claim(shareOf("2.8", 1, 2, 3), Approx, 1, 0.05), StatusHolds, 1, "within 0.95-1.00 (1.00 +/- 0.05)"},
		{"compare equal sums fail gt", claim(compareOf("c", []int{2}, []int{4}, false), Gt, 0, 0), StatusFails, 0, "0 is not > 0"},
		{"compare equal sums hold gte", claim(compareOf("c", []int{2}, []int{4}, false), Gte, 0, 0), StatusHolds, 0, "0 >= 0"},
		{"compare each", claim(compareOf("c", []int{1, 2}, []int{3, 5}, true), Gt, 0, 0), StatusHolds, 1, "c: min(#1, #2) = min(10, 7) = 7; max(#3, #5) = max(6, 5) = 6; 7 - 6 = 1: 1 > 0"},
		{"compare each tie fails", claim(compareOf("c", []int{1, 2}, []int{3, 4}, true), Gt, 0, 0), StatusFails, 0, "0 is not > 0"},
		{"compare lt", claim(compareOf("c", []int{5}, []int{6}, false), Lt, 0, 0), StatusHolds, -49, "-49 < 0"},
		{"compare lt fails", claim(compareOf("c", []int{6}, []int{5}, false), Lt, 0, 0), StatusFails, 49, "49 is not < 0"},
		{"compare lte tie", claim(compareOf("c", []int{2}, []int{4}, false), Lte, 0, 0), StatusHolds, 0, "0 <= 0"},
		{"compare eq", claim(compareOf("c", []int{2}, []int{4}, false), Eq, 0, 0), StatusHolds, 0, "0 = 0"},
		// bases and exclusions.
		{"use_n over another table's N", claim(Statistic{Kind: Share, Table: "2.7/o", UseN: true, Base: "1.1"}, Approx, 0.2, 0.05), StatusHolds, 15.0 / 66,
			"2.7/o: N = 15; N(1.1) = 66; 15/66 = 0.227, 0.23 at precision 0.01, within 0.15-0.25"},
		{"exclude a row", claim(Statistic{Kind: Share, Table: "3.2", Rows: []int{1, 2}, Exclude: []int{6}}, Gte, 0.5, 0), StatusHolds, 34.0 / 37,
			"3.2: #1+#2 = 20+14 = 34; N - #6 = 66 - 29 = 37; 34/37 = 0.919 >= 0.50"},
		{"exclude from another table", claim(Statistic{Kind: Share, Table: "2.8", Rows: []int{1}, Base: "3.2", Exclude: []int{6}}, Lt, 0.5, 0), StatusHolds, 8.0 / 37,
			"N(3.2) - 3.2 #6 = 66 - 29 = 37"},
		// inferred counts.
		{"holds with an inferred count", claim(shareOf("lost", 1, 3), Approx, 0.45, 0.05), StatusHoldsInferred, 30.0 / 66, "#1+#3 = 10+20* = 30; N = 66; 30/66 = 0.455"},
		{"fails with an inferred count", claim(countOf("lost", 4), Eq, 49, 0), StatusFailsInferred, 50, "#4 = 50*; 50 is not = 49"},
		{"inferred note", claim(countOf("lost", 4), Eq, 50, 0), StatusHoldsInferred, 50, "(* inferred count, not printed)"},
		{"inferred in an exclusion", claim(Statistic{Kind: Share, Table: "3.2inf", Rows: []int{2}, Exclude: []int{3}}, Approx, 0.4, 0.05), StatusHoldsInferred, 14.0 / 37, "N - #3 = 66 - 29* = 37"},
		{"inferred on side B", claim(compareOf("lost", []int{4}, []int{1, 3}, true), Gt, 0, 0), StatusHoldsInferred, 30, "max(#1, #3) = max(10, 20*) = 20"},
		// a lost sum inferred as N less the other rows (single-answer table, N and the other rows printed).
		{"sum from N", claim(shareOf("S1", 1, 2), Gte, 0.5, 0), StatusHoldsInferred, 37.0 / 66,
			"S1: #1+#2 = N - #3 - #4 = 66 - 17 - 12 = 37* (inferred: N less the other rows of a single-answer table); N = 66; 37/66 = 0.561 >= 0.50"},
		{"sum from N fails", claim(countOf("S1", 1, 2), Eq, 36, 0), StatusFailsInferred, 37, "37 is not = 36"},
		{"sum from N on a comparison side", claim(compareOf("S1", []int{1, 2}, []int{3}, false), Gt, 0, 0), StatusHoldsInferred, 20, "#1+#2 = N - #3 - #4 = 66 - 17 - 12 = 37*"},
		{"no sum from N in a multi-answer table", claim(shareOf("S1m", 1, 2), Gte, 0.5, 0), StatusUnknown, math.NaN(), "not inferred: S1m #2"},
		{"no sum from N when N is lost", claim(countOf("S1nl", 1, 2), Eq, 37, 0), StatusUnknown, math.NaN(), "S1nl #2"},
		{"no sum from N when another row is not printed", claim(countOf("S2", 1, 2), Eq, 37, 0), StatusUnknown, math.NaN(), "not inferred: S2 #1, S2 #2"},
		{"printed rows are summed, not inferred", claim(countOf("S1", 3, 4), Eq, 29, 0), StatusHolds, 29, "#3+#4 = 17+12 = 29"},
		// unknown: an input lost and not inferred, or a missing table or row.
		{"lost row", claim(shareOf("lost", 1, 2), Gt, 0.1, 0), StatusUnknown, math.NaN(), "lost in the extraction and not inferred: lost #2"},
		{"lost row in a comparison", claim(compareOf("lost", []int{2}, []int{1}, true), Gt, 0, 0), StatusUnknown, math.NaN(), "not inferred: lost #2"},
		{"lost excluded row", claim(Statistic{Kind: Share, Table: "3.2inf", Rows: []int{2}, Exclude: []int{1}}, Lt, 0.5, 0), StatusUnknown, math.NaN(), "not inferred: 3.2inf #1"},
		{"lost N", claim(shareOf("nlost", 1), Lt, 0.5, 0), StatusUnknown, math.NaN(), "lost in the extraction and not inferred: nlost N"},
		{"lost N as numerator", claim(Statistic{Kind: Count, Table: "nlost", UseN: true}, Eq, 1, 0), StatusUnknown, math.NaN(), "nlost N"},
		{"no such row", claim(shareOf("2.8", 4), Lt, 0.5, 0), StatusUnknown, math.NaN(), "no such table or row: 2.8 #4"},
		{"no such table", claim(countOf("9.9", 1), Eq, 1, 0), StatusUnknown, math.NaN(), "no such table or row: 9.9 #1"},
		{"no such base", claim(Statistic{Kind: Share, Table: "2.8", Rows: []int{1}, Base: "9.9"}, Lt, 0.5, 0), StatusUnknown, math.NaN(), "no such table or row: 9.9 N"},
		{"lost and missing together", claim(shareOf("lost", 2, 9), Lt, 0.5, 0), StatusUnknown, math.NaN(), "no such table or row: lost #9; lost in the extraction and not inferred: lost #2"},
		{"empty denominator", claim(Statistic{Kind: Share, Table: "zero", Rows: []int{1}, Exclude: []int{2}}, Lt, 0.5, 0), StatusUnknown, math.NaN(), "share 1/0 cannot be computed"},
		// unverifiable.
		{"unverifiable", Claim{ID: "u", Relation: Eq, Value: 15, Unverifiable: &Unverifiable{Reason: "needs respondent data", Tables: []string{"S1"}, Kind: Count}}, StatusUnverifiable, math.NaN(), "needs respondent data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := Evaluate([]Claim{tc.claim}, fake)
			if len(rs) != 1 {
				t.Fatalf("%d results for one claim", len(rs))
			}
			r := rs[0]
			if !reflect.DeepEqual(r.Claim, tc.claim) {
				t.Errorf("result carries claim %+v, want %+v", r.Claim, tc.claim)
			}
			if r.Status != tc.status {
				t.Errorf("status = %s, want %s (%s)", r.Status, tc.status, r.Note)
			}
			switch {
			case math.IsNaN(tc.computed) && r.Computed != nil:
				t.Errorf("computed = %v, want null", *r.Computed)
			case !math.IsNaN(tc.computed) && r.Computed == nil:
				t.Errorf("computed = null, want %v", tc.computed)
			case !math.IsNaN(tc.computed) && *r.Computed != tc.computed:
				t.Errorf("computed = %v, want %v", *r.Computed, tc.computed)
			}
			if r.Note == "" || !strings.Contains(r.Note, tc.note) {
				t.Errorf("note = %q, want it to contain %q", r.Note, tc.note)
			}
		})
	}
}

func TestEvaluateCitation(t *testing.T) {
	cites := func(c Claim, keys ...string) Claim { c.Cites = keys; return c }
	tests := []struct {
		name     string
		claim    Claim
		citation Citation
		note     string
	}{
		{"no citation", claim(shareOf("3.2", 1), Lt, 0.5, 0), "", ""},
		{"citation matches", cites(claim(shareOf("3.2", 1), Lt, 0.5, 0), "3.2"), CitationMatches, "cites 3.2; the figure comes from table 3.2"},
		{"one of two cited", cites(claim(shareOf("3.2", 1), Lt, 0.5, 0), "2.8", "3.2"), CitationMatches, "cites 2.8, 3.2; the figure comes from table 3.2"},
		{"wrong citation", cites(claim(shareOf("3.2", 6), Approx, 0.45, 0.05), "2.8"), CitationWrong, "cites 2.8, but the figure comes from table 3.2"},
		{"cited table absent", cites(claim(shareOf("3.2", 1), Lt, 0.5, 0), "9.9"), CitationWrong, "cites 9.9; no such table: 9.9; the figure comes from table 3.2"},
		{"wrong citation of an unknown figure", cites(claim(shareOf("lost", 1, 2), Gt, 0.1, 0), "2.8"), CitationWrong, "cites 2.8, but the figure comes from table lost"},
		{"unverifiable: no citation verdict", cites(Claim{ID: "u", Relation: Eq, Value: 15, Unverifiable: &Unverifiable{Reason: "r", Tables: []string{"S1"}, Kind: Count}}, "2.8"), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate([]Claim{tc.claim}, fake)[0]
			if r.Citation != tc.citation || r.CitationNote != tc.note {
				t.Errorf("citation = %q (%q), want %q (%q)", r.Citation, r.CitationNote, tc.citation, tc.note)
			}
		})
	}
	// The numeric verdict stands beside the citation verdict.
	r := Evaluate([]Claim{cites(claim(shareOf("3.2", 6), Approx, 0.45, 0.05), "2.8")}, fake)[0]
	if r.Status != StatusHolds {
		t.Errorf("status = %s, want holds beside the wrong citation (%s)", r.Status, r.Note)
	}
}

func TestEvaluateKeepsOrder(t *testing.T) {
	cs := []Claim{
		claim(countOf("2.8", 1), Eq, 8, 0),
		claim(countOf("lost", 2), Eq, 8, 0),
		claim(countOf("2.8", 2), Eq, 8, 0),
	}
	cs[0].ID, cs[1].ID, cs[2].ID = "a", "b", "c"
	rs := Evaluate(cs, fake)
	got := []string{}
	for _, r := range rs {
		got = append(got, r.Claim.ID+":"+string(r.Status))
	}
	if want := []string{"a:holds", "b:unknown", "c:fails"}; !reflect.DeepEqual(got, want) {
		t.Errorf("results = %v, want %v", got, want)
	}
	if rs := Evaluate(nil, fake); len(rs) != 0 {
		t.Errorf("Evaluate(nil) = %v", rs)
	}
}

func TestExactCounts(t *testing.T) {
	cs, err := Parse("minimal.yaml", []byte(readMinimal(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Claims that are not exact single-row counts are left out.
	extra := []Claim{
		claim(countOf("2.8", 1, 2), Eq, 64, 0),                                       // two rows
		claim(countOf("2.8", 1), Gte, 8, 0),                                          // not eq
		claim(Statistic{Kind: Count, Table: "2.8", UseN: true}, Eq, 66, 0),           // N, not a row
		claim(shareOf("2.8", 1), Eq, 0.12, 0),                                        // a share
		claim(countOf("3.2.1", 1), Eq, 0, 0),                                         // kept: zero count
		{ID: "u", Relation: Eq, Value: 15, Unverifiable: &Unverifiable{Kind: Count}}, // unverifiable
	}
	extra[4].ID, extra[4].Page = "zero", 50
	got := ExactCounts(append(cs, extra...))
	want := []CountFact{
		{Table: "S1", Row: 1, Value: 22, ClaimID: "p109-count", Page: 109},
		{Table: "3.2.1", Row: 1, Value: 0, ClaimID: "zero", Page: 50},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExactCounts = %+v, want %+v", got, want)
	}
}

func TestClaimedText(t *testing.T) {
	tests := []struct {
		claim Claim
		want  string
	}{
		{claim(shareOf("x", 1), Approx, 0.5, 0.05), "~ 0.50 (0.45-0.55)"},
		{claim(shareOf("x", 1), Approx, 1, 0.05), "~ 1.00 (0.95-1.00)"},
		{claim(shareOf("x", 1), Gt, 0.8, 0), "> 0.80"},
		{claim(shareOf("x", 1), Lt, 0.5, 0.05), "< 0.50 and >= 0.45"},
		{claim(shareOf("x", 1), Gte, 0.5, 0.1), ">= 0.50 and <= 0.60"},
		{claim(shareOf("x", 1), Eq, 0.015, 0), "= 0.015"},
		{claim(countOf("x", 1), Eq, 22, 0), "= 22"},
		{claim(countOf("x", 1), Approx, 20, 2), "~ 20 (18-22)"},
		{claim(compareOf("x", []int{4, 5}, []int{1, 2, 3}, false), Gt, 0, 0), "#4+#5 > #1+#2+#3"},
		{claim(compareOf("x", []int{4, 5}, []int{1, 2}, true), Gt, 0, 0), "each of #4, #5 > each of #1, #2"},
		{claim(compareOf("x", []int{1}, []int{3}, false), Lt, 0, 0), "#1 < #3"},
		{claim(compareOf("x", []int{1}, []int{3}, false), Gte, 5, 0), "#1 >= #3 (difference >= 5)"},
		{Claim{Relation: Eq, Value: 15, Unverifiable: &Unverifiable{Kind: Count}}, "= 15"},
		{Claim{Relation: Approx, Value: 0.7, Tolerance: 0.05, Unverifiable: &Unverifiable{Kind: Share}}, "~ 0.70 (0.65-0.75)"},
	}
	for _, tc := range tests {
		if got := tc.claim.Claimed(); got != tc.want {
			t.Errorf("Claimed(%+v) = %q, want %q", tc.claim, got, tc.want)
		}
	}
}
