package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReconstructCommand runs reconstruct on the fictional year of
// pipeline/reconstruct/testdata/fixture: it writes the two outputs (equal to
// the package's golden files), and a year without reconstruction.yaml fails
// with exit code 3, naming the missing file.
func TestReconstructCommand(t *testing.T) {
	fixture := filepath.Join("..", "..", "pipeline", "reconstruct", "testdata", "fixture")
	schemas := filepath.Join(fixture, "schemas")
	raw := t.TempDir()
	copyReconstructFixture(t, filepath.Join(fixture, "raw"), raw)

	var stdout, stderr bytes.Buffer
	if code := run([]string{"reconstruct", "--year", "2099", "--schemas", schemas, "--raw", raw}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d\nstdout: %s\nstderr: %s", code, &stdout, &stderr)
	}
	if !strings.Contains(stdout.String(), "reconstructed 6 respondents of 2099") {
		t.Errorf("stdout = %q", &stdout)
	}
	for out, golden := range map[string]string{"responses.csv": "responses.csv.golden", "RECONSTRUCTION.md": "RECONSTRUCTION.md.golden"} {
		got, err := os.ReadFile(filepath.Join(raw, "2099", out))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(fixture, golden))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s", out, golden)
		}
	}

	missing := filepath.Join(raw, "2099", "reconstruction.yaml")
	if err := os.Remove(missing); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"reconstruct", "--year", "2099", "--schemas", schemas, "--raw", raw}, &stdout, &stderr); code != exitInvalid {
		t.Errorf("without decisions: exit code %d, want %d\nstderr: %s", code, exitInvalid, &stderr)
	}
	if want := missing + " does not exist: survey year 2099 has no reconstruction decisions"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not contain %q", &stderr, want)
	}

	stderr.Reset()
	if code := run([]string{"reconstruct", "--schemas", schemas, "--raw", raw}, &stdout, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "--year is required") {
		t.Errorf("without --year: exit code %d, stderr %q", code, &stderr)
	}
}

// copyReconstructFixture copies the regular files under src to dst.
func copyReconstructFixture(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
