package answers_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func TestAnswers(t *testing.T) {
	got := reshape(t, 0)
	// Batches of one and two respondents: the Reshaper reuses the memory of
	// the previous batch's record, and the answers stay the same.
	for _, size := range []int{1, 2} {
		if small := reshape(t, size); !slices.Equal(sorted(small), sorted(got)) {
			t.Errorf("batches of %d give other answers:\n%s\nwant\n%s", size, strings.Join(sorted(small), "\n"), strings.Join(sorted(got), "\n"))
		}
	}
	// Every given answer once; no row for no answer or not asked.
	for _, want := range []string{
		"2015-000001 1.1 kind - - a -",
		"2015-000004 1.1 kind - - mixed -",
		"2015-000001 1.2 sources - - a -",
		"2015-000002 1.3 members - - - 7",
		"2015-000001 1.4 started - - - 2013-05",
		"2015-000001 1.6 services a sourcing inhouse -",
		"2015-000002 1.6 services w provision not_provided -",
	} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("missing answer %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for _, g := range got {
		if strings.HasPrefix(g, "2015-000005 1.1") || strings.HasPrefix(g, "2015-000002 1.2") {
			t.Errorf("row for an unanswered item: %q", g)
		}
	}
	if len(got) != 26 { // 4 + 1 + 4 + 4 + 4 + (4 + 2) + (2 + 1) matrix cells
		t.Errorf("%d answers, want 26:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// reshape reads the fixture in batches of size respondents (0: the
// default) and returns every answer row as text.
func reshape(t *testing.T, size int) []string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q, err := questionnaire.Load(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a := answers.New(mem, q)
	var got []string
	rep, err := ingest.Read(context.Background(), q, filepath.Join("..", "aggregate", "testdata", "responses.csv"), ingest.Options{Year: 2015, Mem: mem, BatchSize: size},
		func(rec arrow.Record) error {
			long := a.Batch(rec)
			defer long.Release()
			for i := 0; i < int(long.NumRows()); i++ {
				var cells []string
				for c := 0; c < int(long.NumCols()); c++ {
					switch col := long.Column(c).(type) {
					case *array.Dictionary:
						if col.IsNull(i) {
							cells = append(cells, "-")
						} else {
							cells = append(cells, col.Dictionary().(*array.String).Value(col.GetValueIndex(i)))
						}
					case *array.String:
						if col.IsNull(i) {
							cells = append(cells, "-")
						} else {
							cells = append(cells, col.Value(i))
						}
					default:
						t.Fatalf("column %d is %T", c, col)
					}
				}
				got = append(got, strings.Join(cells, " "))
			}
			return nil
		})
	if err != nil || rep.Err() != nil {
		t.Fatal(err, rep.Err())
	}
	return got
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
