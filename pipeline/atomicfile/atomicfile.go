// Package atomicfile replaces output files so that readers never see a
// partial file and a failed build leaves the previous outputs untouched.
//
// A Set collects every output of a build: small files in memory (Add), large
// ones streamed to a temporary file in their destination directory (Create).
// CommitAll (or Set.Commit) stages every file of every set first: the
// in-memory ones are written to temporary files too, everything is synced,
// and each destination is checked (not a directory, not reached through a
// symbolic link when the set has Roots). Only then are the temporary files
// renamed into place; an existing file is first hard-linked to a backup, so
// that a failure in the middle of the renames puts back every file already
// replaced and the outputs are all old or all new. A file whose bytes are
// unchanged is left alone. Abort, or an error before the renames, removes
// the temporary files and changes nothing.
//
// A process killed during the renames leaves some files new and some old
// (each complete) and backups named like temporary files; the build's
// manifest, written after the commit, then no longer matches and the next
// run rebuilds, removing the leftovers first.
package atomicfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// TempPattern is how temporary files are named (hidden, beside their destination).
const TempPattern = ".*.tmp-*"

// Set is a group of files to replace together.
type Set struct {
	// Roots, when set, are the directories every path of the set must lie
	// in, with no symbolic link from a root (included) down to the file
	// (unless AllowSymlinks): outputs never leave the tree through a link.
	Roots []string
	// AllowSymlinks accepts symbolic links under (and as) Roots.
	AllowSymlinks bool

	files   map[string][]byte
	streams map[string]*Stream
}

// ErrOutsideRoots marks a path refused by Set.Roots.
var ErrOutsideRoots = errors.New("output outside the output directories")

// Check reports whether path may be written by the set: an error wrapping
// ErrOutsideRoots when it is outside s.Roots or reached through a symbolic
// link under them (see Roots).
func (s *Set) Check(path string) error { return s.checkPath(filepath.Clean(path)) }

// checkPath checks path against s.Roots: under one of them, and (unless
// AllowSymlinks) no existing component from the root down is a symbolic
// link, nor the file itself.
func (s *Set) checkPath(path string) error {
	if len(s.Roots) == 0 {
		return nil
	}
	for _, root := range s.Roots {
		root = filepath.Clean(root)
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			continue
		}
		if s.AllowSymlinks {
			return nil
		}
		cur := root
		parts := append([]string{""}, strings.Split(rel, string(filepath.Separator))...)
		for _, part := range parts {
			cur = filepath.Join(cur, part)
			st, err := os.Lstat(cur)
			if errors.Is(err, fs.ErrNotExist) {
				return nil // created by the build, as a real directory
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
			if st.Mode()&fs.ModeSymlink != 0 {
				target, _ := os.Readlink(cur)
				return fmt.Errorf("write %s: %s is a symbolic link (to %s), and outputs are written only inside %s, never through a link (remove the link, or pass --allow-symlinks): %w",
					path, cur, target, root, ErrOutsideRoots)
			}
		}
		return nil
	}
	return fmt.Errorf("write %s: not under %s: %w", path, strings.Join(s.Roots, " or "), ErrOutsideRoots)
}

// Add schedules data to be written at path, replacing an earlier Add of the same path.
func (s *Set) Add(path string, data []byte) {
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[filepath.Clean(path)] = data
}

// Stream is a file being written to its temporary location, buffered (the
// Parquet writer writes page by page, many small writes).
type Stream struct {
	f      *os.File
	buf    *bufio.Writer
	closed bool
	// sum hashes the bytes as they are written (nil once a seek moved the
	// position, when the file's bytes are no longer the written sequence).
	sum hash.Hash
}

// streamBuffer is the write buffer of a Stream.
const streamBuffer = 1 << 20

// Write appends to the temporary file.
func (w *Stream) Write(p []byte) (int, error) {
	if w.sum != nil {
		w.sum.Write(p)
	}
	return w.buf.Write(p)
}

// Seek moves within the temporary file (writers such as Arrow IPC need it).
func (w *Stream) Seek(offset int64, whence int) (int64, error) {
	if err := w.buf.Flush(); err != nil {
		return 0, err
	}
	if offset != 0 || whence != io.SeekCurrent {
		w.sum = nil
	}
	return w.f.Seek(offset, whence)
}

