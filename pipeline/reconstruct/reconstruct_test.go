package reconstruct

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

const root = "../.."

type fixture struct {
	q     *questionnaire.Questionnaire
	specs []*published.Spec
	set   *published.Set
	d     *Decisions
}

func load2015(t *testing.T) fixture {
	t.Helper()
	q, err := questionnaire.Load(filepath.Join(root, "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := published.LoadSpecs(filepath.Join(root, "schemas", "2015", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := published.LoadTranscription(filepath.Join(root, "raw", "2015", "published"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := published.Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDecisions(filepath.Join(root, "raw", "2015", FileName))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{q, specs, set, d}
}

func generate(t *testing.T, f fixture) (*Result, []byte) {
	t.Helper()
	res, err := Generate(f.q, f.set, f.d)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return res, b.Bytes()
}

func TestDeterministic(t *testing.T) {
	f := load2015(t)
	r1, csv1 := generate(t, f)
	r2, csv2 := generate(t, load2015(t))
	if !bytes.Equal(csv1, csv2) {
		t.Error("two runs give different CSV bytes")
	}
	if !bytes.Equal(r1.Markdown(), r2.Markdown()) {
		t.Error("two runs give different Markdown")
	}
	if len(csv1) == 0 || len(r1.Markdown()) == 0 {
		t.Error("empty output")
	}
}

// The committed files must be what the generator produces now.
func TestCommittedFilesUpToDate(t *testing.T) {
	res, data := generate(t, load2015(t))
	for _, c := range []struct {
		path string
		want []byte
	}{
		{filepath.Join(root, "raw", "2015", "responses.csv"), data},
		{filepath.Join(root, "raw", "2015", "RECONSTRUCTION.md"), res.Markdown()},
	} {
		got, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s is stale: run go run ./cmd/csirtsurvey reconstruct --year 2015", c.path)
		}
	}
}

func TestStructure(t *testing.T) {
	f := load2015(t)
	res, data := generate(t, f)

	// The CSV parses back to the same header and rows, UTF-8 without BOM.
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Error("CSV starts with a BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 67 || !slices.Equal(recs[0], res.Header) {
		t.Fatalf("CSV has %d records, header %v", len(recs), recs[0][:3])
	}
	if len(res.Rows) != 66 {
		t.Fatalf("%d rows, want 66", len(res.Rows))
	}
	col := map[string]int{}
	for i, h := range res.Header {
		if _, dup := col[h]; dup {
			t.Errorf("column %s twice", h)
		}
		col[h] = i
		if strings.HasSuffix(h, "__text") || strings.HasSuffix(h, "__asked") {
			t.Errorf("column %s must not be in the raw file", h)
		}
	}
	if res.Header[0] != "respondent_id" || res.Header[1] != "provenance" {
		t.Errorf("header starts %v", res.Header[:2])
	}
	ids := map[string]bool{}
	for k, row := range res.Rows {
		if len(row) != len(res.Header) {
			t.Fatalf("row %d has %d cells", k, len(row))
		}
		if want := fmt.Sprintf("R%02d", k+1); row[0] != want || ids[row[0]] {
			t.Errorf("row %d id %q, want unique %q", k, row[0], want)
		}
		ids[row[0]] = true
		if row[1] != "reconstructed" {
			t.Errorf("%s provenance %q", row[0], row[1])
		}
	}
	get := func(i int, c string) string {
		j, ok := col[c]
		if !ok {
			t.Fatalf("no column %s", c)
		}
		return res.Rows[i][j]
	}

	answered := map[string]int{}
	unasked := map[string]int{} // answers from respondents the routing skipped, per item
	wantUnasked := map[string]int{}
	for _, sa := range f.d.SkippedAnswers {
		for _, n := range sa.Answers {
			wantUnasked[f.set.Spec(sa.Table).Item] += int(n)
		}
	}
	for _, it := range f.q.Items {
		if it.Type == questionnaire.Matrix {
			continue
		}
		codes := map[string]bool{}
		for _, o := range it.Choices() {
			codes[o.Code] = true
		}
		for _, c := range it.Coded {
			codes[c.Code] = true
		}
		for i := range res.Rows {
			v := get(i, it.ID)
			if v != "" {
				answered[it.Number]++
			}
			// Relevance: nobody answers what they were not asked, except the
			// answers the decisions give to follow-ups the routing skipped.
			if rel := it.Relevance; rel != nil && v != "" {
				parent := strings.Split(get(i, f.q.Item(rel.Item).ID), ";")
				if !slices.ContainsFunc(parent, func(c string) bool { return slices.Contains(rel.AnyOf, c) }) {
					unasked[it.Number]++
					if wantUnasked[it.Number] == 0 {
						t.Errorf("%s answers %s (%q) but was not asked (%s = %v)", res.Rows[i][0], it.Number, v, rel.Item, parent)
					}
				}
			}
			switch it.Type {
			case questionnaire.Single:
				if v != "" && !codes[v] {
					t.Errorf("%s %s: %q is not a code", res.Rows[i][0], it.Number, v)
				}
			case questionnaire.Multi:
				if v == "" {
					continue
				}
				parts := strings.Split(v, ";")
				for _, p := range parts {
					if !codes[p] {
						t.Errorf("%s %s: %q is not a code", res.Rows[i][0], it.Number, p)
					}
				}
				if sorted := slices.Sorted(slices.Values(parts)); len(slices.Compact(sorted)) != len(parts) {
					t.Errorf("%s %s: repeated code in %q", res.Rows[i][0], it.Number, v)
				}
				// Exclusive options stand alone.
				for _, o := range it.Choices() {
					if o.Exclusive && slices.Contains(parts, o.Code) && len(parts) > 1 {
						t.Errorf("%s %s: exclusive %s combined in %q", res.Rows[i][0], it.Number, o.Code, v)
					}
				}
			case questionnaire.Integer:
				if _, err := strconv.Atoi(v); v != "" && err != nil && !codes[v] {
					t.Errorf("%s %s: %q is neither a number nor a coded category", res.Rows[i][0], it.Number, v)
				}
			}
		}
	}
	if !maps.Equal(unasked, wantUnasked) {
		t.Errorf("answers from respondents the routing skipped: %v, want %v (skipped_answers)", unasked, wantUnasked)
	}
	// Follow-ups are asked of exactly those the routing selects, and all of them answer but 未回答;
	// 7.1.1: 26 of the 30 asked (4 未回答) and the 9 the routing skipped.
	for num, want := range map[string]int{"2.4.1": 48, "2.14.1": 46, "2.14.2": 46, "2.14.3": 45, "7.1.1": 35, "1.3": 61, "2.5": 44, "2.6": 56} {
		if answered[num] != want {
			t.Errorf("item %s answered by %d, want %d", num, answered[num], want)
		}
	}

	// Dates: ordered, not after the plan's latest month.
	latest, ok := months(f.d.Dates.Latest)
	if !ok {
		t.Fatalf("dates.latest %q", f.d.Dates.Latest)
	}
	dated := 0
	for i := range res.Rows {
		s, e := get(i, "construction_start"), get(i, "construction_end")
		ms, okS := months(s)
		me, okE := months(e)
		for _, v := range []struct {
			m  int
			ok bool
		}{{ms, okS}, {me, okE}} {
			if v.ok && v.m > latest {
				t.Errorf("%s: date after %s (%s, %s)", res.Rows[i][0], f.d.Dates.Latest, s, e)
			}
		}
		if okS && okE {
			dated++
			if me < ms {
				t.Errorf("%s: 1.6 %s precedes 1.5 %s", res.Rows[i][0], e, s)
			}
		}
	}
	if dated != 54 {
		t.Errorf("%d respondents with both dates, want 54 (補足1: 66 - 未回答 12)", dated)
	}

	// 2.9: sourcing only for providers; (w) provided by one respondent, coded.
	it := f.q.Item("2.9")
	for _, row := range it.Rows {
		for i := range res.Rows {
			p := get(i, "services__"+row.Code+"__provision")
			s := get(i, "services__"+row.Code+"__sourcing")
			if s != "" && p != "provided" {
				t.Errorf("%s row %s: sourcing %q without provision", res.Rows[i][0], row.Code, s)
			}
		}
	}
	w := 0
	for i := range res.Rows {
		if get(i, "services__w__provision") == "provided" {
			w++
			if get(i, "services__w__coded") != "vulnerability_assessment" {
				t.Errorf("%s provides (w) without its coded category", res.Rows[i][0])
			}
		} else if get(i, "services__w__coded") != "" {
			t.Errorf("%s: coded (w) without providing it", res.Rows[i][0])
		}
	}
	if w != 1 {
		t.Errorf("%d respondents provide (w), want 1", w)
	}
}

// reconcile2015 ingests the generated CSV from a temporary directory and
// reconciles the counted tables with the published ones.
func reconcile2015(t *testing.T, f fixture, data []byte, extra ...func(arrow.Record) error) []reconcile.Row {
	t.Helper()
	path := filepath.Join(t.TempDir(), "responses.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	counter, err := aggregate.NewCounter(f.q, f.specs)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := survey.LoadYear(filepath.Join(root, "schemas"), 2015)
	if err != nil {
		t.Fatal(err)
	}
	opt := ingest.Options{Year: 2015, Order: profile.DateOrder(), AdvisoryRouting: profile.Fielding.Routing == survey.RoutingAdvisory}
	rep, err := ingest.Read(context.Background(), f.q, path, opt, func(rec arrow.Record) error {
		for _, x := range extra {
			if err := x(rec); err != nil {
				return err
			}
		}
		return counter.Add(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("ingest rejects the reconstruction: %v", err)
	}
	// The only issues: the answers the decisions give to follow-ups the
	// routing skipped (warnings under the year's advisory routing).
	want := map[string]int{}
	for _, sa := range f.d.SkippedAnswers {
		for _, n := range sa.Answers {
			want[f.set.Spec(sa.Table).Item] += int(n)
		}
	}
	for _, is := range rep.Issues {
		if is.Code != ingest.CodeAnsweredWhenSkipped {
			t.Fatalf("ingest: issue %+v", is)
		}
	}
	if !maps.Equal(rep.SkippedAnswered, want) && (len(want) > 0 || len(rep.SkippedAnswered) > 0) {
		t.Errorf("answers kept although the routing skipped them: %v, want %v (skipped_answers of the decisions)", rep.SkippedAnswered, want)
	}
	if rep.Accepted != 66 {
		t.Fatalf("ingest: %d rows accepted", rep.Accepted)
	}
	if counter.Respondents() != 66 {
		t.Fatalf("counted %d respondents", counter.Respondents())
	}
	return reconcile.Compare(f.set, counter.Rows(), f.set.Audit())
}

func TestReproducesPublishedTables(t *testing.T) {
	f := load2015(t)
	res, data := generate(t, f)
	rows := reconcile2015(t, f, data)
	if err := reconcile.Check(rows); err != nil {
		t.Fatal(err)
	}

	type cellKey struct {
		table string
		row   int
	}
	printed, matched := 0, 0
	inconsistent := map[cellKey]reconcile.Row{}
	status := map[string]map[string]int{}
	for _, r := range rows {
		if status[r.TableKey] == nil {
			status[r.TableKey] = map[string]int{}
		}
		status[r.TableKey][r.Status]++
		if r.Published != nil {
			printed++
		}
		switch r.Status {
		case reconcile.Match:
			matched++
		case reconcile.Inconsistent:
			inconsistent[cellKey{r.TableKey, r.RowNo}] = r
		}
	}
	if matched != printed-len(inconsistent) {
		t.Errorf("%d cells match; want every printed cell (%d) but the %d the audit explains", matched, printed, len(inconsistent))
	}
	// The audit explains exactly the printed numbers the reconstruction reports as not reproducible.
	var gaps []cellKey
	for _, g := range res.Gaps {
		k := cellKey{g.Table, g.Row}
		gaps = append(gaps, k)
		r, ok := inconsistent[k]
		if !ok || *r.Published != g.Printed || *r.Computed != g.Reproduced {
			t.Errorf("gap %+v: reconciliation says %+v", g, r)
		}
	}
	var want []cellKey // the decisions' contradictions and N gaps, in reconciliation order
	for _, r := range rows {
		if r.RowNo == 0 && slices.ContainsFunc(f.d.NGaps, func(g NGap) bool { return g.Table == r.TableKey }) ||
			slices.ContainsFunc(f.d.Counts, func(c CountDecision) bool { return c.Contradiction && c.Table == r.TableKey && c.Row == r.RowNo }) {
			want = append(want, cellKey{r.TableKey, r.RowNo})
		}
	}
	if !slices.Equal(gaps, want) || len(inconsistent) != len(want) {
		t.Errorf("not reproduced: gaps %v, inconsistent %v; want %v", gaps, inconsistent, want)
	}

	// Every lost count: the computed value is the recorded choice, and the
	// pipeline's inferred value where it has one.
	choice := map[cellKey]string{}
	for _, c := range res.LostChoices() {
		choice[cellKey{c.Table, c.Row}] = c.Value
	}
	entries := map[cellKey]published.Entry{}
	for _, e := range f.set.Entries {
		entries[cellKey{e.TableKey, e.RowNo}] = e
	}
	lost := 0
	for _, r := range rows {
		if r.Status != reconcile.Lost || r.RowNo == 0 {
			continue
		}
		lost++
		k := cellKey{r.TableKey, r.RowNo}
		v, ok := choice[k]
		if !ok || v != strconv.FormatInt(*r.Computed, 10) {
			t.Errorf("lost %s row %d: computed %d, choice %q", r.TableKey, r.RowNo, *r.Computed, v)
		}
		if e := entries[k]; e.Inferred != nil && *e.Inferred != *r.Computed {
			t.Errorf("lost %s row %d: computed %d, the pipeline infers %d", r.TableKey, r.RowNo, *r.Computed, *e.Inferred)
		}
	}
	wantLost := 0 // the transcription's lost counts
	for _, e := range f.set.Entries {
		if e.Count.Status() == published.StatusLost {
			wantLost++
		}
	}
	if lost != len(choice) || lost != wantLost {
		t.Errorf("%d lost counts reconciled, %d choices; want %d each (the lost counts of the transcription)", lost, len(choice), wantLost)
	}
	for _, key := range []string{"1.1", "2.4.1", "2.7/own", "2.7/other", "2.7/else", "2.9.a", "2.14.3", "S1"} {
		if len(status[key]) == 0 {
			t.Errorf("table %s was not reconciled", key)
		}
	}
	t.Logf("reconciliation: %d printed cells, %d match, %d inconsistent_in_report, %d lost", printed, matched, len(inconsistent), lost)
}

// The lost counts agree with the report's prose, read as raw/2015/CLAIMS.md
// reads it (the one exception, p. 51 ほとんど, is documented in the choice).
func TestProse(t *testing.T) {
	f := load2015(t)
	_, data := generate(t, f)
	spec := func(key string) *published.Spec {
		for _, s := range f.specs {
			if s.Key == key {
				return s
			}
		}
		t.Fatalf("no spec %s", key)
		return nil
	}
	x, err := aggregate.NewCrosstab(f.q, spec("S1"), spec("1.6"))
	if err != nil {
		t.Fatal(err)
	}
	rows := reconcile2015(t, f, data, x.Add)
	count := map[string][]int64{}
	for _, r := range rows {
		if r.RowNo > 0 {
			count[r.TableKey] = append(count[r.TableKey], *r.Computed)
		}
	}
	sum := func(key string, rows ...int) float64 {
		var s int64
		for _, r := range rows {
			s += count[key][r-1]
		}
		return float64(s)
	}
	round2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	largest := func(key string, row int, others ...int) bool {
		for _, o := range others {
			if count[key][o-1] >= count[key][row-1] {
				return false
			}
		}
		return true
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"p.18 約半数 5名未満 (1.4 #1 / 66 within 0.45-0.55)", round2(sum("1.4", 1)/66) >= 0.45 && round2(sum("1.4", 1)/66) <= 0.55},
		{"p.18 10名未満 8割を超える (1.4 #1+#2 / 66 > 0.8)", sum("1.4", 1, 2)/66 > 0.8},
		{"p.19 2014年以降に開始 約半数 (1.5 #4-#8 / 66)", round2(sum("1.5", 4, 5, 6, 7, 8)/66) >= 0.45 && round2(sum("1.5", 4, 5, 6, 7, 8)/66) <= 0.55},
		{"p.19 2014年以降に完了 半数以上 (1.6 #4-#7 / 66 >= 0.5)", sum("1.6", 4, 5, 6, 7)/66 >= 0.5},
		{"p.50 設立時 5名未満が最も多い", largest("3.2", 1, 2, 3, 4, 5, 6)},
		{"p.50 未回答を除くと10名未満が半数以上", sum("3.2", 1, 2)/(66-sum("3.2", 7)) >= 0.5},
		{"p.51 現在 5名以上10名未満が最も多い", largest("3.3", 2, 1, 3, 4, 5, 6)},
		{"p.51 ほとんどが20名未満 (read as 35/40 = 87.5%)", sum("3.3", 1, 2, 3)/(66-sum("3.3", 7)) >= 0.875},
		{"p.109 6ヶ月未満 22組織", sum("S1", 1) == 22},
		{"p.109 半数以上が1年以内", sum("S1", 1, 2)/66 >= 0.5},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("prose not satisfied: %s", c.what)
		}
	}
	// p.109: of the 22 built in under 6 months, 15 completed (1.6) in 2014 or later.
	df := x.Frame()
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	var recent, lt6m int
	for i := 0; i < df.Nrow(); i++ {
		a, _ := df.Col("row_a").Elem(i).Int()
		b, _ := df.Col("row_b").Elem(i).Int()
		c, _ := df.Col("count").Elem(i).Int()
		if a == 1 {
			lt6m += c
			if b >= 4 && b <= 7 {
				recent += c
			}
		}
	}
	if lt6m != 22 || recent != 15 {
		t.Errorf("crosstab 補足1 × 1.6: %d in 6ヶ月未満, %d of them completed 2014 or later; want 22 and 15", lt6m, recent)
	}
}

func TestMarkdown(t *testing.T) {
	res, _ := generate(t, load2015(t))
	md := string(res.Markdown())
	head := md[:min(len(md), 600)]
	if !strings.Contains(head, "RECONSTRUCTED") || !strings.Contains(head, "not the real answers of any") {
		t.Errorf("the top of RECONSTRUCTION.md must say the rows are reconstructed:\n%s", head)
	}
	for _, c := range res.LostChoices() {
		line := fmt.Sprintf("| %s | %d | `%s` |", c.Table, c.Row, c.Code)
		if !strings.Contains(md, line) || c.Reason == "" {
			t.Errorf("choice %s row %d not listed with a reason", c.Table, c.Row)
		}
	}
	for _, g := range res.Gaps {
		if !strings.Contains(md, fmt.Sprintf("| %s |", g.Table)) || g.Reason == "" {
			t.Errorf("gap %s row %d not listed with a reason", g.Table, g.Row)
		}
	}
}

// Decisions of another year, or none, are refused before anything is
// generated.
func TestYearMismatch(t *testing.T) {
	f := load2015(t)
	q := *f.q
	q.Survey.Year = f.d.Year + 1
	_, err := Generate(&q, f.set, f.d)
	want := fmt.Sprintf("%s:%d:%d: year is %d, but the questionnaire's survey year is %d",
		f.d.File, f.d.KeyPos("year").Line, f.d.KeyPos("year").Column, f.d.Year, q.Survey.Year)
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalid) {
		t.Errorf("Generate with decisions of another year: %v, want %q", err, want)
	}
	if _, err := Generate(f.q, f.set, nil); err == nil || !strings.Contains(err.Error(), "no reconstruction decisions") {
		t.Errorf("Generate without decisions: %v", err)
	}
}

func TestOrderSpreadsNeighbours(t *testing.T) {
	// Respondents i and i+1 must not be neighbours in every column's order.
	all := make([]int, 66)
	for i := range all {
		all[i] = i
	}
	adjacent := 0
	for _, key := range []string{"incident_authority", "soc", "code_of_conduct", "skill_set", "web_page"} {
		o := order(key, all)
		if slices.Index(o, 0)-slices.Index(o, 1) == 1 || slices.Index(o, 1)-slices.Index(o, 0) == 1 {
			adjacent++
		}
	}
	if adjacent > 1 {
		t.Errorf("respondents 0 and 1 are neighbours in %d of 5 column orders", adjacent)
	}
}
