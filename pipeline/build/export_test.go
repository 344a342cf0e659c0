package build

import "testing"

// HoldLock takes the build lock of dir for a test; the returned func
// releases it.
func HoldLock(t *testing.T, dir string) func() {
	t.Helper()
	l, err := lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l.release
}
