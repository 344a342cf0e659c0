package build_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/parquet-go/parquet-go"
)

// signalTree is a built tree and a larger input that the signal tests build
// again and stop part-way.
type signalTree struct {
	bin  string
	args []string // a verbose build of the enlarged input, debug logs on stderr
	out  string   // holds p/ (processed) and r/ (reports)
	rows int64    // respondents in the enlarged input
	year int      // the year whose input is enlarged
}

// newSignalTree builds the binary and the committed tree (without the
// published tables: the enlarged input would not reconcile), then enlarges
// the responses to 300 copies of their rows, read in batches of 50, so that
// a build has hundreds of batches to be stopped in.
func newSignalTree(t *testing.T) *signalTree {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "csirtsurvey")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/csirtsurvey").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	schemas := copySchemas(t)
	year := firstYearWithResponses(t, schemas)
	y := fmt.Sprint(year)
	os.Remove(filepath.Join(schemas, y, "tables.yaml"))
	editProfile(t, schemas, year, "published: full", "published: none")
	dropCrosstabs(t, schemas, year) // they need the tables
	raw := copyDir(t, "raw")
	os.RemoveAll(filepath.Join(raw, y, "published"))
	out := t.TempDir()
	st := &signalTree{bin: bin, out: out, year: year}
	base := []string{"build", "--schemas", schemas, "--raw", raw, "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r")}
	if err := exec.Command(bin, append(base, "-q")...).Run(); err != nil {
		t.Fatalf("first build: %v", err)
	}
	p := filepath.Join(raw, y, "responses.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var big strings.Builder
	big.WriteString(lines[0] + "\n")
	for c := 0; c < 300; c++ {
		for _, l := range lines[1:] {
			id, rest, _ := strings.Cut(l, ",")
			fmt.Fprintf(&big, "%s-%d,%s\n", id, c, rest)
		}
	}
	if err := os.WriteFile(p, []byte(big.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	st.rows = int64(300 * (len(lines) - 1))
	st.args = append(base, "-v", "--batch-size", "50")
	return st
}

// startUntil starts the build and returns once a line of its stderr contains
// marker, with the command still running (its stderr keeps being drained
// into log). It fails the test if the build ends first.
func (st *signalTree) startUntil(t *testing.T, marker string, nth int) (cmd *exec.Cmd, log *bytes.Buffer, done <-chan struct{}) {
	t.Helper()
	cmd = exec.Command(st.bin, st.args...)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	log = new(bytes.Buffer)
	sc := bufio.NewScanner(stderr)
	sc.Buffer(nil, 1<<20)
	seen := 0
	for sc.Scan() {
		fmt.Fprintln(log, sc.Text())
		if strings.Contains(sc.Text(), marker) {
			if seen++; seen == nth {
				break
			}
		}
	}
	if seen < nth {
		cmd.Wait()
		t.Fatalf("the build ended before its stderr said %q %d times:\n%s", marker, nth, log)
	}
	ch := make(chan struct{})
	go func() {
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text()) // read by the test only after done
		}
		io.Copy(io.Discard, stderr)
		close(ch)
	}()
	return cmd, log, ch
}

// outputs is every output file but the temporary files of a build.
func (st *signalTree) outputs(t *testing.T) map[string][]byte {
	t.Helper()
	files := tree(t, st.out)
	for name := range files {
		if isTemp(name) {
			delete(files, name)
		}
	}
	return files
}

func isTemp(name string) bool {
	return strings.Contains(name, ".tmp-") || strings.HasSuffix(name, ".tmp")
}

