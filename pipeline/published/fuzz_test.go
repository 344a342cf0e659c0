package published

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

func checkFuzzErr(t *testing.T, err error, file string) {
	var list yamlsrc.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error is not a non-empty ErrorList: %v", err)
	}
	for _, e := range list {
		if e.File != file || e.Kind == nil || e.Msg == "" || e.Line < 0 {
			t.Fatalf("badly located error %+v", e)
		}
	}
}

func FuzzParseTranscription(f *testing.F) {
	for _, name := range []string{"a.yaml", "b.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "published", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("format: csirt-survey/published/v1\ntables:\n  - {key: '1', n: lost, rows: [{no: 1, count: x}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tables, err := ParseTranscription("f.yaml", data)
		if err != nil {
			checkFuzzErr(t, err, "f.yaml")
			return
		}
		for _, tb := range tables {
			for i, r := range tb.Rows {
				if r.No != i+1 || (!r.Count.Lost && r.Count.Value < 0) {
					t.Fatalf("accepted bad row %+v", r)
				}
			}
		}
	})
}

func FuzzParseSpecs(f *testing.F) {
	q, err := questionnaire.Load(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "tables.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := ParseSpecs("s.yaml", data, q)
		if err != nil {
			checkFuzzErr(t, err, "s.yaml")
			return
		}
		for _, s := range specs {
			if len(s.Categories) != len(s.Rows) {
				t.Fatalf("spec %s: %d categories for %d rows", s.Key, len(s.Categories), len(s.Rows))
			}
		}
	})
}
