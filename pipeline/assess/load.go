package assess

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Dirs names where LoadYear reads a year's files.
type Dirs struct {
	Schemas   string // <year>/questionnaire.yaml, tables.yaml
	Raw       string // <year>/published/, claims.yaml, recommendations.yaml
	Processed string // responses and maturity datasets (provenance, population scores)
}

// LoadYear reads what the self-assessment of a year compares against, the
// way the build reads it: the questionnaire, the published tables joined
// with their specs (lost numbers inferred from the report's relations and
// the claims' exact counts), the claims recomputed from them, the
// recommendations, and from the built datasets the respondents' provenance
// and, for collected rows, their overall maturity scores.
func LoadYear(d Dirs, year int) (Inputs, error) {
	y := strconv.Itoa(year)
	q, err := questionnaire.Load(filepath.Join(d.Schemas, y, "questionnaire.yaml"))
	if err != nil {
		return Inputs{}, err
	}
	in := Inputs{Year: year, Questionnaire: q}
	specPath := filepath.Join(d.Schemas, y, "tables.yaml")
	if _, err := os.Stat(specPath); err == nil {
		specs, err := published.LoadSpecs(specPath, q)
		if err != nil {
			return in, err
		}
		tables, err := published.LoadTranscription(filepath.Join(d.Raw, y, "published"))
		if err != nil {
			return in, err
		}
		cs, _, err := claims.LoadYear(d.Schemas, d.Raw, year)
		if err != nil {
			return in, err
		}
		facts := claims.Facts(cs)
		if in.Published, err = published.Join(q, specs, tables, facts); err != nil {
			return in, err
		}
		if cs != nil {
			in.Claims = claims.Evaluate(cs, in.Published)
		}
	}
	var ids []string
	for _, c := range in.Claims {
		ids = append(ids, c.Claim.ID)
	}
	if in.Claims == nil {
		ids = nil
	}
	if in.Recommendations, err = LoadRecommendations(filepath.Join(d.Raw, y, RecommendationsFile), q, ids); err != nil {
		return in, err
	}
	if d.Processed != "" {
		if in.Provenance, err = readProvenance(columnar.PartitionPath(d.Processed, "responses", year)); err != nil {
			return in, err
		}
		if in.Provenance == survey.Collected {
			sc := NewScoreCounter(q)
			path := columnar.PartitionPath(d.Processed, "maturity", year)
			if err := columnar.ReadParquet(path, 65536, func(r arrow.Record) error { sc.Add(r); return nil }); err != nil {
				return in, fmt.Errorf("assess: %s: %w", path, err)
			}
			in.Scores = sc.Scores()
		}
	}
	return in, nil
}

// readProvenance returns the provenance of every respondent row of a
// responses partition: one value, "" when the rows mix several (as the build
// names none then) or there are no rows or no file.
func readProvenance(path string) (survey.Provenance, error) {
	seen := map[string]bool{}
	err := columnar.ReadParquet(path, 65536, func(r arrow.Record) error {
		for i, f := range r.Schema().Fields() {
			if f.Name != "provenance" {
				continue
			}
			col := r.Column(i)
			for j := 0; j < col.Len(); j++ {
				if !col.IsNull(j) {
					seen[str(col, j)] = true
				}
			}
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("assess: %s: %w", path, err)
	}
	if len(seen) != 1 {
		return "", nil
	}
	for k := range seen {
		return survey.Provenance(k), nil
	}
	return "", nil
}

// str reads a string or dictionary-of-strings cell.
func str(col arrow.Array, i int) string {
	switch a := col.(type) {
	case *array.Dictionary:
		if d, ok := a.Dictionary().(*array.String); ok {
			return d.Value(a.GetValueIndex(i))
		}
	case *array.String:
		return a.Value(i)
	}
	return ""
}

// ScoreCounter accumulates respondents' overall maturity scores from batches
// of the maturity dataset (aggregate.MaturitySchema).
type ScoreCounter struct {
	scale map[string]bool
	per   map[string]*[2]int // respondent -> sum, n
	order []string
}

// NewScoreCounter counts the scale items of q (options with SIM3 levels on
// SIM3's own scale).
func NewScoreCounter(q *questionnaire.Questionnaire) *ScoreCounter {
	sc := &ScoreCounter{scale: map[string]bool{}, per: map[string]*[2]int{}}
	for _, it := range q.Items {
		if isScale(it) {
			sc.scale[it.Number] = true
		}
	}
	return sc
}

// Add counts one batch.
func (sc *ScoreCounter) Add(rec arrow.Record) {
	idx := func(name string) int {
		if is := rec.Schema().FieldIndices(name); len(is) > 0 {
			return is[0]
		}
		return -1
	}
	ri, ii, li := idx("respondent_id"), idx("item"), idx("sim3_level")
	if ri < 0 || ii < 0 || li < 0 {
		return
	}
	lv, ok := rec.Column(li).(*array.Int32)
	if !ok {
		return
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		id := str(rec.Column(ri), i)
		acc := sc.per[id]
		if acc == nil {
			acc = new([2]int)
			sc.per[id] = acc
			sc.order = append(sc.order, id)
		}
		if lv.IsNull(i) || !sc.scale[str(rec.Column(ii), i)] {
			continue
		}
		acc[0] += int(lv.Value(i))
		acc[1]++
	}
}

// Scores returns the scores counted so far, ascending, equal scores merged;
// respondents who answered no scale item have none.
func (sc *ScoreCounter) Scores() []ScoreCount {
	var out []ScoreCount
	for _, id := range sc.order {
		if a := sc.per[id]; a[1] > 0 {
			out = append(out, ScoreCount{Score: roundScore(float64(a[0]) / float64(a[1])), Count: 1})
		}
	}
	return sortScores(out)
}
