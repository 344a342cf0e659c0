// Package assess builds the self-assessment of a survey year: an offline page
// (reports/<year>/self-assessment.html, .en.html) on which a team answers the
// questionnaire and sees, item by item, where it stands among the year's
// respondents, and the same comparison for a file of answers
// (`csirtsurvey assess`).
//
// Everything compared against comes from data the build already has: the
// questionnaire (the form, its relevance rules, exclusive options, matrix
// cells), the published tables (each item's population distribution: counts,
// N and base as printed, lost numbers as lost, inferred ones labelled), the
// claims (the report's figures, recomputed) and raw/<year>/recommendations.yaml,
// which links the report's recommendations to the items and answers they
// concern (format below). Statistics that combine items (the overall
// maturity percentile) rest on respondent rows, so they are given only for a
// year whose rows are collected; for reconstructed or synthetic rows the page
// says why they are missing.
//
// recommendations.yaml:
//
//	format: csirt-survey/recommendations/v1
//	recommendations:
//	  - id: point-of-contact          # stable, unique
//	    section: "4.4"                # the report's section
//	    page: 106
//	    title_ja: ...; title_en: ...; text_ja: ...; text_en: ...
//	    claims: [claim ids of raw/<year>/claims.yaml the point quotes]
//	    gaps:                         # answers that mean the point is not met
//	      - {item: "4.1", any_of: [d, e]}
//
// The page is one file: inline CSS and script, the data as JSON, no network
// (a Content-Security-Policy forbids any), answers kept in the browser's
// localStorage, exported explicitly as one row of raw/README.md's responses
// contract (CSV or JSON) and imported back. Every string from data is set
// as text, never as markup.
package assess

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Output file names under reports/<year>/.
const (
	PageJA = "self-assessment.html"
	PageEN = "self-assessment.en.html"
)

// Inputs is what one year's self-assessment compares against.
type Inputs struct {
	Year            int
	Questionnaire   *questionnaire.Questionnaire
	Published       *published.Set // nil: the year has no published tables
	Claims          []claims.Result
	Provenance      survey.Provenance // of the respondent rows; "" when mixed or none. Statistics that combine items are shown only of collected rows
	Recommendations []Recommendation
	// Scores is the population's overall maturity scores (see Model.Scores);
	// used only when Provenance is collected.
	Scores []ScoreCount
}

// FromReport gathers the inputs from what the build passes to the reports,
// loading rawYearDir/recommendations.yaml when present.
func FromReport(in report.Inputs, rawYearDir string) (Inputs, error) {
	out := Inputs{Year: in.Year, Questionnaire: in.Questionnaire, Published: in.Published, Claims: in.Claims, Provenance: in.Provenance}
	var ids []string
	for _, c := range in.Claims {
		ids = append(ids, c.Claim.ID)
	}
	if in.Claims == nil {
		ids = nil
	}
	recs, err := LoadRecommendations(filepath.Join(rawYearDir, RecommendationsFile), in.Questionnaire, ids)
	if err != nil {
		return out, err
	}
	out.Recommendations = recs
	if in.Provenance == survey.Collected && in.Maturity != nil {
		out.Scores = ScoresFromMaturity(in.Questionnaire, in.Maturity)
	}
	return out, nil
}

// Build returns the two pages of a year from the reports' inputs: file name
// -> bytes for reports/<year>/.
func Build(in report.Inputs, rawYearDir string) (map[string][]byte, error) {
	ai, err := FromReport(in, rawYearDir)
	if err != nil {
		return nil, err
	}
	return Render(ai)
}

// Render returns the Japanese and English pages.
func Render(in Inputs) (map[string][]byte, error) {
	if in.Questionnaire == nil {
		return nil, errors.New("assess: no questionnaire")
	}
	if in.Year != in.Questionnaire.Survey.Year {
		return nil, fmt.Errorf("assess: year %d but the questionnaire is of %d", in.Year, in.Questionnaire.Survey.Year)
	}
	out := map[string][]byte{}
	for _, p := range []struct{ name, lang string }{{PageJA, "ja"}, {PageEN, "en"}} {
		b, err := page(NewModel(in, p.lang))
		if err != nil {
			return nil, fmt.Errorf("assess: %s: %w", p.name, err)
		}
		out[p.name] = b
	}
	return out, nil
}

// Page renders one language's page; m.Initial, when set, is the answers it
// opens with.
func Page(m *Model) ([]byte, error) { return page(m) }

// NewModel returns the comparison model of a year in one language ("ja" or "en").
func NewModel(in Inputs, lang string) *Model { return newModel(in, lang) }

// ScoresFromMaturity computes every respondent's overall maturity score (the
// mean SIM3 level of the answered scale items; see Model.Score) from a record
// of the maturity dataset.
func ScoresFromMaturity(q *questionnaire.Questionnaire, rec arrow.Record) []ScoreCount {
	sc := NewScoreCounter(q)
	sc.Add(rec)
	return sc.Scores()
}
