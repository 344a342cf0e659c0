package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
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

// buildTree copies the 2015 inputs (and the quantifier table its claims
// are read by) into a temporary tree whose raw
// responses (or raw/ folders) a test can then spoil.
func buildTree(t *testing.T) (root string, args func(extra ...string) []string) {
	t.Helper()
	root = t.TempDir()
	for _, dir := range []string{"schemas/2015", "schemas/" + claims.QuantifiersFile, "raw/2015"} {
		src := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join("..", ".."), p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return root, func(extra ...string) []string {
		return append([]string{"build", "--schemas", filepath.Join(root, "schemas"), "--raw", filepath.Join(root, "raw"),
			"--processed", filepath.Join(root, "processed"), "--reports", filepath.Join(root, "reports")}, extra...)
	}
}

// Usage errors exit 2; every failing build prints its summary line on
// stdout; invalid raw inputs exit 3 with a message naming the file.
func TestExitCodesAndMessages(t *testing.T) {
	root, args := buildTree(t)
	responses := filepath.Join(root, "raw", "2015", "responses.csv")
	full, err := os.ReadFile(responses)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(full), "\n")
	tests := []struct {
		name   string
		setup  func()
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"unknown subcommand", nil, []string{"bild"}, exitUsage, "", `unknown command "bild"`},
		{"log format", nil, args("--log-format", "xml"), exitUsage, "csirtsurvey build: failed (exit 2: usage error)", `--log-format is text or json, not "xml"`},
		{"negative batch size", nil, args("--batch-size", "-5"), exitUsage, "failed (exit 2", "--batch-size is a positive number"},
		{"batch size not a number", nil, args("--batch-size", "many"), exitUsage, "failed (exit 2", `invalid argument "many"`},
		{"zero limit", nil, args("--max-cell-bytes", "0"), exitUsage, "failed (exit 2", "--max-cell-bytes must be a positive number, or -1"},
		{"header only", func() { os.WriteFile(responses, []byte(header+"\n"), 0o644) }, args(), exitInvalid,
			"csirtsurvey build: failed (exit 3: invalid input)", "no_rows"},
		{"quarantine rejects every row", func() {
			os.WriteFile(responses, []byte(header+"\nr1,reconstructed"+strings.Repeat(",", strings.Count(header, ",")-1)+"\n"), 0o644)
			// Make the one row invalid: an unknown provenance.
			os.WriteFile(responses, []byte(header+"\nr1,invented"+strings.Repeat(",", strings.Count(header, ",")-1)+"\n"), 0o644)
		}, args("--quarantine"), exitInvalid, "failed (exit 3", "all_rejected"},
		{"raw folder not a year", func() {
			os.WriteFile(responses, full, 0o644)
			os.MkdirAll(filepath.Join(root, "raw", "2O16"), 0o755)
		}, args(), exitInvalid, "failed (exit 3", "raw/2O16 is not a survey year"},
		{"raw folder fy2016", func() {
			os.Remove(filepath.Join(root, "raw", "2O16"))
			os.MkdirAll(filepath.Join(root, "raw", "fy2016"), 0o755)
		}, args(), exitInvalid, "failed (exit 3", "raw/fy2016 is not a survey year"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %.2000s", code, tc.code, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", &stdout, tc.stdout)
			}
			if !strings.Contains(filepath.ToSlash(stderr.String()), tc.stderr) {
				t.Errorf("stderr %.2000q does not contain %q", &stderr, tc.stderr)
			}
		})
	}
}

// TestCancelledContextExits130 runs build, validate and synth with a context
// that is already cancelled, as main's is after SIGINT: each stops, says it
// was interrupted and exits 130; build and synth replace nothing.
func TestCancelledContextExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := t.TempDir()
	synthOut := filepath.Join(out, "synth.csv")
	if err := os.WriteFile(synthOut, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"build", "--schemas", "../../schemas", "--raw", "../../raw", "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r"), "-q"},
		{"validate", "../../schemas"},
		{"synth", "--year", firstYear(t), "--schemas", "../../schemas", "--raw", "../../raw", "-n", "100000", "--out", synthOut},
	} {
		var stdout, stderr bytes.Buffer
		if code := runContext(ctx, args, &stdout, &stderr); code != exitInterrupted {
			t.Errorf("%v: exit %d, want %d\nstderr: %s", args, code, exitInterrupted, stderr.String())
		}
		if !strings.Contains(stderr.String(), "interrupt") {
			t.Errorf("%v: stderr does not say it was interrupted: %s", args, stderr.String())
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(out, "p")); len(ents) > 0 {
		t.Errorf("the cancelled build wrote %d entries under processed/", len(ents))
	}
	if data, _ := os.ReadFile(synthOut); string(data) != "old\n" {
		t.Errorf("the cancelled synth replaced its output")
	}
}

// firstYear is the first survey year of the repository's schemas.
func firstYear(t *testing.T) string {
	t.Helper()
	years, err := build.Years("../../schemas")
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(years[0])
}
