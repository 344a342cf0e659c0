package claims

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, a rejected
// input must come with located, classified errors, and an accepted input must
// hold only valid claims that Evaluate and Record can process.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: csirt-survey/claims/v1\nreport: {year: 2015, pages: 9}\nclaims:\n  - {id: a, page: 1, text_ja: x, text_en: x, wording: x, statistic: {kind: count, table: \"1.1\", rows: [1]}, relation: eq, value: 3}\n"))
	f.Add([]byte("format: csirt-survey/claims/v1\nreport: {year: 2015, pages: 9}\nclaims:\n  - {id: a, page: 2, text_ja: x, text_en: x, wording: x, statistic: {kind: share, table: S1, rows: [1], exclude: [2]}, relation: lt, value: 0.5, tolerance: 0.05}\n"))
	f.Add([]byte("claims:\n  - &x {id: a}\n  - *x\n"))
	f.Add([]byte("claims: [{id: b, statistic: {kind: compare, rows: [1], versus: [1]}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse("fuzz.yaml", data, nil)
		if err != nil {
			if cs != nil {
				t.Fatal("claims returned with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for i, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Column < 0 || (e.Context != "" && !strings.HasPrefix(e.Context, "claim ")) || e.Msg == "" {
					t.Fatalf("badly located error: %+v", e)
				}
				if i > 0 && e.Line < list[i-1].Line {
					t.Fatalf("errors out of file order: %v", err)
				}
				known := false
				for _, k := range errorKinds {
					known = known || errors.Is(e, k)
				}
				if !known {
					t.Fatalf("error without a known kind: %v", e)
				}
			}
			return
		}
		if len(cs) == 0 {
			t.Fatal("accepted a file without claims")
		}
		ids := map[string]bool{}
		for _, c := range cs {
			if ids[c.ID] || !idPattern.MatchString(c.ID) {
				t.Fatalf("bad or repeated id %q", c.ID)
			}
			ids[c.ID] = true
			if (c.Statistic == nil) == (c.Unverifiable == nil) || !c.Relation.known() || !c.Kind().known() || c.Page < 1 {
				t.Fatalf("accepted an invalid claim: %+v", c)
			}
			if s := c.Statistic; s != nil {
				for _, r := range slices.Concat(s.Rows, s.Versus, s.Exclude) {
					if r < 1 {
						t.Fatalf("accepted row %d", r)
					}
				}
				if (len(s.Rows) == 0) != s.UseN || !keyPattern.MatchString(s.Table) {
					t.Fatalf("accepted statistic %+v", s)
				}
			}
			if c.Kind() == Share && !slices.Contains(precisions, c.Precision) {
				t.Fatalf("share without a valid precision: %+v", c)
			}
			if c.Claimed() == "" || StatisticText(c) == "" {
				t.Fatalf("claim %s has no text for the dataset", c.ID)
			}
		}
		// Whatever was accepted evaluates and converts without panicking.
		rs := Evaluate(cs, fake)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rec := Record(mem, rs)
		if rec.NumRows() != int64(len(cs)) {
			t.Fatalf("record has %d rows for %d claims", rec.NumRows(), len(cs))
		}
		rec.Release()
		mem.AssertSize(t, 0)
	})
}
