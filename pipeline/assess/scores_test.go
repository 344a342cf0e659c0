package assess

import (
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
)

// TestScoresFromMaturity runs respondent rows through ingest and the
// maturity dataset, as the build does, and checks the population's overall
// scores: the fixture has one scale item, 1.5 (High = level 4, Low = 0).
func TestScoresFromMaturity(t *testing.T) {
	q := fixture(t, "").Questionnaire
	csv := "respondent_id,kind,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n" +
		"r1,b,,,,a,,,,\nr2,b,,,,b,,,,\nr3,b,,,,a,,,,\nr4,b,,,,,,,,\n"
	mat := aggregate.NewMaturity(memory.NewGoAllocator(), q)
	defer mat.Release()
	rep, err := ingest.Parse(q, "r.csv", []byte(csv), ingest.Options{}, func(r arrow.Record) error { mat.Add(r); return nil })
	if err != nil || rep.Accepted != 4 {
		t.Fatalf("ingest: %v, %+v", err, rep.Issues)
	}
	rec := mat.Record()
	defer rec.Release()
	got := ScoresFromMaturity(q, rec)
	// r4 answered no scale item: no score
	want := []ScoreCount{{0, 1}, {4, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scores = %v, want %v", got, want)
	}
}
