package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func TestExitCodes(t *testing.T) {
	// What the build of the committed tree says follows from its files: the
	// years it holds and the first year's questionnaire.
	years, err := build.Years(filepath.Join("..", "..", "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join("..", "..", "schemas", strconv.Itoa(years[0]), "questionnaire.yaml")
	q, err := questionnaire.Load(good)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	os.WriteFile(broken, []byte("format: csirt-survey/questionnaire/v1\nitems:\n  - id: a\n    number: \"1.1\"\n    type: radio\n"), 0o644)
	out := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"--help"}, exitOK, "Usage:", ""},
		{"validate ok", []string{"validate", good}, exitOK, fmt.Sprintf("ok (questionnaire: %d items", len(q.Items)), ""},
		{"validate broken", []string{"validate", broken}, exitInvalid, "", `broken.yaml:5:11: item 1.1: unknown type "radio"`},
		{"validate nothing", []string{"validate"}, exitUsage, "", "name at least one file or directory"},
		{"unknown flag", []string{"build", "--nope"}, exitUsage, "", "unknown flag: --nope"},
		{"build extra args", []string{"build", "x"}, exitUsage, "", "takes no arguments"},
		{"build missing schemas", []string{"build", "--schemas", filepath.Join(out, "none")}, exitFailure, "", "list survey years"},
		{"build", []string{"build", "--schemas", filepath.Join("..", "..", "schemas"), "--raw", filepath.Join("..", "..", "raw"), "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r")},
			exitOK, fmt.Sprintf("csirtsurvey build: built %v", years), ""},
		{"build again is a no-op", []string{"build", "--schemas", filepath.Join("..", "..", "schemas"), "--raw", filepath.Join("..", "..", "raw"), "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r")},
			exitOK, fmt.Sprintf("up to date, nothing to do (%d year(s) unchanged: %v)", len(years), years), ""},
		{"unknown year", []string{"build", "--schemas", filepath.Join("..", "..", "schemas"), "--year", "1999"}, exitInvalid, "", "no survey year 1999"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", &stdout, tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", &stderr, tc.stderr)
			}
		})
	}
}
