package build

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
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
			errs = append(errs, InvalidInput(fmt.Sprintf("build: survey year %d", y), err))
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
			return nil, nil, InvalidInput(fmt.Sprintf("build: survey year %d: crosswalk", y), err)
		}
		if i == 0 {
			if cw != nil {
				return nil, nil, fmt.Errorf("%s: the first survey year has nothing to cross-walk from; remove the file: %w", path, ErrInvalidInput)
			}
			continue
		}
		if err := crosswalk.Check(qs[years[i-1]], qs[y], cw); err != nil {
			return nil, nil, InvalidInput(fmt.Sprintf("build: survey year %d: crosswalk", y), err)
		}
		if err := chain.Add(y, cw); err != nil {
			return nil, nil, InvalidInput(fmt.Sprintf("build: survey year %d: crosswalk", y), err)
		}
	}
	return qs, chain, nil
}

// loadPublishedForTrends joins a year's published tables with their specs,
// for a year the build did not rebuild in this run (nil without tables). The
// trends use printed numbers only, so the report's prose facts that infer
// lost numbers are not needed here.
func loadPublishedForTrends(cfg Config, y int, q *questionnaire.Questionnaire) (*published.Set, error) {
	specPath := filepath.Join(cfg.SchemasDir, strconv.Itoa(y), TablesFile)
	if !fileExists(specPath) {
		return nil, nil
	}
	specs, err := published.LoadSpecs(specPath, q)
	if err != nil {
		return nil, err
	}
	tables, err := published.LoadTranscription(filepath.Join(cfg.RawDir, strconv.Itoa(y), "published"))
	if err != nil {
		return nil, err
	}
	return published.Join(q, specs, tables, nil)
}

// buildTrends compares every year (pipeline/trends), reading back from
// processed/ what this run did not build, and stages processed/trends and
// the trends report.
func buildTrends(cfg Config, years []int, qs map[int]*questionnaire.Questionnaire, chain *crosswalk.Chain, counted map[int]*trends.Counter, set *atomicfile.Set) error {
	in, err := trends.Build(trends.Inputs{
		Years: years, Questionnaires: qs, Chain: chain, Counted: counted,
		ReadResponses: func(y int, add func(arrow.Record)) (bool, error) {
			path := columnar.PartitionPath(cfg.ProcessedDir, dsResponses, y)
			if !fileExists(path) {
				return false, nil
			}
			return true, columnar.ReadParquet(path, 65536, func(rec arrow.Record) error {
				add(rec)
				return nil
			})
		},
		LoadPublished: func(y int, q *questionnaire.Questionnaire) (*published.Set, error) {
			return loadPublishedForTrends(cfg, y, q)
		},
	}, func(y int, rec arrow.Record) error {
		return addParquet(set, cfg, dsTrends, y, rec)
	})
	if err != nil {
		return fmt.Errorf("build: trends: %w", err)
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
