// Package build runs the pipeline's stages for every survey year and replaces
// the outputs only when every stage of every year succeeded.
//
// Stages per year: load and validate schemas/<year>/questionnaire.yaml, derive
// the typed schema and the codebook, encode the datasets (Parquet) and reports
// (Markdown). All outputs are produced in memory first and then committed
// together through atomicfile, so a failed build leaves the last good outputs
// untouched and an unchanged input leaves files byte-identical.
package build

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/assess"
	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/codebook"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
)

// ErrInvalidInput marks a build that stopped because an input (a
// questionnaire, later the raw data) is invalid; nothing was written.
var ErrInvalidInput = errors.New("invalid input")

// Input file names under SchemasDir/<year>/.
const (
	QuestionnaireFile = "questionnaire.yaml" // the questionnaire
	TablesFile        = "tables.yaml"        // specs of the published tables (optional)
)

// Config names the input and output directories.
type Config struct {
	SchemasDir   string
	RawDir       string
	ProcessedDir string
	ReportsDir   string
	// Quarantine builds from the valid rows of raw responses and reports the
	// rejected ones (processed/rejects) instead of failing on invalid rows.
	Quarantine bool
	// ReconcileWarn logs an unexplained difference between published and
	// computed tables instead of failing the build (for synthetic data and
	// benchmarks; the reconciliation dataset records it either way).
	ReconcileWarn bool
	// BatchSize is the number of raw rows evaluated into one record batch
	// and Parquet row group (0: DefaultBatchSize; a batch holds their accepted rows);
	// memory grows with it, not with the number of respondents.
	BatchSize int
	// Limits bound the work a hostile raw responses file can cause (zero
	// fields: ingest.DefaultLimits).
	Limits ingest.Limits
	// AllowSymlinks lets outputs be written through symbolic links under
	// (or as) ProcessedDir and ReportsDir; by default such a link fails the
	// build before anything is written.
	AllowSymlinks bool
	// Force rebuilds years whose inputs are unchanged.
	Force bool
	// Years limits the build to these years (empty: every year).
	Years []int
	// Logger receives progress and the validation summary (nil: discarded).
	Logger *slog.Logger
	// Progress, when set, is called after each batch of respondents is
	// ingested, with the rows read so far (for a progress bar).
	Progress func(year int, rows int64)
}

func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// Result reports what a build did.
type Result struct {
	Years     []int    // years built
	Skipped   []int    // years whose inputs and outputs were unchanged
	Written   []string // files replaced or created
	Unchanged []string // files rebuilt to the same bytes
	Removed   []string // outputs of an earlier build that this one no longer produces
}

var yearDir = regexp.MustCompile(`^[0-9]{4}$`)

// Years lists the survey years that have a questionnaire under dir, ascending.
func Years(dir string) ([]int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("build: list survey years: %w", err)
	}
	var years []int
	for _, e := range ents {
		if !e.IsDir() || !yearDir.MatchString(e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), QuestionnaireFile)); err != nil {
			return nil, fmt.Errorf("build: survey year %s: %w", e.Name(), err)
		}
		y, _ := strconv.Atoi(e.Name())
		years = append(years, y)
	}
	slices.Sort(years)
	if len(years) == 0 {
		return nil, fmt.Errorf("build: no survey year under %s (expected %s/<year>/%s): %w", dir, dir, QuestionnaireFile, ErrInvalidInput)
	}
	return years, nil
}

