package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/codebook"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

// Dataset is one dataset of processed/: processed/<Name>/year=<YYYY>/part-0.parquet.
type Dataset struct {
	Name             string
	TitleJA, TitleEN string
	// Grain says what one row is.
	Grain string
	// Stage is the package that computes the rows.
	Stage string
	// Needs is the input a year must have for the dataset to exist.
	Needs string
	// Streamed datasets are written batch by batch while the responses are
	// read (memory does not grow with the number of respondents).
	Streamed    bool
	Description string
	// Schema is the dataset's Arrow schema, the same for every year; nil for
	// responses, whose columns follow each year's questionnaire.
	Schema *arrow.Schema
}

// The inputs a dataset needs (Dataset.Needs).
const (
	NeedsQuestionnaire = "questionnaire"
	NeedsRows          = "respondent rows"
	NeedsTables        = "published tables"
	NeedsRowsAndTables = "respondent rows and published tables"
	NeedsClaims        = "claims and published tables"
	NeedsInterviews    = "interviews"
)

// Names of the datasets, as the build writes them.
const (
	dsResponses      = "responses"
	dsAnswers        = "answers"
	dsFrequencies    = "frequencies"
	dsReconciliation = "reconciliation"
	dsMaturity       = "maturity"
	dsCrosstabs      = "crosstabs"
	dsValidation     = "validation"
	dsRejects        = "rejects"
	dsPublished      = "published"
	dsAudit          = "audit"
	dsClaims         = "claims"
	dsInterviews     = "interviews"
	dsTopics         = "interview_topics"
	dsCodebook       = "codebook"
	dsTrends         = "trends"
)

// Datasets is the declared list of the datasets under processed/, in the
// order of the flow (questionnaire, responses and what derives from them,
// published tables, the report's prose and interviews, trends). The README's
// dataset table and processed/datapackage.json are generated from it.
var Datasets = []Dataset{
	{Name: dsCodebook, TitleJA: "コードブック", TitleEN: "Codebook", Grain: "one row per item, option, coded category, bin, matrix row and response column",
		Stage: "pipeline/codebook", Needs: NeedsQuestionnaire, Schema: codebook.Schema,
		Description: "The questionnaire as data: items, options, coded categories, integer bins, matrix rows and the responses column each describes, in questionnaire order."},
	{Name: dsResponses, TitleJA: "回答 (回答者別)", TitleEN: "Responses", Grain: "one row per respondent, one typed column per item",
		Stage: "pipeline/ingest", Needs: NeedsRows, Streamed: true,
		Description: "Validated respondent rows with a typed column per item (also as Arrow IPC, part-0.arrow). The provenance column says whether rows are collected, reconstructed or synthetic; columns follow each year's questionnaire (read years together with union_by_name)."},
	{Name: dsAnswers, TitleJA: "回答 (縦持ち)", TitleEN: "Answers (long form)", Grain: "one row per respondent and answered item, option or matrix cell",
		Stage: "pipeline/answers", Needs: NeedsRows, Streamed: true, Schema: answers.Schema,
		Description: "The responses in long form: respondent, item, matrix row and cell, code or value; every column a category."},
	{Name: dsMaturity, TitleJA: "SIM3 成熟度", TitleEN: "SIM3 maturity", Grain: "one row per respondent and scale item",
		Stage: "pipeline/aggregate", Needs: NeedsRows, Streamed: true, Schema: aggregate.MaturitySchema,
		Description: "SIM3 maturity level per respondent and scale item (no answer is null, never 0)."},
	{Name: dsValidation, TitleJA: "検証結果", TitleEN: "Validation", Grain: "one row per problem found in the raw responses",
		Stage: "pipeline/validation", Needs: NeedsRows, Schema: validation.Schema,
		Description: "Every problem found in the raw responses: stable code, severity, row, column, item, value and message."},
	{Name: dsRejects, TitleJA: "除外した回答", TitleEN: "Rejected rows", Grain: "one row per rejected respondent row (build --quarantine only)",
		Stage: "pipeline/validation", Needs: NeedsRows, Schema: validation.RejectsSchema,
		Description: "With build --quarantine, the rows left out of the datasets and the codes of their errors."},
	{Name: dsFrequencies, TitleJA: "集計表 (回答から計算)", TitleEN: "Frequencies", Grain: "one row per published table row, computed from the responses",
		Stage: "pipeline/aggregate", Needs: NeedsRowsAndTables, Schema: aggregate.FrequenciesSchema,
		Description: "Every published table recomputed from the responses: same keys, rows and bases."},
	{Name: dsReconciliation, TitleJA: "照合", TitleEN: "Reconciliation", Grain: "one row per published number",
		Stage: "pipeline/reconcile", Needs: NeedsRowsAndTables, Schema: reconcile.Schema,
		Description: "Every published number next to the computed one: match, mismatch, lost or inconsistent_in_report."},
	{Name: dsCrosstabs, TitleJA: "クロス集計", TitleEN: "Crosstabs", Grain: "one row per cell of a crosstab the year's profile declares",
		Stage: "pipeline/aggregate", Needs: NeedsRowsAndTables, Schema: aggregate.CrosstabSchema,
		Description: "The crosstabs the report uses (survey.yaml crosstabs), computed from the responses."},
	{Name: dsPublished, TitleJA: "公表集計表", TitleEN: "Published tables", Grain: "one row per printed row of a published table",
		Stage: "pipeline/published", Needs: NeedsTables, Schema: published.Schema,
		Description: "Every row of the year's published tables as its source gives it (printed, lost in the extraction, not reported), linked to the code it counts, with the source and page."},
	{Name: dsAudit, TitleJA: "報告書の監査", TitleEN: "Audit", Grain: "one row per finding",
		Stage: "pipeline/published", Needs: NeedsTables, Schema: published.AuditSchema,
		Description: "What the published numbers say about the report: lost numbers, relations that do not hold, repeated runs of counts to check."},
	{Name: dsClaims, TitleJA: "本文の記述の検証", TitleEN: "Claims", Grain: "one row per figure stated in prose",
		Stage: "pipeline/claims", Needs: NeedsClaims, Schema: claims.Schema,
		Description: "The figures the report (or the press quoting it) states in prose, recomputed from the published tables: holds, fails, unknown or unverifiable."},
	{Name: dsInterviews, TitleJA: "インタビュー対象", TitleEN: "Interviews", Grain: "one row per interviewed team",
		Stage: "pipeline/interviews", Needs: NeedsInterviews, Schema: interviews.TeamsSchema,
		Description: "The teams interviewed for the report and their profiles."},
	{Name: dsTopics, TitleJA: "インタビューのトピック", TitleEN: "Interview topics", Grain: "one row per team, topic and coded answer",
		Stage: "pipeline/interviews", Needs: NeedsInterviews, Schema: interviews.TopicsSchema,
		Description: "The interviews' coded answers per topic."},
	{Name: dsTrends, TitleJA: "経年比較", TitleEN: "Trends", Grain: "one row per year, item and category (option, matrix cell option, integer bin), keyed across years; one row with a null category for an item without categories",
		Stage: "pipeline/trends", Needs: NeedsQuestionnaire, Schema: trends.Schema,
		Description: "Every item's categories per year, keyed across years through the crosswalks. source: responses (counted from the respondent rows) or published (a year without them: its printed counts and N less no answer). status: numbers, not_published, no_numbers or unknown (the crosswalk's unknown_items). Compared only where both years have numbers (years_compared)."},
}

