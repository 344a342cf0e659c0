package columns

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		parsed    Name
	}{
		{Cell("services", "w", "provided"), "services__w__provided", Name{Item: "services", Parts: []string{"w", "provided"}}},
		{Flag("sources", "a"), "sources__a", Name{Item: "sources", Parts: []string{"a"}}},
		{Asked("policy"), "policy__asked", Name{Item: "policy", Suffix: SuffixAsked}},
		{Asked(Cell("s", "r", "c")), "s__r__c__asked", Name{Item: "s", Parts: []string{"r", "c"}, Suffix: SuffixAsked}},
		{Coded("members"), "members__coded", Name{Item: "members", Suffix: SuffixCoded}},
		{OtherText("kind", "z"), "kind__z__text", Name{Item: "kind", Parts: []string{"z"}, Suffix: SuffixText}},
		{RowText("services", "w"), "services__w__text", Name{Item: "services", Parts: []string{"w"}, Suffix: SuffixText}},
		{RowCoded("services", "w"), "services__w__coded", Name{Item: "services", Parts: []string{"w"}, Suffix: SuffixCoded}},
		{Flag(Cell("m", "r", "c"), "b"), "m__r__c__b", Name{Item: "m", Parts: []string{"r", "c", "b"}}},
		{"kind", "kind", Name{Item: "kind"}},
	} {
		if tc.got != tc.want {
			t.Errorf("constructor gave %q, want %q", tc.got, tc.want)
		}
		p := Parse(tc.got)
		if p.Item != tc.parsed.Item || !slices.Equal(p.Parts, tc.parsed.Parts) || p.Suffix != tc.parsed.Suffix {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.got, p, tc.parsed)
		}
		if s := p.String(); s != tc.got {
			t.Errorf("Parse(%q).String() = %q", tc.got, s)
		}
	}
}

// TestNamesOfFixture parses every column name of the minimal questionnaire
// and checks the parts against what the column says it is, and that a
// column's Codes are what its csirt.codes metadata says.
func TestNamesOfFixture(t *testing.T) {
	kinds := map[Kind]bool{}
	for _, path := range []string{
		filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"),
		filepath.Join("..", "..", "testdata", "fictional", "schemas", "2099", "questionnaire.yaml"),
	} {
		q, err := questionnaire.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		checkNames(t, q, kinds)
	}
	for _, k := range []Kind{KindAnswer, KindFlag, KindOtherText, KindAsked, KindCoded} {
		if !kinds[k] {
			t.Errorf("the fixtures have no column of kind %s: the test does not cover it", k)
		}
	}
}

func checkNames(t *testing.T, q *questionnaire.Questionnaire, kinds map[Kind]bool) {
	t.Helper()
	for _, it := range q.Items {
		for _, c := range ItemColumns(it) {
			kinds[c.Kind] = true
			var meta []Code
			if v, ok := c.Metadata.GetValue(MetaCodes); ok {
				if err := json.Unmarshal([]byte(v), &meta); err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
			}
			if !slices.Equal(meta, c.Codes) {
				t.Errorf("%s: Codes %v, metadata %v", c.Name, c.Codes, meta)
			}
			n := Parse(c.Name)
			if n.Item != it.ID {
				t.Errorf("%s: item %q, want %q", c.Name, n.Item, it.ID)
			}
			want := map[Kind]string{KindAsked: SuffixAsked, KindCoded: SuffixCoded, KindOtherText: SuffixText}[c.Kind]
			if n.Suffix != want {
				t.Errorf("%s (%s): suffix %q, want %q", c.Name, c.Kind, n.Suffix, want)
			}
			if c.Row != "" && (len(n.Parts) == 0 || n.Parts[0] != c.Row) {
				t.Errorf("%s: parts %v do not start with row %q", c.Name, n.Parts, c.Row)
			}
			if c.Kind == KindFlag && n.Parts[len(n.Parts)-1] != c.Code {
				t.Errorf("%s: parts %v do not end with code %q", c.Name, n.Parts, c.Code)
			}
		}
	}
}

func FuzzParseRoundTrip(f *testing.F) {
	for _, s := range []string{"a", "a__b", "a__b__c__asked", "a____b", "__", "a__coded__text", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Parse(s)
		if got := n.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		if strings.Contains(n.Item, Sep) {
			t.Fatalf("Parse(%q): item %q holds %q", s, n.Item, Sep)
		}
	})
}