// Run builds the survey years found under cfg.SchemasDir (or those in
// cfg.Years), skipping a year whose inputs, tool and outputs are unchanged
// since its last build (unless cfg.Force). Outputs are replaced only when
// every selected year built; leftovers of an interrupted build are removed
// first.
//
// Cancelling ctx stops the build at the next batch of respondents or stage
// and replaces nothing: the error wraps context.Cause(ctx) (errors.Is
// context.Canceled after an interrupt). Once the commit of the outputs has
// begun it runs to its end (atomicfile.CommitAll), so outputs are never half
// replaced.
func Run(ctx context.Context, cfg Config) (Result, error) {
	log := cfg.logger()
	if err := interrupted(ctx); err != nil {
		return Result{}, err
	}
	go ToolVersion() // hash the tool binary while the inputs are loaded and hashed
	years, err := Years(cfg.SchemasDir)
	if err != nil {
		return Result{}, err
	}
	if err := checkRawYears(cfg, years); err != nil {
		return Result{}, err
	}
	allYears := years
	if len(cfg.Years) > 0 {
		for _, y := range cfg.Years {
			if !slices.Contains(years, y) {
				return Result{}, fmt.Errorf("build: no survey year %d under %s (have %v): %w", y, cfg.SchemasDir, years, ErrInvalidInput)
			}
		}
		years = slices.DeleteFunc(slices.Clone(years), func(y int) bool { return !slices.Contains(cfg.Years, y) })
	}
	qs, chain, err := loadYears(cfg, allYears)
	if err != nil {
		return Result{}, err
	}
	profiles, err := loadProfiles(cfg, allYears, qs)
	if err != nil {
		return Result{}, err
	}
	// Inputs are read; from here on outputs are written: one build at a time.
	if err := interrupted(ctx); err != nil {
		return Result{}, err
	}
	if err := cfg.checkOutputRoots(); err != nil {
		return Result{}, err
	}
	held, err := lock(cfg.ProcessedDir)
	if err != nil {
		return Result{}, err
	}
	defer held.release()
	if n, err := removeLeftovers(cfg.ProcessedDir, cfg.ReportsDir); err != nil {
		return Result{}, err
	} else if n > 0 {
		log.Info("removed leftovers of an interrupted build", "files", n)
	}
	m := loadManifest(cfg)
	type pending struct {
		year   int
		inputs map[string]string
		set    *atomicfile.Set
	}
	var todo []pending
	var res Result
	counted := map[int]*trends.Counter{}
	var errs []error
	for _, y := range years {
		if err := interrupted(ctx); err != nil {
			errs = append(errs, err)
			break
		}
		// The inputs' hashes decide whether a year is up to date; a year that
		// is built anyway (--force, or no entry of this tool in the manifest)
		// has them computed alongside its build.
		var inputs map[string]string
		var inputsErr error
		hashed := make(chan struct{})
		if cfg.Force || !m.hasEntry(y) {
			go func() { inputs, inputsErr = yearInputs(cfg, y); close(hashed) }()
		} else {
			inputs, inputsErr = yearInputs(cfg, y)
			close(hashed)
			if inputsErr != nil {
				errs = append(errs, inputsErr)
				continue
			}
			if m.upToDate(cfg, y, inputs) {
				log.Debug("year unchanged", "year", y)
				res.Skipped = append(res.Skipped, y)
				continue
			}
		}
		log.Info("building", "year", y)
		set := cfg.newSet()
		counted[y] = trends.NewCounter(qs[y], y, chain)
		err := buildYear(ctx, cfg, y, qs[y], profiles[y], counted[y], set)
		<-hashed
		if err = errors.Join(err, inputsErr); err != nil {
			set.Abort()
			errs = append(errs, err)
			continue
		}
		todo = append(todo, pending{y, inputs, set})
	}
	if err := errors.Join(errs...); err != nil || ctx.Err() != nil {
		for _, p := range todo {
			p.set.Abort()
		}
		if ierr := interrupted(ctx); ierr != nil {
			return Result{}, ierr // what else failed was stopped by the interrupt
		}
		return Result{}, err
	}
	// Every output of every year and the trends are committed together, all
	// or nothing (atomicfile.CommitAll).
	sets := make([]*atomicfile.Set, 0, len(todo)+1)
	for _, p := range todo {
		sets = append(sets, p.set)
	}
	abortAll := func() {
		for _, s := range sets {
			s.Abort()
		}
	}
	if err := interrupted(ctx); err != nil {
		abortAll()
		return Result{}, err
	}
	trends := cfg.newSet()
	withTrends := len(todo) > 0 || trendsMissing(cfg, allYears) || !m.trendsUpToDate(cfg, allYears)
	if withTrends {
		if err := buildTrends(cfg, allYears, qs, chain, counted, trends); err != nil {
			trends.Abort()
			for _, s := range sets {
				s.Abort()
			}
			return res, err
		}
		sets = append(sets, trends)
	}
	if len(sets) == 0 {
		return res, writeDataPackage(cfg, qs, &res) // repaired if missing or changed by hand
	}
	// The datapackage describes the partitions as they will be: committed
	// with them, all or nothing.
	trendsIdx := len(sets) - 1
	var planned []string
	for _, s := range sets {
		planned = append(planned, s.Paths()...)
	}
	dp, err := dataPackage(cfg.ProcessedDir, qs, planned)
	if err != nil {
		for _, s := range sets {
			s.Abort()
		}
		return res, fmt.Errorf("build: %s: %w", DataPackageFile, err)
	}
	dpSet := cfg.newSet()
	dpSet.Add(filepath.Join(cfg.ProcessedDir, DataPackageFile), dp)
	sets = append(sets, dpSet)
	outputs := make([][]string, len(sets))
	for i, s := range sets {
		outputs[i] = s.Paths()
	}
	if err := interrupted(ctx); err != nil {
		abortAll()
		return Result{}, err
	}
	log.Info("committing outputs", "sets", len(sets))
	committed, err := atomicfile.CommitAll(sets...)
	if err != nil {
		return res, fmt.Errorf("build: %w", err)
	}
	for i, p := range todo {
		r := committed[i]
		for _, old := range m.stale(cfg, p.year, outputs[i]) {
			if err := os.Remove(old); err == nil {
				res.Removed = append(res.Removed, old)
			}
		}
		if err := m.record(cfg, p.year, p.inputs, outputs[i], r.SHA256); err != nil {
			return res, err
		}
		res.Years = append(res.Years, p.year)
		res.Written = append(res.Written, r.Written...)
		res.Unchanged = append(res.Unchanged, r.Unchanged...)
	}
	if withTrends {
		r, last := committed[trendsIdx], outputs[trendsIdx]
		for _, old := range m.staleTrends(cfg, last) {
			if err := os.Remove(old); err == nil {
				res.Removed = append(res.Removed, old)
			}
		}
		if err := m.recordTrends(cfg, allYears, last, r.SHA256); err != nil {
			return res, err
		}
		res.Written = append(res.Written, r.Written...)
		res.Unchanged = append(res.Unchanged, r.Unchanged...)
	}
	res.Written = append(res.Written, committed[len(sets)-1].Written...)
	res.Unchanged = append(res.Unchanged, committed[len(sets)-1].Unchanged...)
	if err := m.save(cfg); err != nil {
		return res, fmt.Errorf("build: manifest: %w", err)
	}
	return res, nil
}

