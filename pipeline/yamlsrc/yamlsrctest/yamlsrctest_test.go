package yamlsrctest

import (
	"fmt"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed, fatal bool
}

type fatalStop struct{}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(string, ...any)     { r.failed = true }
func (r *recorder) Fatalf(f string, a ...any) { r.failed, r.fatal = true, true; panic(fatalStop{}) }

func run(fn func(tb testing.TB)) (r *recorder) {
	r = &recorder{}
	defer func() {
		if v := recover(); v != nil && v != (fatalStop{}) {
			panic(v)
		}
	}()
	fn(r)
	return r
}

func TestAssertionsFailWhenTheyShould(t *testing.T) {
	list := yamlsrc.ErrorList{
		{File: "a.yaml", Line: 3, Msg: "bad value", Kind: yamlsrc.ErrInvalid},
		{File: "a.yaml", Line: 7, Msg: "bad value", Kind: yamlsrc.ErrInvalid},
	}
	err := fmt.Errorf("load: %w", list)
	for _, tc := range []struct {
		name       string
		fn         func(tb testing.TB)
		fail, stop bool
	}{
		{"at the first place", func(tb testing.TB) { At(tb, err, yamlsrc.ErrInvalid, "bad value", "a.yaml", 3) }, false, false},
		{"at the second place", func(tb testing.TB) { At(tb, err, yamlsrc.ErrInvalid, "bad value", "a.yaml", 7) }, false, false},
		{"any line", func(tb testing.TB) { At(tb, err, yamlsrc.ErrInvalid, "bad", "", 0) }, false, false},
		{"wrong line", func(tb testing.TB) { At(tb, err, yamlsrc.ErrInvalid, "bad value", "a.yaml", 4) }, true, false},
		{"wrong file", func(tb testing.TB) { At(tb, err, yamlsrc.ErrInvalid, "bad value", "b.yaml", 3) }, true, false},
		{"wrong message", func(tb testing.TB) { Find(tb, err, yamlsrc.ErrInvalid, "missing") }, true, true},
		{"not a list", func(tb testing.TB) { Find(tb, fmt.Errorf("plain"), yamlsrc.ErrInvalid, "x") }, true, true},
		{"marker found", func(tb testing.TB) {
			if LineOf(tb, "a\nb: 1\nb: 2\n", "b:", 2) != 3 {
				tb.Errorf("wrong line")
			}
		}, false, false},
		{"marker at line start", func(tb testing.TB) {
			if LineOf(tb, "  key: 1\nkey: 2\n", "^key", 1) != 2 {
				tb.Errorf("wrong line")
			}
		}, false, false},
		{"marker missing", func(tb testing.TB) { LineOf(tb, "a\n", "b", 1) }, true, true},
	} {
		r := run(tc.fn)
		if r.failed != tc.fail || r.fatal != tc.stop {
			t.Errorf("%s: failed=%v fatal=%v, want %v %v", tc.name, r.failed, r.fatal, tc.fail, tc.stop)
		}
	}
}
