package assess

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

const (
	fixSchemas = "testdata/fixture/schemas"
	fixRaw     = "testdata/fixture/raw"
	fixYear    = 2099
)

func fixture(t testing.TB, prov survey.Provenance) Inputs {
	t.Helper()
	return loadYear(t, fixSchemas, fixRaw, fixYear, prov)
}

func i64(v int64) *int64 { return &v }

func TestCompareFixture(t *testing.T) {
	in := fixture(t, "reconstructed")
	m := NewModel(in, "en")
	type want struct {
		key, code, row string
		count, n       *int64 // nil: unknown
		share          string
	}
	cases := []struct {
		name string
		a    Answers
		want []want
	}{
		{"single option", Answers{"kind": {"a"}}, []want{{"1.1", "a", "", i64(6), i64(10), "60.0 %"}}},
		// 1.1 row 2 is lost; the single-answer table's rows add up to N: 10 - 6 - 1 - 1 = 2 (inferred)
		{"lost count inferred", Answers{"kind": {"b"}}, []want{{"1.1", "b", "", i64(2), i64(10), "20.0 %"}}},
		{"follow-up asked", Answers{"kind": {"a"}, "sources": {"e"}},
			[]want{{"1.1", "a", "", i64(6), i64(10), "60.0 %"}, {"1.2", "e", "", i64(1), i64(6), "16.7 %"}}},
		{"follow-up not asked is not compared", Answers{"kind": {"b"}, "sources": {"a"}},
			[]want{{"1.1", "b", "", i64(2), i64(10), "20.0 %"}}},
		{"integer bin", Answers{"members": {"3"}}, []want{{"1.3", "lt5", "", i64(4), i64(10), "40.0 %"}}},
		{"integer bin, open", Answers{"members": {"12"}}, []want{{"1.3", "5plus", "", i64(4), i64(10), "40.0 %"}}},
		{"year-month bin with a lost count", Answers{"started": {"2013-05"}}, []want{{"1.4", "early", "", nil, i64(10), "?"}}},
		{"matrix: provided and sourcing", Answers{"services__a__provision": {"provided"}, "services__a__sourcing": {"inhouse"}},
			[]want{{"1.6/all", "a", "a", i64(5), i64(10), "50.0 %"}, {"1.6.a", "inhouse", "a", i64(3), i64(5), "60.0 %"}}},
		{"matrix: sourcing of a row not provided is not compared", Answers{"services__a__provision": {"not_provided"}, "services__a__sourcing": {"inhouse"}},
			nil},
		{"nothing answered", Answers{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := m.Compare(c.a)
			if len(got) != len(c.want) {
				t.Fatalf("%d matches, want %d: %+v", len(got), len(c.want), got)
			}
			for i, w := range c.want {
				g := got[i]
				if g.Inferred != (g.Key == "1.1" && g.Code == "b") {
					t.Errorf("match %d: inferred = %v", i, g.Inferred)
				}
				if g.Key != w.key || g.Code != w.code || g.Row != w.row || !eqp(g.Count, w.count) || !eqp(g.N, w.n) || g.Share() != w.share {
					t.Errorf("match %d = %s %s row %q count %v n %v %s, want %+v", i, g.Key, g.Code, g.Row, deref(g.Count), deref(g.N), g.Share(), w)
				}
			}
		})
	}
}

