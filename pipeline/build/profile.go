package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// ResponseFiles are the names a year's respondent rows may have under
// raw/<year>/ (one of them).
var ResponseFiles = []string{"responses.csv", "responses.xlsx"}

// loadProfiles reads schemas/<year>/survey.yaml of every year and checks its
// references into the year's questionnaire. A year without a profile is an
// error that says how to add one.
func loadProfiles(cfg Config, years []int, qs map[int]*questionnaire.Questionnaire) (map[int]*survey.Profile, error) {
	out := map[int]*survey.Profile{}
	var errs []error
	for _, y := range years {
		path := filepath.Join(cfg.SchemasDir, strconv.Itoa(y), survey.FileName)
		if !fileExists(path) {
			errs = append(errs, fmt.Errorf("build: survey year %d: %s is missing: every survey year needs a profile "+
				"(how it was fielded, its sources, which inputs it has; format in schemas/README.md, "+
				"`csirtsurvey scaffold` writes one to fill in): %w", y, path, ErrInvalidInput))
			continue
		}
		p, err := survey.Load(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("build: survey year %d: profile: %w: %w", y, err, ErrInvalidInput))
			continue
		}
		if p.Year != y {
			errs = append(errs, fmt.Errorf("build: %s: year is %d but the file is under %d/: %w", path, p.Year, y, ErrInvalidInput))
			continue
		}
		q := qs[y]
		itemType := func(number string) (string, bool) {
			it := q.Item(number)
			if it == nil {
				return "", false
			}
			return string(it.Type), true
		}
		// Crosstabs are checked against the table specs when those are loaded.
		if err := p.CheckItems(itemType); err != nil {
			errs = append(errs, fmt.Errorf("build: survey year %d: profile: %w: %w", y, err, ErrInvalidInput))
			continue
		}
		if err := checkInputs(cfg, p); err != nil {
			errs = append(errs, err)
			continue
		}
		out[y] = p
	}
	return out, errors.Join(errs...)
}

// checkInputs compares the inputs a profile declares with the files present:
// a declared input that is missing or misnamed, an undeclared one that is
// present, and a year with no data at all are errors that name the file.
func checkInputs(cfg Config, p *survey.Profile) error {
	y := strconv.Itoa(p.Year)
	rawDir := filepath.Join(cfg.RawDir, y)
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("build: survey year %d: "+format+": %w", append(append([]any{p.Year}, args...), ErrInvalidInput)...))
	}
	if !p.HasRows() && !p.HasTables() {
		fail("%s says the year has neither respondent rows nor published tables (data: responses: none, published: none); "+
			"add the responses as %s (raw/README.md) and set data.responses, or the published tables as %s and %s/*.yaml "+
			"and set data.published", p.File, filepath.Join(rawDir, ResponseFiles[0]),
			filepath.Join(cfg.SchemasDir, y, TablesFile), filepath.Join(rawDir, "published"))
		return errors.Join(errs...)
	}
	var found, misnamed []string
	if ents, err := os.ReadDir(rawDir); err == nil {
		for _, e := range ents {
			name := e.Name()
			switch {
			case slices.Contains(ResponseFiles, name):
				found = append(found, filepath.Join(rawDir, name))
			case strings.EqualFold(strings.TrimSuffix(name, filepath.Ext(name)), "responses"):
				misnamed = append(misnamed, filepath.Join(rawDir, name))
			}
		}
	}
	for _, m := range misnamed {
		fail("%s is not a name the build reads: respondent rows are %s (rename it)", m, strings.Join(ResponseFiles, " or "))
	}
	switch {
	case p.HasRows() && len(found) == 0 && len(misnamed) == 0:
		fail("%s declares respondent rows (data.responses: %s) but %s has no %s; add the file (raw/README.md) "+
			"or set data.responses: none", p.File, p.Data.Responses, rawDir, strings.Join(ResponseFiles, " or "))
	case !p.HasRows() && len(found) > 0:
		fail("%s holds respondent rows but %s says data.responses: none; set it to collected, reconstructed or synthetic",
			found[0], p.File)
	}
	specs := filepath.Join(cfg.SchemasDir, y, TablesFile)
	pubDir := filepath.Join(rawDir, "published")
	switch {
	case p.HasTables() && (!fileExists(specs) || !fileExists(pubDir)):
		fail("%s declares published tables (data.published: %s) but %s and %s/*.yaml are needed; "+
			"add them (schemas/README.md, raw/README.md) or set data.published: none", p.File, p.Data.Published, specs, pubDir)
	case !p.HasTables() && (fileExists(specs) || fileExists(pubDir)):
		fail("%s says data.published: none but the year has published tables (%s); set data.published to full or partial",
			p.File, specs)
	}
	return errors.Join(errs...)
}

// checkCrosstabs checks that the crosstabs the profile declares name tables
// of the year's specs (pub is nil when the year has no published tables).
func checkCrosstabs(p *survey.Profile, pub *published.Set) error {
	hasTable := func(key string) bool { return pub != nil && pub.Spec(key) != nil }
	if err := p.CheckTables(hasTable); err != nil {
		return fmt.Errorf("build: survey year %d: profile: %w: %w", p.Year, err, ErrInvalidInput)
	}
	return nil
}
