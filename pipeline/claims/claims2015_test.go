package claims

import (
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	claims2015      = filepath.Join("..", "..", "raw", "2015", "claims.yaml")
	quantifiersFile = filepath.Join("..", "..", "schemas", QuantifiersFile)
)

func load2015(t testing.TB) []Claim {
	t.Helper()
	qs, err := LoadQuantifiers(quantifiersFile)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Load(claims2015, qs)
	if err != nil {
		t.Fatalf("Load(%s): %v", claims2015, err)
	}
	return cs
}

// printed2015 holds, for this package's tests only, the printed figures of the
// tables the 2015 claims read, transcribed from seed/jpcert-csirt-survey-2015.txt
// (-1 = count lost in the extraction), as raw/2015/published/ transcribes them:
// a stray number beside a row whose count was lost (1.4, 1.5, 1.6, 3.2, 3.3,
// S1) is not taken as that row's count. The published tables are read by
// another package; this copy only checks that every claim names rows that
// exist and evaluates as expected.
//
// A few lost counts are given as inferred, the way the published stage can
// infer them: the 2.9 group tables' last rows from the printed N of the
// per-service tables (2.9.f N = 56, 2.9.o N = 15, 2.9.v N = 37), and S1 row 1
// from the prose (22, claim p109-built-lt6m-22).
var printed2015 = func() fakeTables {
	p := func(n int64, counts ...int64) fakeTable {
		if n < 0 {
			return fakeTable{nLost: true, rows: rowsOf(counts...)}
		}
		return fakeTable{n: n, rows: rowsOf(counts...)}
	}
	t := fakeTables{
		"1.1":           p(66, 23, 3, 0, 0, 5, 0, 6, 26, 2, 8),
		"1.3":           p(61, 40, 14, 15, 4, 12, 8, 18, 20, 7, 16),
		"1.4":           p(66, -1, -1, -1, -1, 2),
		"1.5":           p(66, -1, -1, -1, -1, -1, -1, -1, -1, 7),
		"1.6":           p(66, -1, -1, -1, -1, -1, -1, -1, 2),
		"2.1":           p(66, 32, 1, 1, 1, 1, 0, 6, 26, 4, 12),
		"2.3":           p(66, 59, 39, 20, 4),
		"2.4.1":         p(48, 17, 15, 18, 28, 13),
		"2.5":           p(44, 8, 11, 13, 32, 9),
		"2.6":           p(56, 56, 0, 2, 3),
		"2.7/own":       p(62, 61, 50),
		"2.7/other":     p(15, 10, 7),
		"2.8":           p(66, 8, 56, 2),
		"2.9/reactive":  p(66, 57, 58, 55, 43, 40, -1),
		"2.9/proactive": p(66, 27, 42, 46, 37, 54, 49, 25, 37, -1),
		"2.9/quality":   p(66, 31, 24, 47, 51, 49, 18, -1),
		"2.9.w":         p(-1, 1),
		"2.12":          p(66, 41, 22, 2, 1),
		"2.13":          p(66, 35, 21, 2, 7, 0, 1),
		"2.14.1":        p(46, 36, 9, 0, 1),
		"2.14.2":        p(46, 22, 9, 18),
		"2.14.3":        p(66, 10, 4, 31, 1),
		"3.2":           p(66, -1, -1, -1, -1, 1, 1, 29),
		"3.2.1":         p(66, 0, 2, 1, 3, 7, 53, 0),
		"3.3":           p(66, -1, -1, -1, -1, -1, 1, 26),
		"3.3.1":         p(66, 0, 2, 1, 5, 9, 48, 1),
		"3.4":           p(66, 2, 5, 5, 28, 25, 1),
		"3.5":           p(66, 5, 6, 54, 1),
		"3.6":           p(66, 1, 8, 56, 1),
		"3.7":           p(66, 1, 9, 54, -1),
		"4.1":           p(66, 19, 30, 2, 13, 1, 1),
		"4.6":           p(66, 8, 20, 17, 17, 3, 1),
		"4.7":           p(66, 20, 42, 2, 2),
		"4.8":           p(66, 19, 16, 6, 16, 7, 2),
		"4.9":           p(66, 7, 19, 5, 18, 13, 4),
		"4.10":          p(66, 4, 10, 3, 13, 33, 3),
		"5.1":           p(66, 57, 7, 2),
		"5.2":           p(66, 22, 41, 3),
		"6.1":           p(66, 2, 5, 5, 21, 7, 23, 3),
		"6.2":           p(66, 1, 4, 5, 30, 13, 9, 4),
		"6.3":           p(66, 3, 8, 11, 28, 7, 5, 4),
		"7.1":           p(66, 11, 12, 4, 3, 0, 32, 4),
		"7.1.1":         p(39, 2, 19, 14, 4),
		"S1":            p(66, -1, -1, -1, 12),
	}
	t["2.9/reactive"].rows[5] = inferred(56)
	t["2.9/proactive"].rows[8] = inferred(15)
	t["2.9/quality"].rows[6] = inferred(37)
	t["S1"].rows[0] = inferred(22)
	return t
}()

