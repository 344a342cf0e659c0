package questionnaire

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSchema2015 checks the committed 2015 questionnaire against the structure
// of table 1.3.1 as the issue and DESIGN.md describe it.
func TestSchema2015(t *testing.T) {
	q, err := Load(filepath.Join("..", "..", "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(`1.1 1.2 1.3 1.4 1.5 1.6 2.1 2.2 2.3 2.4 2.4.1 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13
		2.14 2.14.1 2.14.2 2.14.3 3.1 3.2 3.2.1 3.3 3.3.1 3.4 3.5 3.6 3.7 3.8 4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.8 4.9
		4.10 4.11 5.1 5.2 6.1 6.2 6.3 7.1 7.1.1`)
	var got []string
	for _, it := range q.Items {
		got = append(got, it.Number)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("items in printed order:\n got %v\nwant %v", got, want)
	}

	types := map[string]Type{"1.5": YearMonth, "1.6": YearMonth, "3.2": Integer, "3.3": Integer, "2.9": Matrix,
		"1.2": Multi, "1.3": Multi, "2.1": Multi, "2.4": Multi, "2.7": Multi, "2.14.2": Multi, "2.8": Single, "4.7": Single}
	for num, typ := range types {
		if it := q.Item(num); it.Type != typ {
			t.Errorf("%s type = %s, want %s", num, it.Type, typ)
		}
	}

	e := q.Item("2.4").Choices()[4]
	if e.Code != "e" || !e.Exclusive {
		t.Errorf("2.4 (e) = %+v, want exclusive", e)
	}
	relevance := map[string]string{
		"2.4.1": "2.4 in (a, b, c, d)", "2.14.1": "2.14 in (a)", "2.14.2": "2.14 in (a)", "2.14.3": "2.14 in (a)",
		"7.1.1": "7.1 in (a, b, c, d, e)",
	}
	for _, it := range q.Items {
		if w, ok := relevance[it.Number]; ok != (it.Relevance != nil) || (ok && it.Relevance.String() != w) {
			t.Errorf("%s relevance = %q, want %q", it.Number, it.Relevance.String(), w)
		}
	}

	// The 5-level scale is defined once, ordered, with SIM3 levels 4..0, and shared.
	scale := strings.Fields("2.11 2.13 3.1 3.4 4.1 4.2 4.3 4.4 4.5 4.6 4.8 4.9 4.10 4.11")
	var users []string
	for _, it := range q.Items {
		if s := it.Set(); s != nil && len(s.Options) == 5 && s.Ordered && s.Scale == "SIM3" {
			users = append(users, it.Number)
			for i, o := range s.Options {
				if o.SIM3Level == nil || *o.SIM3Level != 4-i {
					t.Errorf("%s option %s SIM3 level %v, want %d", it.Number, o.Code, o.SIM3Level, 4-i)
				}
			}
		}
	}
	if !slices.Equal(users, scale) {
		t.Errorf("items on the 5-level scale = %v, want %v", users, scale)
	}

	m := q.Item("2.9")
	groups := map[string]int{}
	for _, r := range m.Rows {
		groups[r.Group]++
	}
	if len(m.Rows) != 23 || groups["reactive"] != 6 || groups["proactive"] != 9 || groups["quality"] != 7 || groups["other"] != 1 {
		t.Errorf("2.9 rows = %d by group %v, want 23 = 6 reactive + 9 proactive + 7 quality + 1 other", len(m.Rows), groups)
	}
	if !m.Rows[22].Other {
		t.Error("2.9 (w) should take free text")
	}
	for _, it := range q.Items {
		for _, o := range it.Choices() {
			if o.Other != strings.HasPrefix(o.LabelJA, "その他") {
				t.Errorf("%s (%s) %q: other = %v", it.Number, o.Code, o.LabelJA, o.Other)
			}
		}
	}
}
