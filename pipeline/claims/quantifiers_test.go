package claims

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func testQuantifiers(t testing.TB) *Quantifiers {
	t.Helper()
	qs, err := LoadQuantifiers(filepath.Join("testdata", "quantifiers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func TestResolve(t *testing.T) {
	qs := testQuantifiers(t)
	for _, tc := range []struct {
		phrase  string
		kind    Kind
		ok      bool
		wording string
		rel     Relation
		value   float64
		tol     float64
		prec    float64
	}{
		{"ほぼすべて", Share, true, "ほぼすべて", Approx, 1, 0.05, 0},
		{"約7割", Share, true, "約{N}割", Approx, 0.7, 0.05, 0},
		{"8割", Share, true, "{N}割", Approx, 0.8, 0.05, 0},
		{"12%", Share, true, "{N}%", Eq, 0.12, 0, 0.01},
		{"1.5%", Share, true, "{N}%", Eq, 0.015, 0, 0.001},
		{"22件", Count, true, "{N}件", Eq, 22, 0, 0},
		{"多い", Compare, true, "多い", Gt, 0, 0, 0},
		{"多い", Share, false, "", "", 0, 0, 0},    // the kind must match
		{"約7割以上", Share, false, "", "", 0, 0, 0}, // the whole phrase must match
		{"割", Share, false, "", "", 0, 0, 0},     // {N} needs a number
		{"ほぼすべての", Share, false, "", "", 0, 0, 0},
	} {
		r, ok := qs.Resolve(tc.phrase, tc.kind)
		if ok != tc.ok {
			t.Errorf("Resolve(%q, %s): ok = %v, want %v", tc.phrase, tc.kind, ok, tc.ok)
			continue
		}
		if ok && (r.Wording != tc.wording || r.Relation != tc.rel || r.Value != tc.value || r.Tolerance != tc.tol || r.Precision != tc.prec) {
			t.Errorf("Resolve(%q, %s) = %q %s %v ±%v @%v, want %q %s %v ±%v @%v", tc.phrase, tc.kind,
				r.Wording, r.Relation, r.Value, r.Tolerance, r.Precision, tc.wording, tc.rel, tc.value, tc.tol, tc.prec)
		}
	}
}

// TestClaimsReadByQuantifiers parses claims that name no relation: the
// table gives them, a quantifier key reads a compound wording, and a claim
// that repeats what the table gives, names an unknown quantifier or reads
// past a share's bounds is refused at its line.
func TestClaimsReadByQuantifiers(t *testing.T) {
	qs := testQuantifiers(t)
	head := "format: csirt-survey/claims/v1\nreport: {year: 2015, pages: 99}\nclaims:\n"
	claim := func(id, wording, extra string) string {
		return "  - {id: " + id + ", page: 1, text_ja: x, text_en: x, wording: \"" + wording + "\", statistic: {kind: share, table: \"1.1\", rows: [1]}" + extra + "}\n"
	}
	cs, err := Parse("q.yaml", []byte(head+claim("a", "約7割", "")+claim("b", "未回答を除くと ... 8割", ", quantifier: 8割")+claim("c", "1.5%", "")), qs)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		q     string
		value float64
		prec  float64
	}{{"約{N}割", 0.7, DefaultPrecision}, {"{N}割", 0.8, DefaultPrecision}, {"{N}%", 0.015, 0.001}}
	for i, w := range want {
		if c := cs[i]; c.Quantifier != w.q || c.Value != w.value || c.Precision != w.prec {
			t.Errorf("claim %s: quantifier %q value %v precision %v, want %q %v %v", c.ID, c.Quantifier, c.Value, c.Precision, w.q, w.value, w.prec)
		}
	}
	for _, tc := range []struct {
		doc, want string
		kind      error
	}{
		{claim("a", "約7割", ", relation: approx"), "q.yaml:4:", ErrInvalid},
		{claim("a", "大半", ", quantifier: 大半"), "quantifier \"大半\" is in no entry", ErrUnknownQuantifier},
		{claim("a", "15割", ""), "a share is between 0 and 1", ErrInvalid},
		{claim("a", "大半", ""), "relation is required", ErrMissing}, // not in the table: the claim must say it
	} {
		_, err := Parse("q.yaml", []byte(head+tc.doc), qs)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: err = %v, want %q (%v)", tc.doc, err, tc.want, tc.kind)
		}
	}
}

