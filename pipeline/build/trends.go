package build

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// loadYears loads every year's questionnaire and checks each year against
// the previous one through its crosswalk: an item or option that changed
// without a crosswalk entry fails the build with what to add.
func loadYears(cfg Config, years []int) (map[int]*questionnaire.Questionnaire, *crosswalk.Chain, error) {
	qs := map[int]*questionnaire.Questionnaire{}
	var errs []error
	for _, y := range years {
		path := filepath.Join(cfg.SchemasDir, strconv.Itoa(y), QuestionnaireFile)
		q, err := questionnaire.Load(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w\nbuild: survey year %d: %w", err, y, ErrInvalidInput))
			continue
		}
		if q.Survey.Year != y {
			errs = append(errs, fmt.Errorf("%s: survey.year is %d but the file is under %d/: %w", path, q.Survey.Year, y, ErrInvalidInput))
			continue
		}
		qs[y] = q
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	chain := crosswalk.NewChain(years[0])
	for i, y := range years {
		path := filepath.Join(cfg.SchemasDir, strconv.Itoa(y), crosswalk.FileName)
		cw, err := crosswalk.LoadOptional(path)
		if err != nil {
			return nil, nil, fmt.Errorf("%w\nbuild: survey year %d: crosswalk: %w", err, y, ErrInvalidInput)
		}
		if i == 0 {
			if cw != nil {
				return nil, nil, fmt.Errorf("%s: the first survey year has nothing to cross-walk from; remove the file: %w", path, ErrInvalidInput)
			}
			continue
		}
		if err := crosswalk.Check(qs[years[i-1]], qs[y], cw); err != nil {
			return nil, nil, fmt.Errorf("%w\nbuild: survey year %d: crosswalk: %w", err, y, ErrInvalidInput)
		}
		if err := chain.Add(y, cw); err != nil {
			return nil, nil, fmt.Errorf("build: survey year %d: crosswalk: %w: %w", y, err, ErrInvalidInput)
		}
	}
	return qs, chain, nil
}

// TrendsSchema is the Arrow schema of processed/trends: per year, every
// choice question's options, keyed by the concept and codes of the earliest
// year they trace back to, so that rows with the same key compare across
// years.
var TrendsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "concept", Type: arrow.BinaryTypes.String},
	{Name: "row", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "cell", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "category", Type: arrow.BinaryTypes.String},
	{Name: "origin_year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "item", Type: arrow.BinaryTypes.String},
	{Name: "question_id", Type: arrow.BinaryTypes.String},
	{Name: "codes", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "label_ja", Type: arrow.BinaryTypes.String},
	{Name: "label_en", Type: arrow.BinaryTypes.String},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	{Name: "share", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "years_compared", Type: arrow.PrimitiveTypes.Int32},
	{Name: "derived", Type: arrow.FixedWidthTypes.Boolean},
}, nil)

// trendCounter counts one year's responses by option for the trends, each
// option keyed by its origin through the crosswalk chain (options that trace
// back to the same origin, a split option, form one category, each respondent
// counted once). The build feeds it while it streams a year's responses;
// years not built in the run are read back from processed/.
type trendCounter struct {
	year   int
	chain  *crosswalk.Chain
	ic     *aggregate.ItemCounter
	prov   map[string]int64
	n      int64
	mapErr error
	// built is set when the build streamed the year's responses into it.
	built bool
}

func newTrendCounter(q *questionnaire.Questionnaire, year int, chain *crosswalk.Chain) *trendCounter {
	t := &trendCounter{year: year, chain: chain, prov: map[string]int64{}}
	t.ic = aggregate.NewItemCounter(q, func(it *questionnaire.Item, row, cell, code string) string {
		o, err := t.origin(it, code)
		if err != nil {
			t.mapErr = err
			return code
		}
		return strings.Join(o.Codes, "+")
	})
	return t
}

func (t *trendCounter) origin(it *questionnaire.Item, code string) (crosswalk.Origin, error) {
	concept := it.Concept
	if concept == "" {
		concept = it.ID
	}
	return t.chain.Map(t.year, concept, code)
}

func (t *trendCounter) add(rec arrow.Record) {
	t.ic.Add(rec)
	countProvenance(rec, t.prov)
	t.n += rec.NumRows()
}

type trendRow struct {
	concept, row, cell, category string
	originYear                   int
	item, questionID             string
	codes                        []string
	labelJA, labelEN             string
	count, n                     int64
	derived                      bool
}

func (r trendRow) key() string { return r.concept + "|" + r.row + "|" + r.cell + "|" + r.category }