// Close syncs and closes the temporary file; Commit calls it if the caller did not.
func (w *Stream) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return errors.Join(w.buf.Flush(), w.f.Sync(), w.f.Chmod(0o644), w.f.Close())
}

// Create starts a streamed output at path: the bytes go to a temporary file in
// the same directory, which Commit renames into place.
func (s *Set) Create(path string) (*Stream, error) {
	path = filepath.Clean(path)
	if err := s.checkPath(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if s.streams == nil {
		s.streams = map[string]*Stream{}
	}
	if old := s.streams[path]; old != nil {
		old.Close()
		os.Remove(old.f.Name())
	}
	w := &Stream{f: f, buf: bufio.NewWriterSize(f, streamBuffer), sum: sha256.New()}
	s.streams[path] = w
	return w, nil
}

// Paths returns the scheduled paths in sorted order.
func (s *Set) Paths() []string {
	var out []string
	for p := range s.files {
		out = append(out, p)
	}
	for p := range s.streams {
		if _, dup := s.files[p]; !dup {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Abort removes the temporary files of streamed outputs.
func (s *Set) Abort() {
	for _, w := range s.streams {
		w.Close()
		os.Remove(w.f.Name())
	}
	s.streams = nil
}

// Result says what Commit did with each path.
type Result struct {
	Written   []string // replaced or created
	Unchanged []string // already had exactly these bytes
	// SHA256 is the hex SHA-256 of each path's content, when it was known
	// without reading the file back (computed while the bytes were written).
	SHA256 map[string]string
}

// Commit writes every file of the set: CommitAll(s).
func (s *Set) Commit() (Result, error) {
	res, err := CommitAll(s)
	if len(res) == 0 {
		return Result{}, err
	}
	return res[0], err
}

// beforeRename, set by tests, runs before the i-th rename of CommitAll (to
// make that rename fail for real).
var beforeRename func(i int, dst string)

// KillAfterRenamesEnv names a test-only hook: when set to N > 0, the process
// kills itself with SIGKILL right after the N-th rename of a commit, so that
// a test can check what a build killed at every rename leaves behind.
const KillAfterRenamesEnv = "CSIRTSURVEY_TEST_KILL_AFTER_RENAMES"

// CommitAll writes every file of the sets, all or nothing: every file is
// staged and every destination checked before the first rename, and a
// failure while replacing puts back the files already replaced (see the
// package doc). Files whose content is already identical are left alone
// (their modification time does not change). The results are in the order
// of sets.
func CommitAll(sets ...*Set) ([]Result, error) {
	results := make([]Result, len(sets))
	var todo []pending
	abort := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
		for _, s := range sets {
			s.Abort()
		}
	}
	// Stage: temporary files complete and synced, destinations checked.
	for si, s := range sets {
		res := Result{SHA256: map[string]string{}}
		for _, dst := range s.Paths() {
			if err := s.checkPath(dst); err != nil {
				abort()
				return nil, err
			}
			if st, err := os.Lstat(dst); err == nil && st.IsDir() {
				abort()
				return nil, fmt.Errorf("replace %s: it is a directory; remove it (the build writes a file there)", dst)
			}
			if data, ok := s.files[dst]; ok {
				sum := sha256.Sum256(data)
				res.SHA256[dst] = hex.EncodeToString(sum[:])
				if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
					res.Unchanged = append(res.Unchanged, dst)
					continue
				}
				tmp, err := writeTemp(dst, data)
				if err != nil {
					abort()
					return nil, err
				}
				todo = append(todo, pending{set: si, tmp: tmp, dst: dst})
				continue
			}
			w := s.streams[dst]
			if err := w.Close(); err != nil {
				abort()
				return nil, fmt.Errorf("write %s: %w", dst, err)
			}
			if w.sum != nil {
				res.SHA256[dst] = hex.EncodeToString(w.sum.Sum(nil))
			}
			if same, _ := sameContent(w.f.Name(), dst); same {
				os.Remove(w.f.Name())
				res.Unchanged = append(res.Unchanged, dst)
				continue
			}
			todo = append(todo, pending{set: si, tmp: w.f.Name(), dst: dst})
		}
		results[si] = res
	}
	for _, s := range sets {
		s.streams = nil
	}
	killAfter, _ := strconv.Atoi(os.Getenv(KillAfterRenamesEnv))
	// Replace, keeping the previous files until every rename is done.
	dirs := map[string]bool{}
	for i := range todo {
		p := &todo[i]
		backup, err := keep(p.dst)
		if err == nil {
			p.backup = backup
			if beforeRename != nil {
				beforeRename(i, p.dst)
			}
			err = os.Rename(p.tmp, p.dst)
		}
		if err != nil {
			rerr := rollback(todo[:i], p.backup)
			for _, q := range todo[i:] {
				os.Remove(q.tmp)
			}
			return nil, errors.Join(fmt.Errorf("replace %s: %w; the %d file(s) replaced before it were put back", p.dst, err, i), rerr)
		}
		dirs[filepath.Dir(p.dst)] = true
		if i+1 == killAfter {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}
	var errs []error
	for _, p := range todo {
		if p.backup != "" {
			os.Remove(p.backup)
		}
		results[p.set].Written = append(results[p.set].Written, p.dst)
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		errs = append(errs, syncDir(d))
	}
	return results, errors.Join(errs...)
}

// keep hard-links an existing file at path to a backup beside it (named like
// a temporary file, so that a killed build's backups are removed as
// leftovers); "" when there is no file. A file system without hard links
// gets a copy.
func keep(path string) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	for range 10 {
		name := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.tmp-old-%d-%d", filepath.Base(path), os.Getpid(), rand.Int64()))
		err := os.Link(path, name)
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return "", fmt.Errorf("keep %s: %w", path, errors.Join(err, rerr))
		}
		tmp, werr := writeTemp(path, data)
		if werr != nil {
			return "", fmt.Errorf("keep %s: %w", path, errors.Join(err, werr))
		}
		return tmp, nil
	}
	return "", fmt.Errorf("keep %s: no free backup name", path)
}

// pending is a staged file of CommitAll.
type pending struct {
	set      int // index of its Set
	tmp, dst string
	backup   string // link to the previous file at dst, "" when there was none
}

// rollback puts back the files replaced by done (in reverse order): the
// backup where there was a previous file, removal where there was none.
// failedBackup, the backup of the file whose rename failed, is removed.
func rollback(done []pending, failedBackup string) error {
	if failedBackup != "" {
		os.Remove(failedBackup)
	}
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		p := done[i]
		if p.backup != "" {
			if err := os.Rename(p.backup, p.dst); err != nil {
				errs = append(errs, fmt.Errorf("put back %s: %w", p.dst, err))
			}
			continue
		}
		if err := os.Remove(p.dst); err != nil {
			errs = append(errs, fmt.Errorf("remove new %s: %w", p.dst, err))
		}
	}
	return errors.Join(errs...)
}

