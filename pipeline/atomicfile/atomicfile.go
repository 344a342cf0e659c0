// Package atomicfile replaces output files so that readers never see a
// partial file and a failed build leaves the previous outputs untouched.
//
// A Set collects every output of a build: small files in memory (Add), large
// ones streamed to a temporary file in their destination directory (Create).
// Commit writes the in-memory ones to temporary files too, syncs everything,
// and only when all of them are complete renames them into place and syncs the
// directories. A file whose bytes are unchanged is left alone. Abort, or an
// error before the renames, removes the temporary files and changes nothing.
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
	"os"
	"path/filepath"
	"slices"
)

// TempPattern is how temporary files are named (hidden, beside their destination).
const TempPattern = ".*.tmp-*"

// Set is a group of files to replace together.
type Set struct {
	files   map[string][]byte
	streams map[string]*Stream
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

// Commit writes every file of the set. Files whose content is already
// identical are left alone (their modification time does not change).
func (s *Set) Commit() (Result, error) {
	res := Result{SHA256: map[string]string{}}
	type pending struct{ tmp, dst string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
		s.Abort()
	}
	for _, dst := range s.Paths() {
		if data, ok := s.files[dst]; ok {
			sum := sha256.Sum256(data)
			res.SHA256[dst] = hex.EncodeToString(sum[:])
			if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
				res.Unchanged = append(res.Unchanged, dst)
				continue
			}
			tmp, err := writeTemp(dst, data)
			if err != nil {
				cleanup()
				return Result{}, err
			}
			todo = append(todo, pending{tmp, dst})
			continue
		}
		w := s.streams[dst]
		if err := w.Close(); err != nil {
			cleanup()
			return Result{}, fmt.Errorf("write %s: %w", dst, err)
		}
		if w.sum != nil {
			res.SHA256[dst] = hex.EncodeToString(w.sum.Sum(nil))
		}
		if same, _ := sameContent(w.f.Name(), dst); same {
			os.Remove(w.f.Name())
			res.Unchanged = append(res.Unchanged, dst)
			continue
		}
		todo = append(todo, pending{w.f.Name(), dst})
	}
	s.streams = nil
	dirs := map[string]bool{}
	for i, p := range todo {
		if err := os.Rename(p.tmp, p.dst); err != nil {
			// Files renamed so far are complete new outputs; remove the rest.
			for _, q := range todo[i:] {
				os.Remove(q.tmp)
			}
			return res, fmt.Errorf("replace %s: %w", p.dst, err)
		}
		res.Written = append(res.Written, p.dst)
		dirs[filepath.Dir(p.dst)] = true
	}
	var errs []error
	for d := range dirs {
		errs = append(errs, syncDir(d))
	}
	return res, errors.Join(errs...)
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
