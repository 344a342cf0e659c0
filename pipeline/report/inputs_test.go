package report_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../.."

// LoadInputs builds the report inputs of one survey year from the
// repository's schemas/ and raw/ the way the build does: the questionnaire,
// the published tables joined with their specs and the claims' exact counts,
// the audit, the claims check, the interviews, and, from raw/<year>/responses.csv,
// the validation report, the frequencies, the SIM3 maturity record and the
// reconciliation. The maturity record is released when the test ends.
func LoadInputs(tb testing.TB, root string, year int) report.Inputs {
	tb.Helper()
	y := strconv.Itoa(year)
	q, err := questionnaire.Load(filepath.Join(root, "schemas", y, "questionnaire.yaml"))
	if err != nil {
		tb.Fatalf("questionnaire: %v", err)
	}
	prof, err := survey.LoadYear(filepath.Join(root, "schemas"), year)
	if err != nil {
		tb.Fatalf("profile: %v", err)
	}
	in := report.Inputs{Year: year, Questionnaire: q, Profile: prof, Provenance: prof.Data.Responses}

	specs, err := published.LoadSpecs(filepath.Join(root, "schemas", y, "tables.yaml"), q)
	if err != nil {
		tb.Fatalf("table specs: %v", err)
	}
	tables, err := published.LoadTranscription(filepath.Join(root, "raw", y, "published"))
	if err != nil {
		tb.Fatalf("transcription: %v", err)
	}
	cs, qs, err := claims.LoadYear(filepath.Join(root, "schemas"), filepath.Join(root, "raw"), year)
	if err != nil {
		tb.Fatalf("claims: %v", err)
	}
	facts := claims.Facts(cs)
	pub, err := published.Join(q, specs, tables, facts)
	if err != nil {
		tb.Fatalf("published: %v", err)
	}
	in.Published = pub
	in.Findings = pub.Audit()
	in.Claims, in.Quantifiers = claims.Evaluate(cs, pub), qs

	if in.Interviews, err = interviews.Load(filepath.Join(root, "raw", y, "interviews.yaml")); err != nil {
		tb.Fatalf("interviews: %v", err)
	}

	mem := memory.NewGoAllocator()
	counter, err := aggregate.NewCounter(q, pub.Specs)
	if err != nil {
		tb.Fatalf("counter: %v", err)
	}
	maturity := aggregate.NewMaturity(mem, q)
	defer maturity.Release()
	rep, err := ingest.Read(context.Background(), q, filepath.Join(root, "raw", y, "responses.csv"), ingest.Options{Year: year, Mem: mem, Order: prof.DateOrder(),
		AdvisoryRouting: prof.Fielding.Routing == survey.RoutingAdvisory},
		func(rec arrow.Record) error {
			maturity.Add(rec)
			return counter.Add(rec)
		})
	if err != nil {
		tb.Fatalf("responses: %v", err)
	}
	if err := rep.Err(); err != nil {
		tb.Fatalf("responses: %v", err)
	}
	in.Validation = rep
	in.Frequencies = counter.Rows()
	in.Maturity = maturity.Record()
	tb.Cleanup(in.Maturity.Release)
	in.Reconciliation = reconcile.Compare(pub, in.Frequencies, in.Findings)
	reconcile.NoteSkipped(in.Reconciliation, pub, rep.SkippedAnswered)
	if prof.Data.Responses == survey.Reconstructed {
		reconcile.MarkChosen(in.Reconciliation)
	}
	reconcile.SetBases(in.Frequencies, in.Reconciliation)
	return in
}
