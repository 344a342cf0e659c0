// Package report renders, for one survey year, the documents people open:
// two notebooks (report.ipynb in Japanese, report.en.ipynb in English, the
// same code), one self-contained offline web page (report.html, both
// editions) and a workbook (tables.xlsx).
//
// Everything is generated from the pipeline's typed outputs (the questionnaire,
// the published tables and their audit, the computed frequencies and their
// reconciliation, the SIM3 maturity levels, the validation report, the
// interviews and the claims check) and nothing from the clock: the same
// inputs give the same bytes.
//
// Layout of the notebooks (nbformat 4.5, deterministic cell ids):
//
//	title and provenance      markdown
//	parameters                code, tagged "parameters": year, lang, processed
//	setup, charts, tables     code: load() reads processed/<dataset>/year=<year>/
//	                          with pandas (pyarrow); the chart cell is charts.py,
//	                          which also draws the page's charts (charts.go);
//	                          table() rebuilds a table
//	DuckDB / polars           markdown: the same table in SQL and polars
//	overview                  markdown and code
//	one section per table     markdown (item, question ja/en, base, N, notes)
//	                          and code whose pre-rendered outputs are the table
//	                          (text/html, text/plain) and its chart (text/html
//	                          <img>, image/svg+xml, text/plain); a run of matrix
//	                          tables (2.9) shares one chart, shown with its first
//	maturity, audit, validation, interviews, claims
//
// Every output is pre-rendered so the notebooks read without a kernel, and
// is what the code in its cell computes. Every string from data is escaped:
// html/template for HTML, XML escaping in SVG, Markdown and HTML escaping in
// markdown cells.
package report

import (
	"errors"
	"fmt"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Output file names under reports/<year>/.
const (
	NotebookJA = "report.ipynb"
	NotebookEN = "report.en.ipynb"
	HTMLFile   = "report.html"
	XLSXFile   = "tables.xlsx"
)

// Inputs is everything one year's reports show.
type Inputs struct {
	Year           int
	Questionnaire  *questionnaire.Questionnaire
	Profile        *survey.Profile     // the year's profile (fielding, sources, notes); nil in some tests
	Published      *published.Set      // nil when the year has no published tables
	Findings       []published.Finding // audit
	Frequencies    []aggregate.Row     // nil when the year has no responses
	Reconciliation []reconcile.Row
	Claims         []claims.Result
	Quantifiers    *claims.Quantifiers // the table the claims were read by (nil: none)
	Interviews     []interviews.Interview
	Validation     *ingest.Report // nil without responses
	Maturity       arrow.Record   // aggregate.MaturitySchema; may be nil
	// MaturityOmitted, when not 0, is the number of respondents whose
	// maturity levels were too many to show (Maturity is then nil).
	MaturityOmitted int64
	Provenance      survey.Provenance // how the respondent rows were obtained; "" when unknown or mixed
}

// Render returns file name -> bytes for reports/<year>/: report.ipynb,
// report.en.ipynb, report.html, tables.xlsx.
func Render(in Inputs) (map[string][]byte, error) {
	if in.Questionnaire == nil {
		return nil, errors.New("report: no questionnaire")
	}
	if in.Year != in.Questionnaire.Survey.Year {
		return nil, fmt.Errorf("report: year %d but the questionnaire is of %d", in.Year, in.Questionnaire.Survey.Year)
	}
	switch in.Provenance {
	case "", survey.Collected, survey.Reconstructed, survey.Synthetic:
	default:
		return nil, fmt.Errorf("report: provenance %q is not %s, %s or %s", in.Provenance, survey.Collected, survey.Reconstructed, survey.Synthetic)
	}
	m, err := newModel(in)
	if err != nil {
		return nil, err
	}
	// The four files only read the model: they are rendered side by side,
	// the workbook (which has no charts) while charts.py draws the charts
	// of the other three.
	renders := []struct {
		name string
		fn   func() ([]byte, error)
	}{
		{XLSXFile, func() ([]byte, error) { return workbook(m) }},
		{NotebookJA, func() ([]byte, error) { return notebook(m, ja) }},
		{NotebookEN, func() ([]byte, error) { return notebook(m, en) }},
		{HTMLFile, func() ([]byte, error) { return htmlPage(m) }},
	}
	files := make([][]byte, len(renders))
	errs := make([]error, len(renders))
	var wg sync.WaitGroup
	wg.Go(func() { files[0], errs[0] = renders[0].fn() })
	if err := m.draw(); err != nil {
		wg.Wait()
		return nil, err
	}
	for i, r := range renders[1:] {
		wg.Go(func() { files[i+1], errs[i+1] = r.fn() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for i, r := range renders {
		out[r.name] = files[i]
	}
	return out, nil
}
