package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssessCommand(t *testing.T) {
	fix := filepath.Join("..", "..", "pipeline", "assess", "testdata", "fixture")
	dir := t.TempDir()
	header := "respondent_id,provenance,kind,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n"
	good := filepath.Join(dir, "team.csv")
	os.WriteFile(good, []byte(header+"me,collected,a,e,3,2014-03,b,provided,inhouse,not_provided,\n"), 0o644)
	notAsked := filepath.Join(dir, "not-asked.csv")
	os.WriteFile(notAsked, []byte(header+"me,collected,b,a,,,,,,,\n"), 0o644)
	html := filepath.Join(dir, "team.html")
	base := []string{"assess", "--year", "2099", "--schemas", filepath.Join(fix, "schemas"), "--raw", filepath.Join(fix, "raw"), "--processed", filepath.Join(dir, "none")}
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"markdown", append(base, good), exitOK, "| 1.1 | 1.1 | A | 60.0 % | 6 | 10 | all respondents |", ""},
		{"matrix and follow-up", append(base, good), exitOK, "| 1.6 | 1.6.a | a: In-house | 60.0 % | 3 | 5 | respondents asked |", ""},
		{"recommendation for a gap", append(base, good), exitOK, "### 4.1 Set a policy", ""},
		{"japanese", append(base, "--lang", "ja", good), exitOK, "| 1.1 | 1.1 | 甲 | 60.0 % | 6 | 10 | 全回答組織 |", ""},
		{"html", append(base, "--out", html, good), exitOK, "| 1.1 |", ""},
		{"answers not asked", append(base, notAsked), exitInvalid, "", "not-asked.csv:2: column sources (item 1.2)"},
		{"no file", base, exitUsage, "", "name one file of answers"},
		{"missing file", append(base, filepath.Join(dir, "nope.csv")), exitUsage, "", "nope.csv"},
		{"bad lang", append(base, "--lang", "fr", good), exitUsage, "", "want ja or en"},
		{"bad out", append(base, "--out", "x.pdf", good), exitUsage, "", "name a .html or .md file"},
		{"unknown year", []string{"assess", "--year", "2098", "--schemas", filepath.Join(fix, "schemas"), good}, exitInvalid, "", "2098"},
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
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `"initial":{"kind":["a"]`) {
		t.Errorf("--out page does not open with the answers")
	}
}
