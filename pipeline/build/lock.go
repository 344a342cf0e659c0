//go:build unix

package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the advisory lock a build holds under the processed directory
// while it runs: a second build of the same tree exits with ErrLocked instead
// of removing the first one's temporary files.
const LockFile = ".lock"

// ErrLocked marks a build refused because another one holds the lock.
var ErrLocked = errors.New("another build is running")

// buildLock is a held lock; release frees it (the kernel frees it too when
// the process dies, so a killed build never leaves a stale lock).
type buildLock struct{ f *os.File }

// lock takes the build lock of dir (created if needed) without waiting.
func lock(dir string) (*buildLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("build: lock: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := ""
		if data, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(data))); perr == nil {
				holder = fmt.Sprintf(" (process %d)", pid)
			}
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("build: %s is locked by another build of this tree%s; wait for it to finish and run again: %w", path, holder, ErrLocked)
		}
		return nil, fmt.Errorf("build: lock %s: %w", path, err)
	}
	// The holder's pid, for the message another build prints.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &buildLock{f: f}, nil
}

func (l *buildLock) release() {
	if l == nil {
		return
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
