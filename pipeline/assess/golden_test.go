package assess

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestMarkdownGolden keeps the command's Markdown for a fixture team, in both
// languages, as golden files (go test ./pipeline/assess -run Golden -update).
func TestMarkdownGolden(t *testing.T) {
	in := fixture(t, survey.Collected)
	in.Scores = sortScores([]ScoreCount{{0, 2}, {1, 1}, {2, 1}, {4, 1}})
	team := Answers{"kind": {"a"}, "sources": {"a"}, "members": {"3"}, "started": {"2013-05"}, "policy": {"b"},
		"services__a__provision": {"provided"}, "services__a__sourcing": {"inhouse"}, "services__w__provision": {"not_provided"}}
	for _, lang := range []string{"ja", "en"} {
		got := NewModel(in, lang).Markdown(team)
		path := filepath.Join("testdata", "golden", "fixture."+lang+".md")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./pipeline/assess -run Golden -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the Markdown written now (review, then -update):\n%s", path, got)
		}
	}
}
