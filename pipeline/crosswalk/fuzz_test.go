package crosswalk

import (
	"errors"
	"os"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// FuzzParse feeds arbitrary bytes to Parse and every accepted crosswalk to
// Check against the fictional questionnaires: neither may panic, and every
// problem must be a located, classified error.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(cw2099Path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(Template(2015))
	f.Add([]byte("format: csirt-survey/crosswalk/v1\nfrom: 2015\noptions: [{concept: soc, merged: [{from: [a, a], to: a}]}]\n"))
	f.Add([]byte("from: 2015\nrenamed_items: [{from: x, to: y}, {from: y, to: x}]\n"))
	prev, cur := mustQuestionnaire(f, q2015Path), mustQuestionnaire(f, q2099Path)
	kinds := []error{yamlsrc.ErrSyntax, yamlsrc.ErrUnknownKey, yamlsrc.ErrMissing, yamlsrc.ErrDuplicate, yamlsrc.ErrInvalid,
		ErrUnexplained, ErrNoCrosswalk, ErrUnknownRef}
	checkList := func(t *testing.T, err error) {
		var list yamlsrc.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not a non-empty ErrorList: %v", err)
		}
		for _, e := range list {
			known := false
			for _, k := range kinds {
				known = known || errors.Is(e, k)
			}
			if e.File == "" || e.Msg == "" || !known {
				t.Fatalf("badly located or unclassified error: %+v", e)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cw, err := Parse("fuzz.yaml", data)
		if err != nil {
			if cw != nil {
				t.Fatal("crosswalk returned with an error")
			}
			checkList(t, err)
			return
		}
		if err := Check(prev, cur, cw); err != nil {
			checkList(t, err)
		}
		for _, c := range cur.Items {
			cw.PreviousConcept(c.Concept)
			cw.ToPrevious(c.Concept, "a")
		}
	})
}
