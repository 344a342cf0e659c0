package build_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// TestKilledBuildLosesNothing kills the real binary with SIGKILL at several
// moments of a build (reading, writing, renaming) and checks that every
// output is a complete, readable file, that leftovers are removed by the
// next run, and that the next run repairs the year.
func TestKilledBuildLosesNothing(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "csirtsurvey")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/csirtsurvey").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	schemas := copySchemas(t)
	os.Remove(filepath.Join(schemas, "2015", "tables.yaml")) // no reconciliation: the input is enlarged
	editProfile(t, schemas, 2015, "published: full", "published: none")
	editProfile(t, schemas, 2015, "crosstabs:\n  - {rows: S1, cols: \"1.6\"}\n", "") // the crosstabs need the tables
	raw := copyDir(t, "raw")
	os.RemoveAll(filepath.Join(raw, "2015", "published"))
	out := t.TempDir()
	args := []string{"build", "--schemas", schemas, "--raw", raw, "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r"), "-q"}
	run := func() error {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %s", err, stderr.String())
		}
		return nil
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}

	// Enlarge the responses: 100 copies of the 66 reconstructed rows.
	p := filepath.Join(raw, "2015", "responses.csv")
	data, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var big strings.Builder
	big.WriteString(lines[0] + "\n")
	for c := 0; c < 100; c++ {
		for _, l := range lines[1:] {
			id, rest, _ := strings.Cut(l, ",")
			fmt.Fprintf(&big, "%s-%d,%s\n", id, c, rest)
		}
	}
	os.WriteFile(p, []byte(big.String()), 0o644)

	start := time.Now()
	if err := run(); err != nil { // one complete big build, to time it
		t.Fatal(err)
	}
	full := time.Since(start)
	os.WriteFile(p, []byte(big.String()+lines[1]+"\n"), 0o644) // change the input again: the next runs rebuild

	delays := []time.Duration{full / 10, full / 3, full / 2, 2 * full / 3, 9 * full / 10}
	for _, d := range delays {
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(d)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		checkReadable(t, filepath.Join(out, "p"), fmt.Sprintf("after SIGKILL at %v of %v", d, full))
	}
	if err := run(); err != nil {
		t.Fatalf("run after kills: %v", err)
	}
	for name := range tree(t, out) {
		if strings.Contains(name, ".tmp-") || strings.HasSuffix(name, ".tmp") {
			t.Errorf("leftover after the repairing run: %s", name)
		}
	}
	checkReadable(t, filepath.Join(out, "p"), "after the repairing run")
	f, err := os.Open(filepath.Join(out, "p", "responses", "year=2015", "part-0.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if rows := pf.NumRows(); rows != int64(66*100+1) {
		t.Errorf("responses has %d rows after repair, want %d", rows, 66*3000+1)
	}
	// And the repaired tree is up to date.
	cmd := exec.Command(bin, args...)
	outb, err := cmd.Output()
	if err != nil || !strings.Contains(string(outb), "up to date") {
		t.Errorf("final run: %v %s", err, outb)
	}
}

// checkReadable opens every Parquet output with parquet-go: none may be partial.
func checkReadable(t *testing.T, dir, when string) {
	t.Helper()
	for name, data := range tree(t, dir) {
		if !strings.HasSuffix(name, ".parquet") || strings.Contains(name, ".tmp-") {
			continue
		}
		if _, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("%s: %s is not a complete Parquet file: %v", when, name, err)
		}
	}
}