// want2015 is the expected status of every 2015 claim against printed2015.
var want2015 = map[string]Status{
	"p17-lead-dept-infosys-security":                StatusHolds,
	"p18-coordination-dept-infosys-most":            StatusHolds,
	"p18-build-staff-lt5-half":                      StatusUnknown,
	"p18-build-staff-lt10-over-80pct":               StatusUnknown,
	"p19-start-2014-or-later-half":                  StatusUnknown,
	"p19-end-2014-or-later-half-or-more":            StatusUnknown,
	"p20-placement-infosys-security":                StatusHolds,
	"p20-placement-other-research-3":                StatusUnverifiable,
	"p21-service-customers-30pct":                   StatusHolds,
	"p22-contact-jpcert-most":                       StatusHolds,
	"p23-sharing-other-csirt-5":                     StatusUnverifiable,
	"p24-sharing-text-almost-all":                   StatusHolds,
	"p25-field-own-almost-all":                      StatusFails, // 62/66 = 0.94, below 0.95
	"p25-field-other-org-20pct":                     StatusHolds,
	"p27-authority-advise-90pct":                    StatusHolds,
	"p27-authority-advise-or-order-90pct":           StatusFails, // the second reading: 64/66 = 0.97, outside 0.85-0.95
	"p27-authority-stop-10pct":                      StatusHolds,
	"p28-reactive-incident-handling-most":           StatusHoldsInferred,
	"p28-proactive-announcements-most":              StatusHoldsInferred,
	"p28-quality-awareness-training-most":           StatusHoldsInferred,
	"p42-other-service-vuln-assessment-1":           StatusHolds,
	"p45-documented-other-2":                        StatusHolds,
	"p47-soc-24x365-almost-all":                     StatusFails, // 36/46 = 0.78
	"p48-soc-own-operation-under-half":              StatusHolds,
	"p48-soc-csirt-independent-most":                StatusHolds,
	"p50-founding-members-lt5-most":                 StatusUnknown,
	"p50-founding-members-lt10-half-or-more":        StatusUnknown,
	"p50-founding-fulltime-all-most":                StatusHolds,
	"p50-founding-all-outsourced-none":              StatusHolds,
	"p51-current-members-5to9-most":                 StatusUnknown,
	"p51-current-members-lt20-almost-all":           StatusUnknown,
	"p52-current-fulltime-all-most":                 StatusHolds,
	"p52-current-all-outsourced-none":               StatusHolds,
	"p53-skillset-rough-vs-defined":                 StatusHolds,
	"p54-internal-training-rule-few":                StatusHolds,
	"p55-external-tech-training-rule-few":           StatusHolds,
	"p56-external-comm-training-rule-few":           StatusHolds,
	"p62-contact-network-half-or-more":              StatusHolds,
	"p63-webpage-30pct":                             StatusHolds,
	"p64-sensitive-info-documented-over-half":       StatusHolds,
	"p65-management-reporting-half":                 StatusHolds,
	"p66-statistics-disclosure-under-half":          StatusHolds,
	"p66-statistics-case-by-case-half":              StatusHolds,
	"p68-asset-management-80pct-or-more":            StatusHolds,
	"p68-tracking-system-30pct":                     StatusHolds,
	"p69-service-review-yearly-half-or-more":        StatusHolds,
	"p70-policy-review-yearly-majority":             StatusHolds,
	"p70-contact-chart-review-yearly-70pct-or-more": StatusHolds,
	"p71-reports-half":                              StatusHolds,
	"p71-reports-monthly-most":                      StatusFails, // quarterly (12) beats monthly (11)
	"p71-report-audience-related-depts-half":        StatusHolds,
	"p104-service-definition-documented-60pct":      StatusHolds,
	"p104-policy-documented-approved-over-80pct":    StatusHolds,
	"p105-authority-stop-12pct":                     StatusHolds,
	"p105-authority-advise-85pct":                   StatusHolds,
	"p105-authority-none-3pct":                      StatusHolds,
	"p105-authority-documented-60pct":               StatusHolds,
	"p106-lead-dept-infosys-security":               StatusHolds,
	"p106-placement-infosys-security":               StatusHolds,
	"p106-fulltime-all-80pct":                       StatusHolds,
	"p106-fulltime-all-80pct-now":                   StatusFails, // the second reading (members now): 48/66 = 0.73, outside 0.75-0.85
	"p106-escalation-documented-77pct":              StatusHolds,
	"p106-escalation-rough-guide-20pct":             StatusHolds,
	"p106-escalation-case-by-case-1-5pct":           StatusHolds,
	"p106-escalation-no-answer-1-5pct":              StatusHolds,
	"p106-escalation-set-almost-all":                StatusHolds,
	"p107-reports-half":                             StatusHolds,
	"p107-management-reporting-half":                StatusHolds,
	"p108-skillset-minority":                        StatusHolds,
	"p109-built-within-1-year-half-or-more":         StatusUnknown,       // S1 rows 2-3 lost
	"p109-built-lt6m-22":                            StatusHoldsInferred, // checked against the count inferred from itself
	"p109-lt6m-2014-or-later-15":                    StatusUnverifiable,
	"p109-lt6m-2014-or-later-70pct":                 StatusUnverifiable,
}

