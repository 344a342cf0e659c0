package build_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
)

// retitle changes the English text of an item of the 2015 questionnaire
// under schemas: the codebook, the datasets' field metadata and the reports
// change, so a rebuild replaces most outputs.
func retitle(t *testing.T, schemas, to string) {
	t.Helper()
	path := filepath.Join(schemas, "2015", "questionnaire.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const from = "text_en: "
	i := bytes.Index(data, []byte(from))
	j := bytes.IndexByte(data[i:], '\n')
	data = append(append(append([]byte(nil), data[:i]...), []byte(from+strconv.Quote(to))...), data[i+j:]...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// outputs is every file of a build's output directories.
func outputs(t *testing.T, cfg build.Config) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for role, dir := range map[string]string{"processed": cfg.ProcessedDir, "reports": cfg.ReportsDir} {
		for name, data := range tree(t, dir) {
			out[role+"/"+name] = data
		}
	}
	delete(out, "processed/"+build.ManifestFile)
	return out
}

// An output path turned into a directory fails the build before anything is
// replaced (it used to exit after replacing 11-12 files).
func TestFailedCommitReplacesNothing(t *testing.T) {
	schemas := copySchemas(t)
	cfg := tempConfig(t, schemas)
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := outputs(t, cfg)
	retitle(t, schemas, "Changed")
	// An output late in the order of the commit becomes a directory.
	blocked := filepath.Join(cfg.ReportsDir, "2015", "tables.xlsx")
	os.Remove(blocked)
	os.MkdirAll(filepath.Join(blocked, "x"), 0o755)
	delete(before, "reports/2015/tables.xlsx")
	if _, err := build.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "it is a directory") {
		t.Fatalf("build = %v", err)
	}
	after := outputs(t, cfg)
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s was replaced by a failed build", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok && !strings.HasPrefix(name, "reports/2015/tables.xlsx/") {
			t.Errorf("%s was added by a failed build", name)
		}
	}
	// Once the directory is gone the next run builds.
	os.RemoveAll(blocked)
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}

// A corrupted or missing trends output is rebuilt by the next run (trends
// were outside the manifest: "up to date, nothing to do").
func TestTrendsRepaired(t *testing.T) {
	cfg := tempConfig(t, copySchemas(t))
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	good := outputs(t, cfg)
	nb := filepath.Join(cfg.ReportsDir, "trends.ipynb")
	part := filepath.Join(cfg.ProcessedDir, "trends", "year=2015", "part-0.parquet")
	for _, spoil := range []func(){
		func() { os.WriteFile(nb, []byte("{corrupted"), 0o644) },
		func() { os.Remove(part) },
	} {
		spoil()
		res, err := build.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Written) == 0 {
			t.Fatalf("nothing rebuilt: %+v", res)
		}
		now := outputs(t, cfg)
		for name, data := range good {
			if !bytes.Equal(now[name], data) {
				t.Errorf("%s not repaired", name)
			}
		}
	}
	if res, err := build.Run(context.Background(), cfg); err != nil || len(res.Years) != 0 || len(res.Written) != 0 {
		t.Errorf("third run: %+v, %v; want up to date", res, err)
	}
}

// A second concurrent build exits with a clear message instead of deleting
// the first one's temporary files.
func TestConcurrentBuildLocked(t *testing.T) {
	bin := buildBinary(t)
	cfg := tempConfig(t, copySchemas(t))
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	// This process holds the lock (the code Run takes it with) while the
	// real binary runs: no timing involved.
	release := build.HoldLock(t, cfg.ProcessedDir)
	cmd := exec.Command(bin, "build", "--schemas", cfg.SchemasDir, "--raw", cfg.RawDir, "--processed", cfg.ProcessedDir, "--reports", cfg.ReportsDir, "--force")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	release()
	if err == nil || !strings.Contains(stderr.String(), "is locked by another build of this tree (process "+strconv.Itoa(os.Getpid())+")") ||
		!strings.Contains(stdout.String(), "csirtsurvey build: failed") {
		t.Errorf("second build: %v\nstdout %s\nstderr %s", err, &stdout, &stderr)
	}
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Errorf("after the lock is released: %v", err)
	}
}