// DatasetByName returns the declared dataset with name, or nil.
func DatasetByName(name string) *Dataset {
	for i := range Datasets {
		if Datasets[i].Name == name {
			return &Datasets[i]
		}
	}
	return nil
}

// DatasetsMarkdown is the README's table of the datasets, generated from
// Datasets.
func DatasetsMarkdown() string {
	var b strings.Builder
	b.WriteString("| dataset | one row per | needs | from | description |\n|---|---|---|---|---|\n")
	for _, d := range Datasets {
		streamed := ""
		if d.Streamed {
			streamed = " (streamed)"
		}
		grain := strings.TrimPrefix(d.Grain, "one row per ")
		fmt.Fprintf(&b, "| `%s` (%s) | %s | %s | `%s`%s | %s |\n", d.Name, d.TitleJA, grain, d.Needs, d.Stage, streamed, d.Description)
	}
	return b.String()
}

// DataPackageFile is the Frictionless Data Package descriptor under processed/.
const DataPackageFile = "datapackage.json"

var partitionDir = regexp.MustCompile(`^year=([0-9]{4})$`)

// dataPackage describes the datasets found under processedDir (and the
// partitions planned, about to be committed) as a
// Frictionless Data Package (https://specs.frictionlessdata.io/data-package/):
// one resource per declared dataset with at least one year, its Parquet
// files (Hive paths), a Table Schema, and the years it has. The responses
// schema is the union of the years' questionnaire columns.
func dataPackage(processedDir string, qs map[int]*questionnaire.Questionnaire, planned []string) ([]byte, error) {
	will := map[string]bool{}
	for _, p := range planned {
		will[filepath.Clean(p)] = true
	}
	exists := func(p string) bool { return will[filepath.Clean(p)] || fileExists(p) }
	years := func(name string) []int {
		seen := map[int]bool{}
		if ents, err := os.ReadDir(filepath.Join(processedDir, name)); err == nil {
			for _, e := range ents {
				if m := partitionDir.FindStringSubmatch(e.Name()); m != nil {
					y, _ := strconv.Atoi(m[1])
					seen[y] = true
				}
			}
		}
		for p := range will {
			rel, err := filepath.Rel(filepath.Join(processedDir, name), p)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			if m := partitionDir.FindStringSubmatch(strings.Split(filepath.ToSlash(rel), "/")[0]); m != nil {
				y, _ := strconv.Atoi(m[1])
				seen[y] = true
			}
		}
		out := slices.Sorted(maps.Keys(seen))
		return slices.DeleteFunc(out, func(y int) bool { return !exists(columnar.PartitionPath(processedDir, name, y)) })
	}
	type field struct {
		Name        string         `json:"name"`
		Type        string         `json:"type"`
		Format      string         `json:"format,omitempty"`
		Title       string         `json:"title,omitempty"`
		Description string         `json:"description,omitempty"`
		Constraints map[string]any `json:"constraints,omitempty"`
	}
	type resource struct {
		Name        string   `json:"name"`
		Title       string   `json:"title"`
		TitleJA     string   `json:"x-title-ja"`
		Description string   `json:"description"`
		Path        []string `json:"path"`
		Format      string   `json:"format"`
		Mediatype   string   `json:"mediatype"`
		Grain       string   `json:"x-grain"`
		Needs       string   `json:"x-needs"`
		Stage       string   `json:"x-stage"`
		Partition   any      `json:"x-partition"`
		Schema      any      `json:"schema"`
	}
	var res []resource
	for _, d := range Datasets {
		years := years(d.Name)
		var paths []string
		for _, y := range years {
			paths = append(paths, d.Name+"/year="+strconv.Itoa(y)+"/part-0.parquet")
		}
		if len(years) == 0 {
			continue
		}
		schema := d.Schema
		if schema == nil {
			schema = unionSchema(years, qs)
		}
		var fields []field
		for _, f := range schema.Fields() {
			typ, format := tableSchemaType(f.Type)
			fl := field{Name: f.Name, Type: typ, Format: format}
			if v, ok := f.Metadata.GetValue(columns.MetaLabelEN); ok {
				fl.Title = v
			}
			if v, ok := f.Metadata.GetValue(columns.MetaLabelJA); ok {
				fl.Description = v
			}
			if !f.Nullable {
				fl.Constraints = map[string]any{"required": true}
			}
			fields = append(fields, fl)
		}
		fields = append(fields, field{Name: "year", Type: "integer", Description: "survey year, from the Hive partition year=<YYYY> of the path",
			Constraints: map[string]any{"required": true}})
		res = append(res, resource{Name: d.Name, Title: d.TitleEN, TitleJA: d.TitleJA, Description: d.Description,
			Path: paths, Format: "parquet", Mediatype: "application/vnd.apache.parquet", Grain: d.Grain, Needs: d.Needs, Stage: d.Stage,
			Partition: map[string]any{"key": "year", "style": "hive", "years": years},
			Schema:    map[string]any{"fields": fields}})
	}
	pkg := map[string]any{
		"profile":     "data-package",
		"name":        "csirt-survey",
		"title":       "CSIRT survey datasets (JPCERT/CC, CSIRT構築および運用における実態調査)",
		"description": "Hive-partitioned Parquet datasets built by csirtsurvey from schemas/ and raw/: processed/<dataset>/year=<YYYY>/part-0.parquet. Generated; do not edit.",
		"resources":   res,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pkg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unionSchema is the responses columns of the given years, in order of first
// appearance (a column name keeps one type across years).
func unionSchema(years []int, qs map[int]*questionnaire.Questionnaire) *arrow.Schema {
	var fields []arrow.Field
	seen := map[string]bool{}
	for _, y := range years {
		q := qs[y]
		if q == nil {
			continue
		}
		for _, f := range columns.Schema(q).Fields() {
			if !seen[f.Name] {
				seen[f.Name] = true
				fields = append(fields, f)
			}
		}
	}
	return arrow.NewSchema(fields, nil)
}

// tableSchemaType maps an Arrow type to a Frictionless Table Schema type and
// format.
func tableSchemaType(t arrow.DataType) (string, string) {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.DICTIONARY:
		return "string", ""
	case arrow.BOOL:
		return "boolean", ""
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return "integer", ""
	case arrow.FLOAT32, arrow.FLOAT64:
		return "number", ""
	case arrow.DATE32, arrow.DATE64:
		return "date", ""
	case arrow.LIST, arrow.LARGE_LIST:
		return "array", ""
	}
	return "any", ""
}
