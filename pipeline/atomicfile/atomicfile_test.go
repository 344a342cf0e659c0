package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCommitWritesAndSkipsUnchanged(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "x", "a.txt"), filepath.Join(dir, "y", "z", "b.txt")
	var s Set
	s.Add(a, []byte("one"))
	s.Add(b, []byte("two"))
	res, err := s.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 2 || len(res.Unchanged) != 0 {
		t.Fatalf("first commit: %+v", res)
	}
	for p, want := range map[string]string{a: "one", b: "two"} {
		got, err := os.ReadFile(p)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", p, got, err, want)
		}
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(a, old, old)

	var s2 Set
	s2.Add(a, []byte("one"))
	s2.Add(b, []byte("three"))
	res, err = s2.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 1 || res.Written[0] != b || len(res.Unchanged) != 1 || res.Unchanged[0] != a {
		t.Fatalf("second commit: %+v", res)
	}
	if st, _ := os.Stat(a); !st.ModTime().Equal(old) {
		t.Error("unchanged file was rewritten")
	}
	assertNoTemps(t, dir)
}

// A file that cannot be written (its directory is a regular file) fails the
// commit before anything is replaced.
func TestCommitFailureChangesNothing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte("old"), 0o644)
	blocker := filepath.Join(dir, "blocker")
	os.WriteFile(blocker, []byte("not a dir"), 0o644)

	var s Set
	s.Add(good, []byte("new"))
	s.Add(filepath.Join(blocker, "bad.txt"), []byte("x"))
	if _, err := s.Commit(); err == nil || !strings.Contains(err.Error(), "bad.txt") {
		t.Fatalf("err = %v, want an error naming bad.txt", err)
	}
	if got, _ := os.ReadFile(good); string(got) != "old" {
		t.Errorf("good.txt = %q after a failed commit, want old content", got)
	}
	assertNoTemps(t, dir)
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

func TestStreamCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big", "data.bin")
	var s Set
	w, err := s.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("streamed"))
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("streamed file visible before Commit")
	}
	res, err := s.Commit()
	if err != nil || len(res.Written) != 1 {
		t.Fatalf("commit: %+v %v", res, err)
	}
	if got, _ := os.ReadFile(p); string(got) != "streamed" {
		t.Fatalf("content %q", got)
	}
	// Same bytes again: unchanged.
	var s2 Set
	w, _ = s2.Create(p)
	w.Write([]byte("streamed"))
	res, err = s2.Commit()
	if err != nil || len(res.Unchanged) != 1 || len(res.Written) != 0 {
		t.Fatalf("second commit: %+v %v", res, err)
	}
	// Aborted: nothing changes, no temporary file is left.
	var s3 Set
	w, _ = s3.Create(p)
	w.Write([]byte("half-writ"))
	s3.Abort()
	if got, _ := os.ReadFile(p); string(got) != "streamed" {
		t.Fatalf("content after abort %q", got)
	}
	assertNoTemps(t, dir)
}

// Commit reports the SHA-256 of every output it knows without reading the
// file back: files added whole, and streams written straight through; a
// stream that seeked is left to the caller to hash.
func TestCommitReportsHashes(t *testing.T) {
	dir := t.TempDir()
	var s Set
	added := filepath.Join(dir, "a.txt")
	s.Add(added, []byte("whole file"))
	streamed := filepath.Join(dir, "b.bin")
	w, err := s.Create(streamed)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i++ { // more than the write buffer
		fmt.Fprintf(w, "line %d of a streamed output\n", i)
	}
	seeked := filepath.Join(dir, "c.bin")
	w2, err := s.Create(seeked)
	if err != nil {
		t.Fatal(err)
	}
	w2.Write([]byte("xxxx"))
	w2.Seek(0, io.SeekStart)
	w2.Write([]byte("yy"))
	res, err := s.Commit()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{added, streamed} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got, want := res.SHA256[p], hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: hash %q, want %q", filepath.Base(p), got, want)
		}
	}
	if data, _ := os.ReadFile(seeked); string(data) != "yyxx" {
		t.Errorf("seeked stream holds %q, want yyxx", data)
	}
	if h, ok := res.SHA256[seeked]; ok {
		t.Errorf("a stream that seeked has a hash %q; it must be read back", h)
	}
}
