package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

// A rename failing in the middle of a commit puts back every file replaced
// before it: the outputs are all old (issue 17: a failed build had replaced
// 11 of its files).
func TestCommitAllRollsBack(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a", "b", "c", "d", "e"}
	for _, n := range names[:4] {
		os.WriteFile(filepath.Join(dir, n), []byte("old "+n), 0o644)
	}
	var s1, s2 Set
	for _, n := range names[:3] {
		s1.Add(filepath.Join(dir, n), []byte("new "+n))
	}
	w, err := s2.Create(filepath.Join(dir, "e")) // a new file, streamed
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("new e"))
	s2.Add(filepath.Join(dir, "d"), []byte("new d"))
	// The 4th rename (d) fails: its destination became a non-empty directory.
	beforeRename = func(i int, dst string) {
		if i == 3 {
			os.Remove(dst)
			os.MkdirAll(filepath.Join(dst, "x"), 0o755)
		}
	}
	defer func() { beforeRename = nil }()
	_, err = CommitAll(&s1, &s2)
	if err == nil || !strings.Contains(err.Error(), "the 3 file(s) replaced before it were put back") {
		t.Fatalf("CommitAll = %v", err)
	}
	for _, n := range names[:3] {
		if got, _ := os.ReadFile(filepath.Join(dir, n)); string(got) != "old "+n {
			t.Errorf("%s = %q after the failed commit, want the old content", n, got)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "e")); err == nil {
		t.Error("the new file e stayed")
	}
	os.RemoveAll(filepath.Join(dir, "d"))
	assertNoTemps(t, dir)
}

// An output path that is a directory fails the commit before any rename.
func TestCommitRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(dir, "z"), 0o755)
	var s Set
	s.Add(filepath.Join(dir, "a"), []byte("new"))
	s.Add(filepath.Join(dir, "z"), []byte("new"))
	if _, err := s.Commit(); err == nil || !strings.Contains(err.Error(), "it is a directory") {
		t.Fatalf("Commit = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a")); string(got) != "old" {
		t.Errorf("a = %q", got)
	}
	assertNoTemps(t, dir)
}

// Outputs are not written through a symbolic link under the roots.
func TestCommitRefusesSymlinks(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "datasets")); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "datasets", "part-0.parquet")
	s := Set{Roots: []string{root}}
	if _, err := s.Create(target); !errors.Is(err, ErrOutsideRoots) || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("Create = %v", err)
	}
	s.Add(target, []byte("x"))
	if _, err := s.Commit(); !errors.Is(err, ErrOutsideRoots) {
		t.Errorf("Commit = %v", err)
	}
	s = Set{Roots: []string{root}}
	s.Add(filepath.Join(t.TempDir(), "elsewhere"), []byte("x"))
	if _, err := s.Commit(); !errors.Is(err, ErrOutsideRoots) {
		t.Errorf("a path outside the roots: Commit = %v", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written through the link: %v", ents)
	}
	s = Set{Roots: []string{root}, AllowSymlinks: true}
	s.Add(target, []byte("x"))
	if _, err := s.Commit(); err != nil {
		t.Errorf("with AllowSymlinks: %v", err)
	}
}

func TestWriteFileAndWriteWith(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.txt")
	if err := WriteFile(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Fatalf("after WriteFile: %q", b)
	}
	if err := WriteWith(path, func(w io.Writer) error { _, err := io.WriteString(w, "two"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("after WriteWith: %q", b)
	}
	boom := errors.New("boom")
	err := WriteWith(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteWith returned %v, want the fill's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("a failed WriteWith changed the file: %q", b)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Fatalf("a failed WriteWith left files behind: %v", ents)
	}
}
