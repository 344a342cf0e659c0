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

// The inputs a year's profile declares are the inputs it must have: a
// missing, misnamed or undeclared file fails the build with exit 3 (invalid
// input) naming the file and what was expected, and nothing is written.
func TestProfileDeclaresInputs(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, schemas, raw string)
		want []string
	}{
		{"misnamed responses", func(t *testing.T, schemas, raw string) {
			os.Rename(filepath.Join(raw, "2015", "responses.csv"), filepath.Join(raw, "2015", "Responses.csv"))
		}, []string{"Responses.csv is not a name the build reads", "responses.csv or responses.xlsx"}},
		{"missing responses", func(t *testing.T, schemas, raw string) {
			os.Remove(filepath.Join(raw, "2015", "responses.csv"))
		}, []string{"declares respondent rows (data.responses: reconstructed)", "has no responses.csv or responses.xlsx"}},
		{"undeclared responses", func(t *testing.T, schemas, raw string) {
			editProfile(t, schemas, 2015, "responses: reconstructed", "responses: none")
		}, []string{"holds respondent rows but", "says data.responses: none"}},
		{"missing published tables", func(t *testing.T, schemas, raw string) {
			os.RemoveAll(filepath.Join(raw, "2015", "published"))
		}, []string{"declares published tables (data.published: full)", "published/*.yaml are needed"}},
		{"no data at all", func(t *testing.T, schemas, raw string) {
			editProfile(t, schemas, 2015, "responses: reconstructed", "responses: none")
			editProfile(t, schemas, 2015, "published: full", "published: none")
			os.Remove(filepath.Join(raw, "2015", "responses.csv"))
			os.Remove(filepath.Join(schemas, "2015", "tables.yaml"))
			os.RemoveAll(filepath.Join(raw, "2015", "published"))
		}, []string{"neither respondent rows nor published tables"}},
		{"no profile", func(t *testing.T, schemas, raw string) {
			os.Remove(filepath.Join(schemas, "2015", "survey.yaml"))
		}, []string{"survey.yaml is missing: every survey year needs a profile"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tempConfig(t, copySchemas(t))
			cfg.RawDir = copyDir(t, "raw")
			cfg.Years = []int{2015}
			tc.edit(t, cfg.SchemasDir, cfg.RawDir)
			_, err := build.Run(context.Background(), cfg)
			if !errors.Is(err, build.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if files := tree(t, cfg.ProcessedDir); len(files) != 0 {
				t.Errorf("a refused build wrote %d files", len(files))
			}
		})
	}
}