// interrupted returns the error of a cancelled build, or nil.
func interrupted(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("build: interrupted; no output was replaced: %w", context.Cause(ctx))
}

// writeDataPackage (re)writes processed/datapackage.json from the declared
// datasets and the partitions on disk; an unchanged descriptor is left alone.
func writeDataPackage(cfg Config, qs map[int]*questionnaire.Questionnaire, res *Result) error {
	data, err := dataPackage(cfg.ProcessedDir, qs, nil)
	if err != nil {
		return fmt.Errorf("build: %s: %w", DataPackageFile, err)
	}
	var set atomicfile.Set
	set.Add(filepath.Join(cfg.ProcessedDir, DataPackageFile), data)
	r, err := set.Commit()
	if err != nil {
		return fmt.Errorf("build: %s: %w", DataPackageFile, err)
	}
	res.Written = append(res.Written, r.Written...)
	return nil
}

// trendsMissing reports whether a year with responses or published tables lacks its trends file,
// or the trends report is missing.
func trendsMissing(cfg Config, years []int) bool {
	for _, name := range []string{report.TrendsNotebook, report.TrendsHTMLFile} {
		if !fileExists(filepath.Join(cfg.ReportsDir, name)) {
			return true
		}
	}
	for _, y := range years {
		data := fileExists(columnar.PartitionPath(cfg.ProcessedDir, dsResponses, y)) ||
			fileExists(columnar.PartitionPath(cfg.ProcessedDir, dsPublished, y))
		if data && !fileExists(columnar.PartitionPath(cfg.ProcessedDir, dsTrends, y)) {
			return true
		}
	}
	return false
}