// TestParseQuantifiersErrors: each broken table is refused with its file,
// line and entry.
func TestParseQuantifiersErrors(t *testing.T) {
	entry := func(body string) string {
		return "format: csirt-survey/quantifiers/v1\nquantifiers:\n  - " + body + "\n"
	}
	full := "kind: share, relation: gte, value: 0.5, reason_ja: r, reason_en: r"
	for _, tc := range []struct{ doc, want string }{
		{"format: other\nquantifiers: []\n", `format is "other"`},
		{entry("{wordings: [x], " + full + ", colour: red}"), `unknown key "colour"`},
		{entry("{wordings: [x], kind: share, value: 0.5, reason_ja: r, reason_en: r}"), "relation is required"},
		{entry("{wordings: [x], kind: share, relation: approx, value: 0.5, reason_ja: r, reason_en: r}"), "tolerance is required with relation approx"},
		{entry("{wordings: [\"{N}割\"], " + full + "}"), "scale is required with {N}"},
		{entry("{wordings: [\"{N}割{N}\"], kind: share, relation: gte, scale: 0.1, reason_ja: r, reason_en: r}"), "{N} (a printed number) may appear once"},
		{entry("{wordings: [x, \"{N}割\"], " + full + "}"), "either every wording of an entry has {N} or none has"},
		{entry("{wordings: [x], kind: share, relation: gte, value: 1.5, reason_ja: r, reason_en: r}"), "a share is between 0 and 1"},
		{entry("{wordings: [x], kind: share, relation: gte, value: 0.5, reason_ja: r}"), "reason_en is required"},
		{entry("{wordings: [x], " + full + "}\n  - {wordings: [x], " + full + "}"), `wording "x" of share claims is in quantifier #1 already`},
	} {
		_, err := ParseQuantifiers("t.yaml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "t.yaml:") {
			t.Errorf("%q: err = %v, want it located and to say %q", tc.doc, err, tc.want)
		}
	}
}

// TestQuantifiersJSON: the footer of processed/claims holds every entry
// with its range in words, in file order.
func TestQuantifiersJSON(t *testing.T) {
	qs := testQuantifiers(t)
	var got []map[string]any
	if err := json.Unmarshal([]byte(qs.JSON()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(qs.Entries) {
		t.Fatalf("%d entries in the JSON, want %d", len(got), len(qs.Entries))
	}
	for i, q := range qs.Entries {
		ja, en := q.Range()
		if got[i]["range_ja"] != ja || got[i]["range_en"] != en || got[i]["reason_en"] != q.ReasonEN || ja == "" || en == "" {
			t.Errorf("entry %d: %v, want ranges %q / %q", i, got[i], ja, en)
		}
	}
	if ja, en := qs.Entries[0].Range(); ja != "95%〜100%" || en != "95-100%" {
		t.Errorf("ほぼすべて accepts %q / %q, want 95%%〜100%% / 95-100%%", ja, en)
	}
}

// TestCommittedClaimsReadByTheTable: every claim of every year in the
// repository is read by the repository's quantifier table, so that one
// reading holds for every claim alike.
func TestCommittedClaimsReadByTheTable(t *testing.T) {
	root := filepath.Join("..", "..")
	years, err := os.ReadDir(filepath.Join(root, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range years {
		year, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		cs, qs, err := LoadYear(filepath.Join(root, "schemas"), filepath.Join(root, "raw"), year)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) > 0 && qs == nil {
			t.Fatalf("raw/%d has claims but schemas/ has no %s", year, QuantifiersFile)
		}
		for _, c := range cs {
			n++
			if c.Quantifier == "" {
				t.Errorf("raw/%d/claims.yaml:%d: claim %s (wording %q) is read by no entry of schemas/%s", year, c.Line, c.ID, c.Wording, QuantifiersFile)
			}
		}
	}
	if n == 0 {
		t.Fatal("no committed claims found")
	}
	t.Logf("%d claims, every one read by the table", n)
}

// FuzzParseQuantifiers: any bytes give a table or located errors, never a
// panic; an accepted table resolves its own wordings (with 7 for {N}).
func FuzzParseQuantifiers(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "quantifiers.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: csirt-survey/quantifiers/v1\nquantifiers:\n  - {wordings: [\"{N}割\"], kind: share, relation: lt, scale: 0.1, tolerance: 0.05, reason_ja: r, reason_en: r}\n"))
	f.Add([]byte("quantifiers: [{wordings: [\"{N\"]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := ParseQuantifiers("f.yaml", data)
		if err != nil {
			var list ErrorList
			if qs != nil || !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("a rejected table: %v, %v", qs, err)
			}
			for _, e := range list {
				if e.File != "f.yaml" || e.Msg == "" {
					t.Fatalf("badly located error: %+v", e)
				}
			}
			return
		}
		for _, q := range qs.Entries {
			for _, w := range q.Wordings {
				phrase := strings.ReplaceAll(w, "{N}", "7")
				if _, ok := qs.Resolve(phrase, q.Kind); !ok {
					t.Fatalf("the table does not read its own wording %q as %q", w, phrase)
				}
			}
			q.Range()
		}
		_ = qs.JSON()
	})
}