func TestLoad2015(t *testing.T) {
	cs := load2015(t)
	if len(cs) != len(want2015) {
		t.Errorf("%d claims, want %d", len(cs), len(want2015))
	}
	idRe := regexp.MustCompile(`^p([0-9]+)-`)
	kinds := map[Kind]int{}
	unverifiable := 0
	for _, c := range cs {
		m := idRe.FindStringSubmatch(c.ID)
		if m == nil || m[1] != strconv.Itoa(c.Page) {
			t.Errorf("claim %s: id does not start with its page p%d-", c.ID, c.Page)
		}
		if !(c.Page >= 17 && c.Page <= 71 || c.Page >= 104 && c.Page <= 109) {
			t.Errorf("claim %s: page %d is outside section 2 (17-71), section 4 (104-108) and 補足1 (109)", c.ID, c.Page)
		}
		// Extraction spacing is normalised: no space between a digit and Japanese.
		if regexp.MustCompile(`[0-9] [ぁ-んァ-ヶ一-龯]|[ぁ-んァ-ヶ一-龯] [0-9]`).MatchString(c.TextJA) {
			t.Errorf("claim %s: text_ja keeps extraction spaces around digits: %q", c.ID, c.TextJA)
		}
		if c.Wording == "" || c.TextEN == "" {
			t.Errorf("claim %s: wording or text_en empty", c.ID)
		}
		if c.Unverifiable != nil {
			unverifiable++
			continue
		}
		kinds[c.Statistic.Kind]++
	}
	if want := map[Kind]int{Count: 5, Share: 45, Compare: 19}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("claims by kind = %v, want %v", kinds, want)
	}
	if unverifiable != 4 {
		t.Errorf("%d unverifiable claims, want 4", unverifiable)
	}
}

func TestEvaluate2015(t *testing.T) {
	cs := load2015(t)
	rs := Evaluate(cs, printed2015)
	for _, r := range rs {
		want, ok := want2015[r.Claim.ID]
		if !ok {
			t.Errorf("claim %s has no expected status in want2015", r.Claim.ID)
			continue
		}
		if r.Status != want {
			t.Errorf("claim %s: status %s, want %s (%s)", r.Claim.ID, r.Status, want, r.Note)
		}
		// Unknown only because counts were lost, never because a row does not exist.
		if strings.Contains(r.Note, "no such table or row") {
			t.Errorf("claim %s names a row the printed table does not have: %s", r.Claim.ID, r.Note)
		}
	}
	// The brief's own example of a note.
	for _, r := range rs {
		if r.Claim.ID == "p27-authority-advise-90pct" && !strings.Contains(r.Note, "56/66 = 0.848, 0.85 at precision 0.01, within 0.85-0.95") {
			t.Errorf("p27 note = %q", r.Note)
		}
	}
}

func TestExactCounts2015(t *testing.T) {
	got := ExactCounts(load2015(t))
	want := []CountFact{
		{Table: "2.9.w", Row: 1, Value: 1, ClaimID: "p42-other-service-vuln-assessment-1", Page: 42},
		{Table: "2.12", Row: 3, Value: 2, ClaimID: "p45-documented-other-2", Page: 45},
		{Table: "3.2.1", Row: 1, Value: 0, ClaimID: "p50-founding-all-outsourced-none", Page: 50},
		{Table: "3.3.1", Row: 1, Value: 0, ClaimID: "p52-current-all-outsourced-none", Page: 52},
		{Table: "S1", Row: 1, Value: 22, ClaimID: "p109-built-lt6m-22", Page: 109},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExactCounts = %+v\nwant %+v", got, want)
	}
}