// checkRawYears fails on a raw/<year>/ without a questionnaire and on a
// folder of raw/ that is not named as a year (raw/2O16, raw/fy2016): data
// that would otherwise be silently ignored.
func checkRawYears(cfg Config, years []int) error {
	ents, err := os.ReadDir(cfg.RawDir)
	if err != nil {
		return nil // no raw directory: nothing to check
	}
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !yearDir.MatchString(e.Name()) {
			return fmt.Errorf("build: %s is not a survey year: raw inputs go under %s/<year>/ with the four-digit year (%s/2016), nothing else: %w",
				filepath.Join(cfg.RawDir, e.Name()), cfg.RawDir, cfg.RawDir, ErrInvalidInput)
		}
		y, _ := strconv.Atoi(e.Name())
		if !slices.Contains(years, y) {
			return fmt.Errorf("build: %s has no questionnaire (%s/%d/%s); add it (csirtsurvey scaffold --from <year> --year %d): %w",
				filepath.Join(cfg.RawDir, e.Name()), cfg.SchemasDir, y, QuestionnaireFile, y, ErrInvalidInput)
		}
	}
	return nil
}

// buildYear produces one year's outputs into set from its questionnaire
// (already loaded and checked by loadYears); its responses are also counted
// into tc for the trends.
func buildYear(ctx context.Context, cfg Config, year int, q *questionnaire.Questionnaire, p *survey.Profile, tc *trends.Counter, set *atomicfile.Set) error {
	var err error
	rec := codebook.Record(memory.NewGoAllocator(), codebook.Build(q))
	defer rec.Release()
	if err := addParquet(set, cfg, dsCodebook, year, rec); err != nil {
		return err
	}
	// Name the source the same way wherever the build runs from, so reports stay byte-identical.
	source := filepath.ToSlash(filepath.Join(filepath.Base(cfg.SchemasDir), strconv.Itoa(year), QuestionnaireFile))
	set.Add(filepath.Join(cfg.ReportsDir, strconv.Itoa(year), "codebook.md"), codebook.Markdown(q, source))

	in := report.Inputs{Year: year, Questionnaire: q, Profile: p}
	if in.Interviews, err = buildInterviews(cfg, year, set); err != nil {
		return err
	}
	if err := buildPublished(cfg, year, q, p, set, &in); err != nil {
		return err
	}
	if err := checkCrosstabs(p, in.Published); err != nil {
		return err
	}
	if tc != nil {
		tc.SetPublished(in.Published) // the trends of a year without respondent rows
	}
	if err := interrupted(ctx); err != nil {
		return err
	}
	if err := buildResponses(ctx, cfg, year, q, p, tc, set, &in); err != nil {
		return err
	}
	if err := interrupted(ctx); err != nil {
		return err
	}
	if in.Maturity != nil {
		defer in.Maturity.Release()
	}
	if strings.HasPrefix(string(in.Provenance), "mixed") {
		// The report states one provenance; the datasets' footers give the mix.
		cfg.logger().Warn("respondent rows of mixed provenance: the report does not name one", "year", year, "provenance", in.Provenance)
		in.Provenance = ""
	}
	files, err := report.Render(in)
	if err != nil {
		return fmt.Errorf("build: survey year %d: reports: %w", year, err)
	}
	for name, data := range files {
		set.Add(filepath.Join(cfg.ReportsDir, strconv.Itoa(year), name), data)
	}
	// The self-assessment pages (its only input error: raw/<year>/recommendations.yaml).
	pages, err := assess.Build(in, filepath.Join(cfg.RawDir, strconv.Itoa(year)))
	if err != nil {
		return fmt.Errorf("build: survey year %d: self-assessment: %w: %w", year, err, ErrInvalidInput)
	}
	for name, data := range pages {
		set.Add(filepath.Join(cfg.ReportsDir, strconv.Itoa(year), name), data)
	}
	return nil
}

// buildInterviews adds the interview profiles, when the year has them.
func buildInterviews(cfg Config, year int, set *atomicfile.Set) ([]interviews.Interview, error) {
	path := filepath.Join(cfg.RawDir, strconv.Itoa(year), "interviews.yaml")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	ivs, err := interviews.Load(path)
	if err != nil {
		return nil, InvalidInput(fmt.Sprintf("build: survey year %d: interviews", year), err)
	}
	for _, iv := range ivs {
		if iv.Year != year {
			return nil, fmt.Errorf("%s: year is %d but the file is under %d/: %w", path, iv.Year, year, ErrInvalidInput)
		}
	}
	mem := memory.NewGoAllocator()
	teams := interviews.Teams(mem, ivs)
	defer teams.Release()
	if err := addParquet(set, cfg, dsInterviews, year, teams); err != nil {
		return nil, err
	}
	topics := interviews.Topics(mem, ivs)
	defer topics.Release()
	return ivs, addParquet(set, cfg, dsTopics, year, topics)
}

