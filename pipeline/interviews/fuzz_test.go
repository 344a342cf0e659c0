package interviews

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// FuzzLoad feeds arbitrary bytes to Parse (the parser behind Load): it must
// never panic, a rejected input must come with located, classified errors,
// and an accepted input must be complete and convert to records.
func FuzzLoad(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: csirt-survey/interviews/v2\nyear: 2015\ninterviews: [{team: a, topics: {exercises: [{code: none}]}}]\n"))
	f.Add([]byte("vocabulary: {forms: [{code: a, ja: x, en: y}, {code: a}], cadences: [], topics: [{id: t, schedule: true, codes: [{code: not_mentioned}]}, {id: t}]}\ninterviews: [{team: a, form: {code: a, ja: x}, topics: {t: [{code: not_mentioned}]}}]\n"))
	f.Add([]byte("interviews:\n  - &x {team: a}\n  - *x\n"))
	f.Add([]byte("pages: {first: 3, last: 1}\ninterviews: [{interview_date: 2016-02-30, size: {ja: 5 名, members: 50}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ivs, err := Parse("fuzz.yaml", data)
		if err != nil {
			if ivs != nil {
				t.Fatal("interviews returned with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Column < 0 || e.Msg == "" {
					t.Fatalf("badly located error: %+v", e)
				}
				known := false
				for _, k := range Kinds {
					known = known || errors.Is(e, k)
				}
				if !known {
					t.Fatalf("error without a known kind: %v", e)
				}
			}
			return
		}
		if len(ivs) == 0 {
			t.Fatal("accepted a file without interviews")
		}
		teams := map[string]bool{}
		rows := 0
		for _, iv := range ivs {
			if iv.Team == "" || teams[iv.Team] {
				t.Fatalf("empty or duplicate team %q accepted", iv.Team)
			}
			teams[iv.Team] = true
			if iv.Date().IsZero() {
				t.Fatalf("%s: accepted without a date", iv.Team)
			}
			if iv.Vocabulary == nil || len(iv.Vocabulary.Topics) == 0 {
				t.Fatalf("%s: accepted without a vocabulary", iv.Team)
			}
			for _, topic := range iv.Vocabulary.Topics {
				as := iv.Answers(topic.ID)
				if len(as) == 0 {
					t.Fatalf("%s: topic %s accepted without answers", iv.Team, topic.ID)
				}
				rows += len(as)
			}
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		teamsRec, topicsRec := Teams(mem, ivs), Topics(mem, ivs)
		defer teamsRec.Release()
		defer topicsRec.Release()
		if teamsRec.NumRows() != int64(len(ivs)) || topicsRec.NumRows() != int64(rows) {
			t.Fatalf("records have %d and %d rows, want %d and %d", teamsRec.NumRows(), topicsRec.NumRows(), len(ivs), rows)
		}
	})
}
