package build_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// publishedYearRoot is a FICTIONAL tree of two years: 2097 with respondent
// rows and published tables, 2098 known only from four quoted tables (no
// respondent rows), whose crosswalk marks the rest of 2097's questionnaire
// unknown, maps 2097's integer 1.2 (published in ranges) to 2098's choice
// among the same ranges, merges two options and marks one unknown.
var publishedYearRoot = filepath.Join(repo, "testdata", "published-year")

func buildPublishedYear(t *testing.T, out string, years ...int) build.Result {
	t.Helper()
	res, err := build.Run(context.Background(), build.Config{SchemasDir: filepath.Join(publishedYearRoot, "schemas"), RawDir: filepath.Join(publishedYearRoot, "raw"),
		ProcessedDir: filepath.Join(out, "processed"), ReportsDir: filepath.Join(out, "reports"), Years: years, Force: len(years) > 0})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTrendsWithPublishedOnlyYear builds the fixture and reads
// processed/trends back with DuckDB: 2098's numbers are its printed counts
// and bases (source published), compared with 2097's responses only where
// both years have numbers; an unknown item or option is unknown (not
// removed, not compared); a removed item has no 2098 row; an item without
// numbers is listed whatever its type.
func TestTrendsWithPublishedOnlyYear(t *testing.T) {
	out := t.TempDir()
	if res := buildPublishedYear(t, out); !slices.Equal(res.Years, []int{2097, 2098}) {
		t.Fatalf("built %v", res.Years)
	}
	q := func(sql string) []string {
		r := duckdbtest.Query(t, out, sql)
		var rows []string
		for _, row := range r.Rows {
			rows = append(rows, fmt.Sprint(row))
		}
		return rows
	}
	const from = ` FROM read_parquet('processed/trends/*/*.parquet', hive_partitioning = true) `
	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	// Where each year's numbers come from.
	check("sources", q(`SELECT year, list(DISTINCT source) AS s`+from+`GROUP BY year ORDER BY year`),
		[]string{"[2097 [responses]]", "[2098 [published]]"})

	// 2097's integer 1.2, counted by its bins from raw/2097/responses.csv (3, 4 | 7, 8, 6 | 12, 15 | 25, 30;
	// one blank: n = 9), against 2098's choice among the same ranges, from raw/2098/published (N = 50, no 未回答).
	check("members by range", q(`SELECT year, category, question_id, list(codes) AS codes, count, n, years_compared, status`+from+
		`WHERE concept = 'members' AND category IS NOT NULL GROUP BY ALL ORDER BY category, year`), []string{
		"[2097 10to19 members [[10to19]] 2 9 2 numbers]", "[2098 10to19 members_range [[c]] 12 50 2 numbers]",
		"[2097 20plus members [[20plus]] 2 9 2 numbers]", "[2098 20plus members_range [[d]] 8 50 2 numbers]",
		"[2097 5to9 members [[5to9]] 3 9 2 numbers]", "[2098 5to9 members_range [[b]] 20 50 2 numbers]",
		"[2097 lt5 members [[lt5]] 2 9 2 numbers]", "[2098 lt5 members_range [[a]] 10 50 2 numbers]",
	})

	// 2098 merged d and e into f, whose count the source does not give (not_reported): 2097 gets the
	// derived sum d+e, 2098 a row without a count; neither compares.
	check("merged, not reported", q(`SELECT year, category, count, n, derived, status, years_compared`+from+
		`WHERE concept = 'share' AND category IN ('d', 'e', 'd+e') ORDER BY category, year`), []string{
		"[2097 d 1 9 false numbers 1]", "[2097 d+e 2 9 true numbers 1]", "[2098 d+e <nil> 50 false not_published 1]", "[2097 e 1 9 false numbers 1]",
	})

	// The quoted 1.1 shows three departments; the crosswalk marks d unknown in 2098.
	check("unknown option", q(`SELECT year, count, n, status`+from+`WHERE concept = 'dept' AND category = 'd' ORDER BY year`),
		[]string{"[2097 1 9 numbers]", "[2098 <nil> <nil> unknown]"})

	// Item rows (null category): without numbers in 2097 (an integer without bins, a text), unknown in 2098;
	// policy was removed in 2098 (no row there); form is new in 2098.
	check("item rows", q(`SELECT concept, year, type, status`+from+`WHERE category IS NULL ORDER BY concept, year`), []string{
		"[remarks 2097 text no_numbers]", "[remarks 2098 text unknown]", "[skills 2097 integer no_numbers]", "[skills 2098 integer unknown]",
	})
	check("removed and added", q(`SELECT concept, list(DISTINCT year) AS years, max(years_compared) AS c`+from+
		`WHERE concept IN ('policy', 'form') GROUP BY concept ORDER BY concept`), []string{"[form [2098] 1]", "[policy [2097] 1]"})

	// The report says so: 2098's source, three concepts compared, the unknown items listed.
	page, err := os.ReadFile(filepath.Join(out, "reports", report.TrendsHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"2098 has no respondent rows: its numbers are the counts and N", "3 questions compared, with numbers in two years or more",
		"<td>2098</td><td>published</td>", "<td>skills</td><td>2097</td><td>1.4</td><td>skills</td><td>integer</td>", ">不明<", ">未公表<"} {
		if !strings.Contains(string(page), w) {
			t.Errorf("trends.html lacks %q", w)
		}
	}

	// Rebuilding 2097 alone reads 2098's published tables back for the
	// trends: the same bytes.
	first := map[string][]byte{}
	for _, p := range []string{"processed/trends/year=2097/part-0.parquet", "processed/trends/year=2098/part-0.parquet", "reports/trends.html", "reports/trends.ipynb"} {
		first[p], _ = os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
	}
	buildPublishedYear(t, out, 2097)
	for p, data := range first {
		again, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if len(data) == 0 || !bytes.Equal(again, data) {
			t.Errorf("%s differs after rebuilding 2097 alone", p)
		}
	}
}

// TestTrendsWithholdReconstructedLostCounts: where a year's respondent rows
// are reconstructed from its published tables, a category whose published
// count was lost is not data (the reconstruction chose it): the trends give
// it no count (status not_published) and do not compare it.
func TestTrendsWithholdReconstructedLostCounts(t *testing.T) {
	root := t.TempDir()
	for name, data := range tree(t, publishedYearRoot) {
		switch name {
		case "raw/2097/responses.csv":
			data = bytes.ReplaceAll(data, []byte(",synthetic,"), []byte(",reconstructed,"))
		case "schemas/2097/survey.yaml":
			data = bytes.Replace(data, []byte("responses: synthetic"), []byte("responses: reconstructed"), 1)
		case "raw/2097/published/tables.yaml":
			// Two lost counts: the rows' sum to N no longer implies either.
			for _, row := range [][2]string{{"{no: 1, label_ja: 5名未満, count: 2}", "{no: 1, label_ja: 5名未満, count: lost}"},
				{"{no: 2, label_ja: 5名以上10名未満, count: 3}", "{no: 2, label_ja: 5名以上10名未満, count: lost}"}} {
				if !bytes.Contains(data, []byte(row[0])) {
					t.Fatalf("the fixture's 2097 table 1.2 lacks %s; update this test", row[0])
				}
				data = bytes.Replace(data, []byte(row[0]), []byte(row[1]), 1)
			}
		}
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	if _, err := build.Run(context.Background(), build.Config{SchemasDir: filepath.Join(root, "schemas"), RawDir: filepath.Join(root, "raw"),
		ProcessedDir: filepath.Join(out, "processed"), ReportsDir: filepath.Join(out, "reports")}); err != nil {
		t.Fatal(err)
	}
	r := duckdbtest.Query(t, out, `SELECT year, category, count, n, status, years_compared, table_key
		FROM read_parquet('processed/trends/*/*.parquet', hive_partitioning = true)
		WHERE concept = 'members' AND category IN ('lt5', '10to19') ORDER BY category, year`)
	var got []string
	for _, row := range r.Rows {
		got = append(got, fmt.Sprint(row))
	}
	want := []string{"[2097 10to19 2 9 numbers 2 <nil>]", "[2098 10to19 12 50 numbers 2 1.2]",
		"[2097 lt5 <nil> 9 not_published 1 1.2]", "[2098 lt5 10 50 numbers 1 1.2]"}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n got %v\nwant %v", got, want)
	}
}