// buildTrends counts every year's responses (read back from processed/) by
// option, maps each option to its origin through the crosswalk chain, and
// writes processed/trends/year=<YYYY>/part-0.parquet for every year that has
// responses, and the report comparing the years (reports/trends.ipynb and
// reports/trends.html, from the same rows). Options split in a later year
// count as their origin (each respondent once); categories merged in a later
// year get a derived row in earlier years (the sum of their parts, exact for
// single-choice items; for multi-choice items a respondent who chose several
// parts is counted for each, which the row's derived flag warns about).
func buildTrends(cfg Config, years []int, qs map[int]*questionnaire.Questionnaire, chain *crosswalk.Chain, counted map[int]*trendCounter, set *atomicfile.Set) error {
	perYear := map[int][]trendRow{}
	var withData []int
	respondents := map[int]int64{}
	provenance := map[int]string{}
	for _, y := range years {
		tc := counted[y]
		if tc == nil || !tc.built {
			// A year not built in this run: count its responses as written.
			path := columnar.PartitionPath(cfg.ProcessedDir, "responses", y)
			if _, err := os.Stat(path); err != nil {
				continue // a year without respondent data
			}
			tc = newTrendCounter(qs[y], y, chain)
			err := columnar.ReadParquet(path, 65536, func(rec arrow.Record) error {
				tc.add(rec)
				return nil
			})
			if err != nil {
				return fmt.Errorf("build: trends: %w", err)
			}
		}
		if tc.mapErr != nil {
			return fmt.Errorf("build: trends: %w", tc.mapErr)
		}
		respondents[y] = tc.n
		kinds := slices.Sorted(maps.Keys(tc.prov))
		provenance[y] = strings.Join(kinds, ", ")
		for _, oc := range tc.ic.Counts() {
			o, err := tc.origin(oc.Item, oc.Codes[0])
			if err != nil {
				return fmt.Errorf("build: trends: %w", err)
			}
			perYear[y] = append(perYear[y], trendRow{concept: o.Concept, row: oc.Row, cell: oc.Cell,
				category: oc.Category, originYear: o.Year, item: oc.Item.Number, questionID: oc.Item.ID,
				codes: oc.Codes, labelJA: oc.LabelJA, labelEN: oc.LabelEN, count: oc.Count, n: oc.Answered})
		}
		withData = append(withData, y)
	}
	// A category that is a merge of several origin codes gets a derived row
	// in each year that still has the parts.
	keys := map[string]trendRow{}
	for _, y := range withData {
		for _, r := range perYear[y] {
			if _, ok := keys[r.key()]; !ok {
				keys[r.key()] = r
			}
		}
	}
	for _, y := range withData {
		have := map[string]trendRow{}
		for _, r := range perYear[y] {
			have[r.key()] = r
		}
		for k, proto := range keys {
			parts := strings.Split(proto.category, "+")
			if _, ok := have[k]; ok || len(parts) < 2 {
				continue
			}
			sum := trendRow{concept: proto.concept, row: proto.row, cell: proto.cell, category: proto.category,
				originYear: proto.originYear, derived: true, labelJA: proto.labelJA, labelEN: proto.labelEN}
			complete := true
			for _, p := range parts {
				part, ok := have[proto.concept+"|"+proto.row+"|"+proto.cell+"|"+p]
				if !ok {
					complete = false
					break
				}
				sum.count += part.count
				sum.n, sum.item, sum.questionID = part.n, part.item, part.questionID
				sum.codes = append(sum.codes, part.codes...)
			}
			if complete {
				perYear[y] = append(perYear[y], sum)
			}
		}
	}
	compared := map[string]int{}
	for _, y := range withData {
		for _, r := range perYear[y] {
			compared[r.key()]++
		}
	}
	mem := memory.NewGoAllocator()
	in := report.TrendsInputs{Years: withData, Questionnaires: map[int]*questionnaire.Questionnaire{},
		Respondents: respondents, Provenance: provenance}
	for _, y := range withData {
		in.Questionnaires[y] = qs[y]
		rows := perYear[y]
		slices.SortStableFunc(rows, func(a, b trendRow) int { return strings.Compare(a.key(), b.key()) })
		rec := trendsRecord(mem, rows, compared)
		err := addParquet(set, cfg, "trends", y, rec)
		rec.Release()
		if err != nil {
			return err
		}
		for _, r := range rows {
			in.Rows = append(in.Rows, r.reportRow(y, compared[r.key()]))
		}
	}
	files, err := report.RenderTrends(in)
	if err != nil {
		return fmt.Errorf("build: trends: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		set.Add(filepath.Join(cfg.ReportsDir, name), files[name])
	}
	return nil
}

// reportRow is the row as the trends report reads it: the values of the
// dataset's columns (share: count / n, NaN without a base).
func (r trendRow) reportRow(year, compared int) report.TrendRow {
	share := math.NaN()
	if r.n > 0 {
		share = float64(r.count) / float64(r.n)
	}
	return report.TrendRow{Year: year, Concept: r.concept, Row: r.row, Cell: r.cell, Category: r.category,
		OriginYear: r.originYear, Item: r.item, QuestionID: r.questionID, Codes: slices.Clone(r.codes),
		LabelJA: r.labelJA, LabelEN: r.labelEN, Count: r.count, N: r.n, Share: share, YearsCompared: compared,
		Derived: r.derived}
}

func trendsRecord(mem memory.Allocator, rows []trendRow, compared map[string]int) arrow.Record {
	b := array.NewRecordBuilder(mem, TrendsSchema)
	defer b.Release()
	str := func(i int, v string, nullable bool) {
		if nullable && v == "" {
			b.Field(i).AppendNull()
		} else {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	for _, r := range rows {
		str(0, r.concept, false)
		str(1, r.row, true)
		str(2, r.cell, true)
		str(3, r.category, false)
		b.Field(4).(*array.Int32Builder).Append(int32(r.originYear))
		str(5, r.item, false)
		str(6, r.questionID, false)
		lb := b.Field(7).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).AppendValues(r.codes, nil)
		str(8, r.labelJA, false)
		str(9, r.labelEN, false)
		b.Field(10).(*array.Int64Builder).Append(r.count)
		b.Field(11).(*array.Int64Builder).Append(r.n)
		if r.n > 0 {
			b.Field(12).(*array.Float64Builder).Append(float64(r.count) / float64(r.n))
		} else {
			b.Field(12).AppendNull()
		}
		b.Field(13).(*array.Int32Builder).Append(int32(compared[r.key()]))
		b.Field(14).(*array.BooleanBuilder).Append(r.derived)
	}
	return b.NewRecord()
}