// sameContent reports whether two files hold the same bytes.
func sameContent(a, b string) (bool, error) {
	fa, err := os.Open(a)
	if err != nil {
		return false, err
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false, err
	}
	defer fb.Close()
	sa, _ := fa.Stat()
	sb, _ := fb.Stat()
	if sa.Size() != sb.Size() {
		return false, nil
	}
	bufA, bufB := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		na, errA := io.ReadFull(fa, bufA)
		nb, errB := io.ReadFull(fb, bufB)
		if na != nb || !bytes.Equal(bufA[:na], bufB[:nb]) {
			return false, nil
		}
		if errA == io.EOF || errA == io.ErrUnexpectedEOF {
			return errB == io.EOF || errB == io.ErrUnexpectedEOF, nil
		}
		if errA != nil || errB != nil {
			return false, errors.Join(errA, errB)
		}
	}
}

func writeTemp(dst string, data []byte) (string, error) {
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", dst, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", dst, err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if werr == nil {
		werr = f.Chmod(0o644)
	}
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", dst, err)
	}
	return f.Name(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// WriteFile replaces path with data atomically: a reader sees the old file
// or the new one, never a part; on error path is as it was. It is a Set of
// one file (so a file already holding data is left alone).
func WriteFile(path string, data []byte) error {
	var s Set
	s.Add(path, data)
	_, err := s.Commit()
	return err
}

// WriteWith replaces path with what fill writes, streamed to a temporary
// file beside it and renamed into place only when fill and the sync
// succeed; on error path is as it was and the temporary file is removed.
func WriteWith(path string, fill func(io.Writer) error) error {
	var s Set
	w, err := s.Create(path)
	if err != nil {
		return err
	}
	if err := fill(w); err != nil {
		s.Abort()
		return err
	}
	_, err = s.Commit()
	return err
}
