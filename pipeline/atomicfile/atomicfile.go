// Package atomicfile replaces output files so that readers never see a
// partial file and a failed build leaves the previous outputs untouched.
//
// A Set collects every output of a build in memory. Commit writes each one to
// a temporary file in its destination directory, syncs it, and only when all
// of them are written renames them into place and syncs the directories. An
// error before the renames removes the temporary files and changes nothing.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Set is a group of files to replace together.
type Set struct {
	files map[string][]byte
}

// Add schedules data to be written at path, replacing an earlier Add of the same path.
func (s *Set) Add(path string, data []byte) {
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[filepath.Clean(path)] = data
}

// Paths returns the scheduled paths in sorted order.
func (s *Set) Paths() []string {
	out := make([]string, 0, len(s.files))
	for p := range s.files {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Result says what Commit did with each path.
type Result struct {
	Written   []string // replaced or created
	Unchanged []string // already had exactly these bytes
}

// Commit writes every file of the set. Files whose content is already
// identical are left alone (their modification time does not change).
func (s *Set) Commit() (Result, error) {
	var res Result
	type pending struct{ tmp, dst string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
	}
	for _, dst := range s.Paths() {
		data := s.files[dst]
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
	}
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
