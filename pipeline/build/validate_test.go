package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
)

// Validate names the kind of every input file of the fictional tree, checks
// the crosswalk against the previous year, and reports a file it cannot
// read as such instead of skipping it.
func TestValidate(t *testing.T) {
	fictional := filepath.Join(repo, "testdata", "fictional")
	got := build.Validate(context.Background(), []string{filepath.Join(fictional, "schemas"), filepath.Join(fictional, "raw", "2099")})
	kinds := map[string]string{}
	for _, c := range got {
		if c.Err != nil {
			t.Errorf("%s: %v", c.Path, c.Err)
		}
		kinds[filepath.ToSlash(strings.TrimPrefix(c.Path, fictional+string(filepath.Separator)))] = c.Kind
	}
	for path, kind := range map[string]string{
		"schemas/2015/questionnaire.yaml": "questionnaire",
		"schemas/2015/survey.yaml":        "survey profile",
		"schemas/2099/crosswalk.yaml":     "crosswalk",
		"raw/2099/mapping.yaml":           "responses mapping",
	} {
		if kinds[path] != kind {
			t.Errorf("%s validated as %q, want %q (all: %v)", path, kinds[path], kind, kinds)
		}
	}

	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("format: something/else\n"), 0o644)
	cw, _ := os.ReadFile(filepath.Join(fictional, "schemas", "2099", "crosswalk.yaml"))
	os.MkdirAll(filepath.Join(dir, "2099"), 0o755)
	os.WriteFile(filepath.Join(dir, "2099", "crosswalk.yaml"), cw, 0o644) // no questionnaire next to it
	got = build.Validate(context.Background(), []string{dir})
	if len(got) != 2 {
		t.Fatalf("%d files checked, want 2: %+v", len(got), got)
	}
	for _, c := range got {
		switch filepath.Base(c.Path) {
		case "notes.yaml":
			if !errors.Is(c.Err, build.ErrUnknownInput) || !strings.Contains(c.Err.Error(), `format "something/else"`) {
				t.Errorf("notes.yaml: %v", c.Err)
			}
		case "crosswalk.yaml":
			if c.Err == nil || !strings.Contains(c.Err.Error(), "needs the year's questionnaire.yaml next to it") {
				t.Errorf("crosswalk without its questionnaire: %v", c.Err)
			}
		}
	}
}
