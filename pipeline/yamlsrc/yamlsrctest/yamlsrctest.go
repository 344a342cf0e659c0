// Package yamlsrctest holds the assertions the loaders' tests share about
// located errors (yamlsrc.ErrorList): that an error of a kind with a message
// is reported, and at which file and line of the document.
package yamlsrctest

import (
	"errors"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Find returns the first error of err (a yamlsrc.ErrorList, possibly
// wrapped) that is kind (errors.Is) and whose text contains msg. It fails
// the test at once when err holds no ErrorList or no such error.
func Find(t testing.TB, err error, kind error, msg string) *yamlsrc.Error {
	t.Helper()
	var list yamlsrc.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("err = %v (%T), want a yamlsrc.ErrorList", err, err)
	}
	for _, e := range list {
		if errors.Is(e, kind) && strings.Contains(e.Error(), msg) {
			return e
		}
	}
	t.Fatalf("no %v error containing %q in:\n%v", kind, msg, err)
	return nil
}

// At checks that err reports an error of kind containing msg at file and
// line (an empty file or a zero line: any). Several errors may match kind
// and msg; one of them must be at the place.
func At(t testing.TB, err error, kind error, msg, file string, line int) {
	t.Helper()
	Find(t, err, kind, msg) // fails with the whole list when nothing matches
	var list yamlsrc.ErrorList
	errors.As(err, &list)
	var got []string
	for _, e := range list {
		if !errors.Is(e, kind) || !strings.Contains(e.Error(), msg) {
			continue
		}
		if (file == "" || e.File == file) && (line == 0 || e.Line == line) {
			return
		}
		got = append(got, e.Error())
	}
	t.Errorf("%v error containing %q reported at %s, want %s:%d", kind, msg, strings.Join(got, "; "), file, line)
}

// LineOf returns the 1-based line of doc holding the nth (from 1) occurrence
// of marker; a marker starting with ^ matches at the start of a line. It
// fails the test when there is no such occurrence.
func LineOf(t testing.TB, doc, marker string, nth int) int {
	t.Helper()
	seen := 0
	for i, l := range strings.Split(doc, "\n") {
		var hit bool
		if rest, ok := strings.CutPrefix(marker, "^"); ok {
			hit = strings.HasPrefix(l, rest)
		} else {
			hit = strings.Contains(l, marker)
		}
		if hit {
			if seen++; seen == nth {
				return i + 1
			}
		}
	}
	t.Fatalf("marker %q (occurrence %d) not in the document", marker, nth)
	return 0
}