// sameOutputs fails unless the outputs are byte for byte those of before.
func sameOutputs(t *testing.T, before, after map[string][]byte, when string) {
	t.Helper()
	for name, data := range before {
		if got, ok := after[name]; !ok {
			t.Errorf("%s: %s is gone", when, name)
		} else if !bytes.Equal(got, data) {
			t.Errorf("%s: %s was replaced", when, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: %s is new", when, name)
		}
	}
}

// TestStoppedBuildReplacesNothing stops the real binary part-way through a
// build, at moments its own debug log names, and checks what a user finds
// afterwards:
//   - SIGKILL (before the responses are read, after the first batch, in the
//     middle of the responses, after the last one): the process died by the
//     signal, before it logged "committing outputs", and every output is the
//     one of the last good build, byte for byte;
//   - SIGINT and SIGTERM: the build exits 130, says it was interrupted,
//     replaces nothing and leaves no temporary file.
//
// A repairing run then removes the leftovers of the kills and builds the
// enlarged input in full. (A kill during the commit itself is tested at
// every rename with the hook CSIRTSURVEY_TEST_KILL_AFTER_RENAMES.)
func TestStoppedBuildReplacesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and the tree several times")
	}
	st := newSignalTree(t)
	before := st.outputs(t)
	if len(before) == 0 {
		t.Fatal("the first build wrote nothing")
	}
	batches := (st.rows + 49) / 50
	kills := []struct {
		name   string
		marker string
		nth    int
	}{
		{"before the responses", `msg=building`, 1},
		{"after the first batch", `msg="respondents read"`, 1},
		{"mid-responses", `msg="respondents read"`, int(batches / 2)},
		{"after the responses", `msg="responses read"`, 1},
	}
	for _, k := range kills {
		t.Run("SIGKILL "+k.name, func(t *testing.T) {
			cmd, log, done := st.startUntil(t, k.marker, k.nth)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill: %v", err)
			}
			err := cmd.Wait()
			<-done
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the build was not killed by SIGKILL (wait: %v, state %v):\n%s", err, cmd.ProcessState, log)
			}
			if strings.Contains(log.String(), "committing outputs") {
				t.Fatalf("the kill came after the commit began:\n%s", log)
			}
			sameOutputs(t, before, st.outputs(t), "after SIGKILL "+k.name)
		})
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, log, done := st.startUntil(t, `msg="respondents read"`, 2)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatalf("signal: %v", err)
			}
			cmd.Wait()
			<-done
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Fatalf("exit %d after %v, want 130 (interrupted):\n%s", code, sig, log)
			}
			if !strings.Contains(log.String(), "interrupted") {
				t.Errorf("stderr does not say the build was interrupted:\n%s", log)
			}
			if strings.Contains(log.String(), "committing outputs") {
				t.Errorf("the interrupted build began its commit:\n%s", log)
			}
			sameOutputs(t, before, st.outputs(t), "after "+sig.String())
			// The run removed the kills' leftovers before it began, and its
			// own temporary files when it stopped.
			for name := range tree(t, st.out) {
				if isTemp(name) {
					t.Errorf("temporary file left after %v: %s", sig, name)
				}
			}
		})
	}

	// The repairing run removes every leftover and builds the enlarged input.
	cmd := exec.Command(st.bin, st.args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run after the kills: %v\n%s", err, stderr.String())
	}
	for name := range tree(t, st.out) {
		if isTemp(name) {
			t.Errorf("leftover after the repairing run: %s", name)
		}
	}
	found := false
	for name, data := range tree(t, filepath.Join(st.out, "p")) {
		if !strings.HasSuffix(name, ".parquet") {
			continue
		}
		f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("%s is not a complete Parquet file: %v", name, err)
			continue
		}
		if name != fmt.Sprintf("responses/year=%d/part-0.parquet", st.year) {
			continue
		}
		found = true
		if f.NumRows() != st.rows {
			t.Errorf("%s has %d rows after the repair, want %d", name, f.NumRows(), st.rows)
		}
	}
	if !found {
		t.Errorf("no responses of %d after the repair", st.year)
	}
	out, err := exec.Command(st.bin, st.args...).Output()
	if err != nil || !strings.Contains(string(out), "up to date") {
		t.Errorf("final run: %v %s", err, out)
	}
}

// firstYearWithResponses is the first year of the copied tree whose profile
// says it has respondent rows (data.responses is not none).
func firstYearWithResponses(t *testing.T, schemas string) int {
	t.Helper()
	years, err := build.Years(schemas)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		data, err := os.ReadFile(filepath.Join(schemas, fmt.Sprint(y), "survey.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`(?m)^\s+responses:\s*(\w+)`).FindSubmatch(data); m != nil && string(m[1]) != "none" &&
			bytes.Contains(data, []byte("published: full")) {
			return y
		}
	}
	t.Skip("no year with respondent rows and full published tables")
	return 0
}

// dropCrosstabs removes the crosstabs list of a copied year's profile.
func dropCrosstabs(t *testing.T, schemas string, year int) {
	t.Helper()
	p := filepath.Join(schemas, fmt.Sprint(year), "survey.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`(?m)^crosstabs:\n(?:[ \t]+.*\n)*`).ReplaceAll(data, nil)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
