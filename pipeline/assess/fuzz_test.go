package assess

import (
	"testing"
)

// FuzzParseRecommendations: any input gives recommendations that name known
// items and codes, or located errors; never a panic.
func FuzzParseRecommendations(f *testing.F) {
	q := fixture(f, "").Questionnaire
	f.Add([]byte("format: csirt-survey/recommendations/v1\nrecommendations:\n  - id: x\n    section: \"4.1\"\n    page: 1\n    title_ja: t\n    title_en: t\n    text_ja: t\n    text_en: t\n    gaps:\n      - {item: \"1.5\", any_of: [b]}\n"))
	f.Add([]byte("recommendations: [{gaps: [{item: 1.1}]}]"))
	f.Add([]byte("- a\n- b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseRecommendations("f.yaml", data, q, nil)
		if err != nil {
			return
		}
		for _, r := range recs {
			for _, g := range r.Gaps {
				if q.Item(g.Item) == nil {
					t.Fatalf("accepted unknown item %q", g.Item)
				}
			}
		}
	})
}

// FuzzReadAnswers: any CSV or JSON gives answers that Compare accepts, or an
// error; never a panic.
func FuzzReadAnswers(f *testing.F) {
	in := fixture(f, "")
	m := NewModel(in, "en")
	f.Add("team.csv", []byte("respondent_id,kind,sources\nme,a,a;e\n"))
	f.Add("team.json", []byte(`{"respondent_id":"me","kind":"a","members":7}`))
	f.Add("team.json", []byte(`{"kind":["a",1]}`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name != "team.csv" && name != "team.json" {
			return
		}
		a, _, err := ReadAnswers(in.Questionnaire, name, data, ReadOptions{})
		if err != nil {
			return
		}
		_ = m.Compare(a)
		_ = m.Markdown(a)
	})
}