// An output directory reached through a symbolic link is refused before
// anything is written, unless AllowSymlinks.
func TestSymlinkedOutputRefused(t *testing.T) {
	cfg := tempConfig(t, copySchemas(t))
	outside := t.TempDir()
	os.MkdirAll(cfg.ProcessedDir, 0o755)
	if err := os.Symlink(outside, filepath.Join(cfg.ProcessedDir, "responses")); err != nil {
		t.Fatal(err)
	}
	_, err := build.Run(context.Background(), cfg)
	if !errors.Is(err, atomicfile.ErrOutsideRoots) || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("build = %v", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written through the link: %v", ents)
	}
	// The output directory itself as a link, too.
	linked := filepath.Join(t.TempDir(), "reports")
	os.Symlink(outside, linked)
	cfg2 := cfg
	cfg2.ProcessedDir, cfg2.ReportsDir = filepath.Join(t.TempDir(), "p"), linked
	if _, err := build.Run(context.Background(), cfg2); !errors.Is(err, atomicfile.ErrOutsideRoots) {
		t.Errorf("reports dir a link: %v", err)
	}
	cfg.AllowSymlinks = true
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatalf("with AllowSymlinks: %v", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) == 0 {
		t.Error("nothing written through the allowed link")
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "csirtsurvey")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/csirtsurvey").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKilledAtEveryRename kills the real binary right after each rename of
// a build (the test-only hook atomicfile.KillAfterRenamesEnv) and checks
// that every output is then either its old or its new version, and that the
// next run repairs the tree to exactly the new build.
func TestKilledAtEveryRename(t *testing.T) {
	if testing.Short() {
		t.Skip("builds about 60 times")
	}
	bin := buildBinary(t)
	schemas := copySchemas(t)
	cfg := tempConfig(t, schemas)
	args := []string{"build", "--schemas", schemas, "--raw", cfg.RawDir, "--processed", cfg.ProcessedDir, "--reports", cfg.ReportsDir, "-q"}
	run := func(killAfter int) error {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", atomicfile.KillAfterRenamesEnv, killAfter))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%w: %s", err, stderr.String())
		}
		return nil
	}
	if err := run(0); err != nil {
		t.Fatal(err)
	}
	old := outputs(t, cfg)
	// The new version of every output: a clean build of the changed input.
	retitle(t, schemas, "Changed")
	fresh := cfg
	fresh.ProcessedDir, fresh.ReportsDir = filepath.Join(t.TempDir(), "p"), filepath.Join(t.TempDir(), "r")
	if _, err := build.Run(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	newer := outputs(t, fresh)
	changed := 0
	for name, data := range newer {
		if !bytes.Equal(old[name], data) {
			changed++
		}
	}
	if changed < 5 {
		t.Fatalf("only %d outputs change; the test needs a rebuild that replaces many", changed)
	}
	oldState := outputs(t, cfg) // restored before each kill
	restore := func() {
		for _, dir := range []string{cfg.ProcessedDir, cfg.ReportsDir} {
			os.RemoveAll(dir)
		}
		for name, data := range oldState {
			role, rel, _ := strings.Cut(name, "/")
			dir := map[string]string{"processed": cfg.ProcessedDir, "reports": cfg.ReportsDir}[role]
			p := filepath.Join(dir, filepath.FromSlash(rel))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, data, 0o644)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(cfg.ProcessedDir, build.ManifestFile))
	for n := 1; n <= changed; n++ {
		restore()
		os.WriteFile(filepath.Join(cfg.ProcessedDir, build.ManifestFile), manifest, 0o644)
		err := run(n)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != -1 {
			t.Fatalf("kill after rename %d: the build was not killed: %v", n, err)
		}
		mixed := 0
		for name, data := range outputs(t, cfg) {
			if strings.Contains(name, ".tmp-") {
				continue // leftovers, removed by the next run
			}
			isOld, isNew := bytes.Equal(old[name], data), bytes.Equal(newer[name], data)
			if !isOld && !isNew {
				t.Errorf("kill after rename %d: %s is neither its old nor its new version", n, name)
			}
			if isNew && !isOld {
				mixed++
			}
		}
		if mixed != n {
			t.Errorf("kill after rename %d: %d outputs are new", n, mixed)
		}
		if err := run(0); err != nil {
			t.Fatalf("repairing run after a kill at rename %d: %v", n, err)
		}
		got := outputs(t, cfg)
		for name, data := range newer {
			if !bytes.Equal(got[name], data) {
				t.Errorf("after the repairing run (kill at rename %d): %s differs from a clean build", n, name)
			}
		}
		for name := range got {
			if _, ok := newer[name]; !ok {
				t.Errorf("after the repairing run (kill at rename %d): extra file %s", n, name)
			}
		}
	}
	t.Logf("killed at each of %d renames", changed)
}
