package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// LoadYear loads a survey year's questionnaire and published tables the way
// the build does (schemas/<year>/questionnaire.yaml and tables.yaml,
// raw/<year>/published/*.yaml, and the exact counts the report's prose states
// in raw/<year>/claims.yaml when that file exists), so that the inferred
// counts are those of processed/published.
func LoadYear(schemasDir, rawDir string, year int) (*questionnaire.Questionnaire, *published.Set, error) {
	y := strconv.Itoa(year)
	q, err := questionnaire.Load(filepath.Join(schemasDir, y, "questionnaire.yaml"))
	if err != nil {
		return nil, nil, err
	}
	if q.Survey.Year != year {
		return nil, nil, fmt.Errorf("synth: survey.year is %d in %s/%s/questionnaire.yaml", q.Survey.Year, schemasDir, y)
	}
	specPath := filepath.Join(schemasDir, y, "tables.yaml")
	if !fileExists(specPath) {
		// A year without published tables: every item is drawn evenly over its options.
		return q, &published.Set{Year: year}, nil
	}
	specs, err := published.LoadSpecs(specPath, q)
	if err != nil {
		return nil, nil, err
	}
	tables, err := published.LoadTranscription(filepath.Join(rawDir, y, "published"))
	if err != nil {
		return nil, nil, err
	}
	cs, _, err := claims.LoadYear(schemasDir, rawDir, year)
	if err != nil {
		return nil, nil, err
	}
	facts := claims.Facts(cs)
	set, err := published.Join(q, specs, tables, facts)
	if err != nil {
		return nil, nil, err
	}
	return q, set, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
