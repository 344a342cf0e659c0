package report

import (
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
)

// TestClaimNoteCitation checks that the claims section's note carries the
// citation verdict Evaluate gave, in both editions, and nothing when the
// claim cites no table.
func TestClaimNoteCitation(t *testing.T) {
	tables := claimsFixture{n: 66, rows: []int64{13, 53}}
	c := claims.Claim{ID: "p1-x", Page: 1, Statistic: &claims.Statistic{Kind: claims.Count, Table: "b", Rows: []int{2}}, Relation: claims.Eq, Value: 53}
	tests := []struct {
		name   string
		cites  []string
		ja, en string
	}{
		{"none", nil, "", ""},
		{"matches", []string{"b"}, "。引用 b は数値の出典と一致", ". Citation b matches the figure's table"},
		{"wrong", []string{"a"}, "。引用の誤り (wrong_citation): 本文は a を引用しているが、数値は表 b のもの", ". Wrong citation (wrong_citation): the text cites a, but the figure comes from table b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Cites = tc.cites
			r := claims.Evaluate([]claims.Claim{c}, tables)[0]
			if r.Status != claims.StatusHolds {
				t.Fatalf("status %s (%s)", r.Status, r.Note)
			}
			if got := claimNoteText(r, en); got != r.Note+tc.en {
				t.Errorf("en note %q, want %q", got, r.Note+tc.en)
			}
			if got := claimNoteText(r, ja); !strings.HasSuffix(got, tc.ja) || (tc.ja == "" && strings.Contains(got, "引用")) {
				t.Errorf("ja note %q, want it to end with %q", got, tc.ja)
			}
		})
	}
}

// claimsFixture is two tables, a and b, with the same N and rows.
type claimsFixture struct {
	n    int64
	rows []int64
}

func (f claimsFixture) Count(key string, row int) (int64, bool, bool, bool) {
	if (key != "a" && key != "b") || row < 1 || row > len(f.rows) {
		return 0, false, false, false
	}
	return f.rows[row-1], true, false, true
}

func (f claimsFixture) N(key string) (int64, bool, bool) {
	return f.n, true, key == "a" || key == "b"
}
