package questionnaire

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, a rejected
// input must come with located, classified errors, and an accepted input must
// be internally consistent.
func FuzzParse(f *testing.F) {
	// Small seeds keep the fuzzer fast; the full 2015 questionnaire has its own tests.
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: csirt-survey/questionnaire/v1\nitems: [{id: a, number: '1'}]\n"))
	f.Add([]byte("items:\n  - &x {id: a}\n  - *x\n"))
	f.Add([]byte("option_sets: {s: {options: [{code: a}]}}\n"))
	kinds := []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrUnknownType, ErrUndefinedSet, ErrUnknownRef, ErrInvalid}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse("fuzz.yaml", data)
		if err != nil {
			if q != nil {
				t.Fatal("questionnaire returned with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Msg == "" {
					t.Fatalf("badly located error: %+v", e)
				}
				known := false
				for _, k := range kinds {
					known = known || errors.Is(e, k)
				}
				if !known {
					t.Fatalf("error without a known kind: %v", e)
				}
			}
			return
		}
		for _, it := range q.Items {
			if q.Item(it.Number) != it || q.ItemByID(it.ID) != it {
				t.Fatalf("item %s not indexed", it.Number)
			}
			if it.Type.IsChoice() && len(it.Choices()) == 0 {
				t.Fatalf("choice item %s without options", it.Number)
			}
			if r := it.Relevance; r != nil && q.Item(r.Item) == nil {
				t.Fatalf("item %s: relevance target %s missing", it.Number, r.Item)
			}
		}
	})
}