// buildPublished joins the year's published-table transcription with its
// specs, when the year has specs, and adds the published and audit datasets.
func buildPublished(cfg Config, year int, q *questionnaire.Questionnaire, p *survey.Profile, set *atomicfile.Set, in *report.Inputs) error {
	specPath := filepath.Join(cfg.SchemasDir, strconv.Itoa(year), TablesFile)
	if _, err := os.Stat(specPath); errors.Is(err, os.ErrNotExist) {
		return nil // a year without published tables
	}
	invalid := func(err error) error {
		return InvalidInput(fmt.Sprintf("build: survey year %d: published tables", year), err)
	}
	specs, err := published.LoadSpecs(specPath, q)
	if err != nil {
		return invalid(err)
	}
	tables, err := published.LoadTranscription(filepath.Join(cfg.RawDir, strconv.Itoa(year), "published"))
	if err != nil {
		return invalid(err)
	}
	if err := published.CheckSources(tables, func(id string) bool { return p.Source(id) != nil }); err != nil {
		return invalid(err)
	}
	primary := p.PrimarySource()
	for _, t := range tables {
		if t.Source == "" && primary == nil {
			return invalid(fmt.Errorf("%s:%d: table %s names no source, and %s lists no primary source (the survey's own report) "+
				"to read it from; add source: <id> to the table", t.File, t.At.Line, t.Key, p.File))
		}
	}
	cs, qs, err := claims.LoadYear(cfg.SchemasDir, cfg.RawDir, year)
	if err != nil {
		return InvalidInput(fmt.Sprintf("build: survey year %d: claims", year), err)
	}
	facts := claims.Facts(cs)
	pub, err := published.Join(q, specs, tables, facts)
	if err != nil {
		return invalid(err)
	}
	for i := range pub.Entries {
		if pub.Entries[i].Source == "" {
			pub.Entries[i].Source = primary.ID // a table of the survey's own report
		}
	}
	mem := memory.NewGoAllocator()
	rec := pub.Record(mem)
	defer rec.Release()
	if err := addParquet(set, cfg, dsPublished, year, rec); err != nil {
		return err
	}
	audit := published.AuditRecord(mem, pub.Audit())
	defer audit.Release()
	if err := addParquet(set, cfg, dsAudit, year, audit); err != nil {
		return err
	}
	if cs != nil {
		in.Claims = claims.Evaluate(cs, pub)
		in.Quantifiers = qs
		crec := claims.Record(mem, in.Claims)
		defer crec.Release()
		if err := addParquet(set, cfg, dsClaims, year, crec, map[string]string{claims.MetaQuantifiers: qs.JSON()}); err != nil {
			return err
		}
	}
	in.Published, in.Findings = pub, pub.Audit()
	return nil
}

// addParquet encodes rec as the year's partition of a dataset, with meta in
// the file's footer.
func addParquet(set *atomicfile.Set, cfg Config, dataset string, year int, rec arrow.Record, meta ...map[string]string) error {
	var m map[string]string
	if len(meta) > 0 {
		m = meta[0]
	}
	data, err := columnar.EncodeParquetRecords(rec.Schema(), []arrow.Record{rec}, m)
	if err != nil {
		return fmt.Errorf("build: survey year %d: %s: %w", year, dataset, err)
	}
	set.Add(columnar.PartitionPath(cfg.ProcessedDir, dataset, year), data)
	return nil
}

// InputError is the one form of an invalid-input error: what was being done
// (the context: "build: survey year 2015: published tables") first, then the
// located problems of the input, one per line. It is ErrInvalidInput for
// errors.Is and unwraps to its cause.
type InputError struct {
	Context string
	Err     error
}

// InvalidInput wraps err, the located problems of an input, as an
// InputError with the given context.
func InvalidInput(context string, err error) error {
	return &InputError{Context: context, Err: err}
}

func (e *InputError) Error() string {
	return e.Context + ": " + ErrInvalidInput.Error() + ":\n" + e.Err.Error()
}

// Unwrap gives errors.Is and errors.As both the cause and ErrInvalidInput.
func (e *InputError) Unwrap() []error { return []error{e.Err, ErrInvalidInput} }