func eqp(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestPermilleRoundsHalfUp(t *testing.T) {
	for _, c := range []struct{ c, n, want int64 }{{1, 80, 13}, {1, 3, 333}, {2, 3, 667}, {1, 8, 125}, {0, 5, 0}, {5, 5, 1000}} {
		if got := permille(c.c, c.n); got != c.want {
			t.Errorf("permille(%d, %d) = %d, want %d", c.c, c.n, got, c.want)
		}
	}
}

func TestProfilesAndPercentile(t *testing.T) {
	in := fixture(t, "collected")
	in.Scores = sortScores([]ScoreCount{{1, 1}, {4, 1}, {2, 1}, {1, 1}})
	m := NewModel(in, "en")
	ps := m.Profiles(Answers{"policy": {"a"}})
	if len(ps) != 1 || ps[0].Item != "policy" {
		t.Fatalf("profiles = %+v, want one for policy", ps)
	}
	p := ps[0]
	// 1.5: High (level 4) 3, Low (level 0) 5.
	if p.Level == nil || *p.Level != 4 || p.Total != 8 || p.Counts[0] != 5 || p.Counts[4] != 3 || !p.Known {
		t.Fatalf("profile = %+v", p)
	}
	if p.Q1 != 0 || p.Median != 0 || p.Q3 != 4 {
		t.Errorf("quartiles = %d %d %d, want 0 0 4", p.Q1, p.Median, p.Q3)
	}
	score, ok := m.Score(Answers{"policy": {"a"}})
	if !ok || score != 4 {
		t.Fatalf("score = %v %v", score, ok)
	}
	// peers 1, 1, 2, 4: below 4 are three, one tie counts half: 3.5 / 4.
	if pm, ok := m.Percentile(score); !ok || pm != 875 {
		t.Errorf("percentile = %d %v, want 875", pm, ok)
	}
	if pm, ok := m.Percentile(2); !ok || pm != 625 {
		t.Errorf("percentile(2) = %d %v, want 625", pm, ok)
	}
	// reconstructed rows: no statistic that combines items
	in.Provenance = "reconstructed"
	if _, ok := NewModel(in, "en").Percentile(score); ok {
		t.Error("a percentile for reconstructed rows")
	}
	md := NewModel(in, "en").Markdown(Answers{"policy": {"a"}})
	if !strings.Contains(md, "rows are reconstructed, so they are not shown") {
		t.Errorf("markdown does not say why the percentile is missing:\n%s", md)
	}
	// collected rows whose maturity levels the build did not keep
	in.Provenance, in.Scores = survey.Collected, nil
	if md := NewModel(in, "en").Markdown(Answers{"policy": {"a"}}); !strings.Contains(md, "SIM3 levels are not part of this build") {
		t.Errorf("markdown for collected rows without scores:\n%s", md)
	}
	in.Provenance = ""
	if md := NewModel(in, "en").Markdown(Answers{"policy": {"a"}}); !strings.Contains(md, "this year has none") {
		t.Errorf("markdown for a year without respondent rows:\n%s", md)
	}
}

func TestGaps(t *testing.T) {
	m := NewModel(fixture(t, ""), "en")
	hits := m.Gaps(Answers{"policy": {"b"}, "kind": {"a"}})
	if len(hits) != 1 || hits[0].Rec.ID != "policy" || strings.Join(hits[0].Items, ",") != "1.5" {
		t.Fatalf("gaps = %+v", hits)
	}
	if f := hits[0].Rec.Figures; len(f) != 1 || f[0].ClaimID != "p10-kind-a-most" || f[0].Computed == nil || *f[0].Computed != 0.6 || f[0].Kind != "share" {
		t.Errorf("figures = %+v", f)
	}
	if hits := m.Gaps(Answers{"policy": {"a"}}); len(hits) != 0 {
		t.Errorf("gaps for a team with no gap: %+v", hits)
	}
}

func TestRecommendationErrors(t *testing.T) {
	in := fixture(t, "")
	q := in.Questionnaire
	claimIDs := []string{"p10-kind-a-most"}
	good := "format: csirt-survey/recommendations/v1\nrecommendations:\n  - id: x\n    section: \"4.1\"\n    page: 1\n    title_ja: t\n    title_en: t\n    text_ja: t\n    text_en: t\n    claims: [p10-kind-a-most]\n    gaps:\n      - {item: \"1.5\", any_of: [b]}\n"
	if _, err := ParseRecommendations("r.yaml", []byte(good), q, claimIDs); err != nil {
		t.Fatalf("good file: %v", err)
	}
	cases := []struct {
		name, from, to, want string
		kind                 error
	}{
		{"unknown item", `item: "1.5"`, `item: "9.9"`, `r.yaml:12:16: recommendation x: item "9.9" is not in the questionnaire`, yamlsrc.ErrInvalid},
		{"unknown code", `any_of: [b]`, `any_of: [z]`, `r.yaml:12:31: recommendation x: item 1.5 has no option "z"`, yamlsrc.ErrInvalid},
		{"non-choice item", `item: "1.5"`, `item: "1.3"`, `item 1.3 is a integer item`, yamlsrc.ErrInvalid},
		{"unknown claim", `[p10-kind-a-most]`, `[p99-nope]`, `r.yaml:10:13: recommendation x: claim "p99-nope" is not in the year's claims.yaml`, yamlsrc.ErrInvalid},
		{"missing text", "    text_en: t\n", "", `text_en is missing`, yamlsrc.ErrMissing},
		{"unknown key", "    page: 1\n", "    page: 1\n    colour: red\n", `unknown key "colour"`, yamlsrc.ErrUnknownKey},
		{"wrong format", "recommendations/v1", "recommendations/v9", `r.yaml:1:9: format is "csirt-survey/recommendations/v9"`, yamlsrc.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(good, c.from, c.to, 1)
			_, err := ParseRecommendations("r.yaml", []byte(doc), q, claimIDs)
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want it to contain %q and be %v", err, c.want, c.kind)
			}
		})
	}
}

var dataRE = regexp.MustCompile(`(?s)<script type="application/json" id="assess-data">(.*?)</script>`)

func TestPageSelfContainedAndDeterministic(t *testing.T) {
	in := loadYear(t, "testdata/hostile/schemas", fixRaw, fixYear, "reconstructed")
	a, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, page := range a {
		if !bytes.Equal(page, b[name]) {
			t.Errorf("%s: two renders differ", name)
		}
		s := string(page)
		if !strings.Contains(s, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
			t.Errorf("%s: no Content-Security-Policy forbidding requests", name)
		}
		for _, bad := range []string{"<img", "window.__pwned=true</script>", `src="http`, `href="http`, "@import", "url("} {
			if strings.Contains(s, bad) {
				t.Errorf("%s: contains %q", name, bad)
			}
		}
		// exactly the two script elements we write: the data and the code
		if n := strings.Count(s, "<script"); n != 2 {
			t.Errorf("%s: %d script elements, want 2", name, n)
		}
		mm := dataRE.FindStringSubmatch(s)
		if mm == nil {
			t.Fatalf("%s: no data element", name)
		}
		var model Model
		if err := json.Unmarshal([]byte(mm[1]), &model); err != nil {
			t.Fatalf("%s: data does not parse: %v", name, err)
		}
		if !strings.Contains(model.Items[0].Text, `<img src=x onerror="window.__pwned=true">`) {
			t.Errorf("%s: the hostile label did not survive as data: %q", name, model.Items[0].Text)
		}
	}
}
