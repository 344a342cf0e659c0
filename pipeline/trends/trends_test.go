package trends_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
)

// The fictional year 2099 of testdata/fictional: its questionnaire and rows.
var fictional = filepath.Join("..", "..", "testdata", "fictional")

func load(t *testing.T) (*questionnaire.Questionnaire, map[int]*questionnaire.Questionnaire, *crosswalk.Chain) {
	t.Helper()
	q, err := questionnaire.Load(filepath.Join(fictional, "schemas", "2099", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return q, map[int]*questionnaire.Questionnaire{q.Survey.Year: q}, crosswalk.NewChain(q.Survey.Year)
}

func noTables(int, *questionnaire.Questionnaire) (*published.Set, error) { return nil, nil }

// A year with neither respondent rows nor published tables has no trends.
func TestBuildYearWithoutData(t *testing.T) {
	q, qs, chain := load(t)
	y := q.Survey.Year
	emitted := 0
	in, err := trends.Build(trends.Inputs{Years: []int{y}, Questionnaires: qs, Chain: chain,
		ReadResponses: func(int, func(arrow.Record)) (bool, error) { return false, nil },
		LoadPublished: noTables,
	}, func(int, arrow.Record) error { emitted++; return nil })
	if err != nil || len(in.Years) != 0 || len(in.Rows) != 0 || emitted != 0 {
		t.Fatalf("Build = %d years, %d rows, %d emitted, %v; want nothing", len(in.Years), len(in.Rows), emitted, err)
	}
}

// The responses a year's counter is fed (here read back, as for a year not
// rebuilt) give rows counted from them; every row of the record and of the
// report inputs agree, and the share is count/n.
func TestBuildFromResponses(t *testing.T) {
	q, qs, chain := load(t)
	y := q.Survey.Year
	path := filepath.Join(fictional, "raw", "2099", "responses.csv")
	m, err := ingest.LoadMapping(filepath.Join(fictional, "raw", "2099", "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var recs int64
	in, err := trends.Build(trends.Inputs{Years: []int{y}, Questionnaires: qs, Chain: chain,
		ReadResponses: func(year int, add func(arrow.Record)) (bool, error) {
			rep, err := ingest.Read(context.Background(), q, path, ingest.Options{Year: year, Mapping: m}, func(rec arrow.Record) error {
				add(rec)
				return nil
			})
			if err == nil {
				err = rep.Err()
			}
			return true, err
		},
		LoadPublished: noTables,
	}, func(year int, rec arrow.Record) error {
		if year != y || !rec.Schema().Equal(trends.Schema) {
			t.Errorf("emitted year %d, schema %v", year, rec.Schema())
		}
		recs += rec.NumRows()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Years) != 1 || in.Sources[y] != report.SourceResponses || in.Respondents[y] == 0 {
		t.Fatalf("years %v, sources %v, respondents %v", in.Years, in.Sources, in.Respondents)
	}
	if int64(len(in.Rows)) != recs || recs == 0 {
		t.Fatalf("%d report rows, %d record rows", len(in.Rows), recs)
	}
	numbers := 0
	for _, r := range in.Rows {
		if r.Status != report.TrendNumbers {
			continue
		}
		numbers++
		if r.N <= 0 || r.Count < 0 || r.Count > r.N {
			t.Errorf("row %+v: count %d of n %d", r, r.Count, r.N)
		}
	}
	if numbers == 0 {
		t.Error("no row has numbers")
	}
}

// An error of the sink stops Build and is returned.
func TestBuildReturnsEmitError(t *testing.T) {
	q, qs, chain := load(t)
	boom := errors.New("disk full")
	_, err := trends.Build(trends.Inputs{Years: []int{q.Survey.Year}, Questionnaires: qs, Chain: chain,
		ReadResponses: func(int, func(arrow.Record)) (bool, error) { return true, nil },
		LoadPublished: noTables,
	}, func(int, arrow.Record) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Build = %v, want the sink's error", err)
	}
}
