package build_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

const repo = "../.."

// tree reads every regular file under root into a map keyed by slash path relative to root.
func tree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == build.LockFile { // the lock is build state, kept between runs
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func tempConfig(t *testing.T, schemas string) build.Config {
	dir := t.TempDir()
	return build.Config{
		SchemasDir:   schemas,
		RawDir:       filepath.Join(repo, "raw"),
		ProcessedDir: filepath.Join(dir, "processed"),
		ReportsDir:   filepath.Join(dir, "reports"),
	}
}

// TestCommittedOutputsAreCurrent rebuilds from the repository's schemas and
// compares with the committed processed/ and reports/ both ways: they must
// be exactly what `make all` produces now, no file more, no file less.
func TestCommittedOutputsAreCurrent(t *testing.T) {
	cfg := tempConfig(t, filepath.Join(repo, "schemas"))
	res, err := build.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) == 0 {
		t.Fatal("build wrote nothing")
	}
	for _, dir := range []struct{ built, committed string }{
		{cfg.ProcessedDir, filepath.Join(repo, "processed")},
		{cfg.ReportsDir, filepath.Join(repo, "reports")},
	} {
		built, committed := tree(t, dir.built), tree(t, dir.committed)
		delete(built, build.ManifestFile) // local build state, not part of the product
		delete(committed, build.ManifestFile)
		for name, data := range built {
			if old, ok := committed[name]; !ok {
				t.Errorf("%s/%s is built but not committed (run make all)", dir.committed, name)
			} else if !bytes.Equal(old, data) {
				t.Errorf("%s/%s differs from what the build produces (run make all)", dir.committed, name)
			}
		}
		// And the other way: a file the build no longer produces (a renamed
		// dataset, a removed year) would still be read by every notebook
		// that globs the directory.
		for name := range committed {
			if _, ok := built[name]; !ok {
				t.Errorf("%s/%s is committed but the build no longer produces it (delete it)", dir.committed, name)
			}
		}
	}
}

// TestCommittedCodebookListsAllItems reads the committed codebook with DuckDB.
func TestCommittedCodebookListsAllItems(t *testing.T) {
	q, err := questionnaire.Load(filepath.Join(repo, "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res := duckdbtest.Query(t, repo, `SELECT DISTINCT item FROM read_parquet('processed/codebook/*/*.parquet', hive_partitioning = true)
		WHERE year = 2015`)
	got := res.Strings("item")
	slices.Sort(got)
	var want []string
	for _, it := range q.Items {
		want = append(want, it.Number)
	}
	slices.Sort(want)
	if len(got) != 52 || !slices.Equal(got, want) {
		t.Errorf("DuckDB lists %d items %v, want the questionnaire's %d %v", len(got), got, len(want), want)
	}
}

func TestDeterministic(t *testing.T) {
	schemas := filepath.Join(repo, "schemas")
	a, b := tempConfig(t, schemas), tempConfig(t, schemas)
	for _, cfg := range []build.Config{a, b} {
		if _, err := build.Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb := tree(t, a.ProcessedDir), tree(t, b.ProcessedDir)
	if len(ta) == 0 || len(ta) != len(tb) {
		t.Fatalf("builds produced %d and %d files", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
	again, err := build.Run(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Written) != 0 {
		t.Errorf("rebuilding unchanged inputs rewrote %v", again.Written)
	}
}

// editProfile replaces old by new in schemas/<year>/survey.yaml of a copied
// tree (to declare an input the test removes, say).
func editProfile(t *testing.T, schemas string, year int, old, new string) {
	t.Helper()
	p := filepath.Join(schemas, strconv.Itoa(year), "survey.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copySchemas copies the repository's schemas to a temp dir the test may break.
func copySchemas(t *testing.T) string { return copyDir(t, "schemas") }

// copyDir copies a top-level directory of the repository to a temp dir.
func copyDir(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	for name, data := range tree(t, filepath.Join(repo, name)) {
		p := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestFailedBuildLeavesOutputsUntouched(t *testing.T) {
	breakages := []struct {
		name, old, new, want string
	}{
		{"duplicate id", "id: involved_departments", "id: lead_department", `id "lead_department" is already used`},
		{"undefined option set", "option_set: maturity5", "option_set: maturity6", `option_set "maturity6" is not defined`},
		{"unknown relevance item", `item: "2.14"`, `item: "2.15"`, `relevance names unknown item "2.15"`},
		{"unknown type", "type: year_month", "type: yearmonth", `unknown type "yearmonth"`},
		{"wrong year", "year: 2015", "year: 2016", "survey.title_ja names 2015 but survey.year is 2016"},
	}
	for _, tc := range breakages {
		t.Run(tc.name, func(t *testing.T) {
			schemas := copySchemas(t)
			cfg := tempConfig(t, schemas)
			if _, err := build.Run(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			before := tree(t, cfg.ProcessedDir)
			beforeReports := tree(t, cfg.ReportsDir)

			path := filepath.Join(schemas, "2015", "questionnaire.yaml")
			data, _ := os.ReadFile(path)
			if !bytes.Contains(data, []byte(tc.old)) {
				t.Fatalf("questionnaire does not contain %q", tc.old)
			}
			os.WriteFile(path, bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1), 0o644)

			_, err := build.Run(context.Background(), cfg)
			if !errors.Is(err, build.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "questionnaire.yaml") {
				t.Errorf("error does not name the file and problem %q:\n%v", tc.want, err)
			}
			after, afterReports := tree(t, cfg.ProcessedDir), tree(t, cfg.ReportsDir)
			for name, data := range before {
				if !bytes.Equal(after[name], data) {
					t.Errorf("%s changed after a failed build", name)
				}
			}
			if len(after) != len(before) || len(afterReports) != len(beforeReports) {
				t.Errorf("files were added by a failed build: %d -> %d", len(before), len(after))
			}
		})
	}
}

// A malformed published-table transcription or spec stops the build with the
// file, line and table of the problem.
func TestBrokenPublishedTables(t *testing.T) {
	tests := []struct {
		name, file, old, new, want string
	}{
		{"bad number", "raw/2015/published/tables-1.1-2.9.yaml", "助言ができる, count: 56}", "助言ができる, count: 5x6}",
			`"5x6" must be a non-negative integer, lost or not_reported`},
		{"unknown table key", "raw/2015/published/tables-1.1-2.9.yaml", `key: "2.8"`, `key: "2.88"`,
			"table 2.88: no spec for this table key"},
		{"row linked to an unknown code", "schemas/2015/tables.yaml", "rows: [a, b, c]\n  - key: \"2.9/reactive\"", "rows: [a, b, z]\n  - key: \"2.9/reactive\"",
			`table 2.8: row 3: code "z" is not an option`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tempConfig(t, copySchemas(t))
			cfg.RawDir = copyDir(t, "raw")
			root := map[string]string{"raw": cfg.RawDir, "schemas": cfg.SchemasDir}
			top, rest, _ := strings.Cut(tc.file, "/")
			path := filepath.Join(root[top], filepath.FromSlash(rest))
			data, err := os.ReadFile(path)
			if err != nil || !bytes.Contains(data, []byte(tc.old)) {
				t.Fatalf("%s does not contain %q (%v)", tc.file, tc.old, err)
			}
			os.WriteFile(path, bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1), 0o644)
			// the error names the file and the line of the broken text
			at := fmt.Sprintf("%s:%d:", filepath.Base(path), 1+bytes.Count(data[:bytes.Index(data, []byte(tc.old))], []byte("\n")))
			_, err = build.Run(context.Background(), cfg)
			if !errors.Is(err, build.ErrInvalidInput) || !strings.Contains(err.Error(), at) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant ErrInvalidInput at %s containing %q", err, at, tc.want)
			}
			if n := len(tree(t, cfg.ProcessedDir)); n != 0 {
				t.Errorf("%d files written by a failed build", n)
			}
		})
	}
}

// A broken year stops every year: no partial product.
func TestBrokenYearStopsAllYears(t *testing.T) {
	schemas := copySchemas(t)
	dir2017 := filepath.Join(schemas, "2017")
	os.MkdirAll(dir2017, 0o755)
	os.WriteFile(filepath.Join(dir2017, "questionnaire.yaml"), []byte("format: nope\n"), 0o644)
	cfg := tempConfig(t, schemas)
	_, err := build.Run(context.Background(), cfg)
	if !errors.Is(err, build.ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	if n := len(tree(t, cfg.ProcessedDir)); n != 0 {
		t.Errorf("%d files written although a year failed", n)
	}
}

func TestYears(t *testing.T) {
	dir := t.TempDir()
	if _, err := build.Years(dir); !errors.Is(err, build.ErrInvalidInput) {
		t.Errorf("empty schemas dir: err = %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "2017"), 0o755)
	if _, err := build.Years(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("year without questionnaire: err = %v", err)
	}
	os.WriteFile(filepath.Join(dir, "2017", "questionnaire.yaml"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "2015"), 0o755)
	os.WriteFile(filepath.Join(dir, "2015", "questionnaire.yaml"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "notes"), 0o755)
	years, err := build.Years(dir)
	if err != nil || !slices.Equal(years, []int{2015, 2017}) {
		t.Errorf("Years = %v, %v", years, err)
	}
}

// designKeys lists the table keys of DESIGN.md section 3 (the contract).
func designKeys() []string {
	keys := strings.Fields("1.1 1.2 1.3 1.4 1.5 1.6 2.1 2.2 2.3 2.4 2.4.1 2.5 2.6 2.7/own 2.7/other 2.7/else 2.8 " +
		"2.9/reactive 2.9/proactive 2.9/quality")
	for c := 'a'; c <= 'w'; c++ {
		keys = append(keys, "2.9."+string(c))
	}
	keys = append(keys, strings.Fields("2.10 2.11 2.12 2.13 2.14 2.14.1 2.14.2 2.14.3 3.1 3.2 3.2.1 3.3 3.3.1 "+
		"3.4 3.5 3.6 3.7 3.8 4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.8 4.9 4.10 4.11 5.1 5.2 6.1 6.2 6.3 7.1 7.1.1 S1")...)
	return keys
}

// TestCommittedPublishedHasEveryTable reads the committed published dataset
// with DuckDB: every table key of the contract, with every transcribed row,
// and no lost number filled in as printed.
func TestCommittedPublishedHasEveryTable(t *testing.T) {
	tables, err := published.LoadTranscription(filepath.Join(repo, "raw", "2015", "published"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	lost := 0
	for _, tb := range tables {
		rows[tb.Key] = len(tb.Rows)
		for _, r := range tb.Rows {
			if r.Count.Lost {
				lost++
			}
		}
	}
	res := duckdbtest.Query(t, repo, `SELECT table_key, count(*) AS n,
		count(*) FILTER (WHERE count_status = 'lost') AS lost, count(*) FILTER (WHERE count_status = 'lost' AND count IS NOT NULL) AS filled
		FROM read_parquet('processed/published/*/*.parquet', hive_partitioning = true) WHERE year = 2015 GROUP BY table_key`)
	got := map[string]int64{}
	var gotLost, filled int64
	for i, k := range res.Strings("table_key") {
		got[k] = res.Int64s("n")[i]
		gotLost += res.Int64s("lost")[i]
		filled += res.Int64s("filled")[i]
	}
	keys := designKeys()
	if len(keys) != 80 || len(got) != len(keys) {
		t.Errorf("contract has %d keys, the dataset %d", len(keys), len(got))
	}
	for _, k := range keys {
		if got[k] == 0 || got[k] != int64(rows[k]) {
			t.Errorf("table %s: %d rows in processed/published, %d transcribed", k, got[k], rows[k])
		}
	}
	if gotLost != int64(lost) || filled != 0 {
		t.Errorf("lost counts: %d in the dataset, %d transcribed; %d lost counts have a printed value", gotLost, lost, filled)
	}
}

// TestFictionalYear builds the fictional tree (2015 and a changed 2099 read
// through a mapping file) with files only, and checks the trends line the
// two years up where the items match.
func TestFictionalYear(t *testing.T) {
	root := filepath.Join(repo, "testdata", "fictional")
	out := t.TempDir()
	// Small batches: responses are written as many row groups and read back
	// for the trends, as with large surveys.
	cfg := build.Config{SchemasDir: filepath.Join(root, "schemas"), RawDir: filepath.Join(root, "raw"),
		ProcessedDir: filepath.Join(out, "processed"), ReportsDir: filepath.Join(out, "reports"), BatchSize: 7}
	res, err := build.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Years, []int{2015, 2099}) {
		t.Fatalf("built %v", res.Years)
	}
	tr := duckdbtest.Query(t, out, `SELECT concept, category, list(year ORDER BY year) AS years, list(count ORDER BY year) AS counts
		FROM read_parquet('processed/trends/*/*.parquet', hive_partitioning = true)
		WHERE concept = 'constituency' GROUP BY ALL ORDER BY category`)
	if tr.Len() != 4 {
		t.Fatalf("constituency trends = %v", tr.Rows)
	}
	for _, row := range tr.Rows {
		if fmt.Sprint(row[2]) != "[2015 2099]" {
			t.Errorf("category %v is not compared across both years: %v", row[1], row[2])
		}
	}
	// The removed item (3.8 skill_measurement) has 2015 only; the added one 2099 only.
	one := duckdbtest.Query(t, out, `SELECT concept, min(year) AS y0, max(year) AS y1, max(years_compared) AS c
		FROM read_parquet('processed/trends/*/*.parquet', hive_partitioning = true)
		WHERE concept IN ('skill_measurement', 'threat_intel_platform') GROUP BY concept ORDER BY concept`)
	want := []string{"[skill_measurement 2015 2015 1]", "[threat_intel_platform 2099 2099 1]"}
	for i, w := range want {
		if i >= one.Len() || fmt.Sprint(one.Rows[i]) != w {
			t.Errorf("row %d of %v, want %v", i, one.Rows, w)
		}
	}

	// Without its crosswalk line for the split option, 2099 does not build.
	schemas := t.TempDir()
	for name, data := range tree(t, filepath.Join(root, "schemas")) {
		p := filepath.Join(schemas, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, data, 0o644)
	}
	cwPath := filepath.Join(schemas, "2099", "crosswalk.yaml")
	cw, _ := os.ReadFile(cwPath)
	split := "  - concept: constituency\n    split:\n      - {from: a, to: [a1, a2]}\n"
	if !bytes.Contains(cw, []byte(split)) {
		t.Fatalf("crosswalk lacks the split entry:\n%s", cw)
	}
	os.WriteFile(cwPath, bytes.Replace(cw, []byte(split), nil, 1), 0o644)
	cfg.SchemasDir = schemas
	cfg.ProcessedDir = filepath.Join(out, "p2")
	_, err = build.Run(context.Background(), cfg)
	if !errors.Is(err, build.ErrInvalidInput) || !strings.Contains(err.Error(), "crosswalk") {
		t.Errorf("build without the split line: %v", err)
	}
}

// TestQuantifierTableIsAnInput changes the shared quantifier table
// (schemas/quantifiers.yaml) after a build: every year whose claims it reads
// is rebuilt, and the claims dataset follows the table (ほとんど read as 95%
// or more instead of 90% turns the claims it decides). A table that does not
// parse stops the build with its file and line.
func TestQuantifierTableIsAnInput(t *testing.T) {
	schemas := copySchemas(t)
	cfg := tempConfig(t, schemas)
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	claimsFile := filepath.Join(cfg.ProcessedDir, "claims", "year=2015", "part-0.parquet")
	before, err := os.ReadFile(claimsFile)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(schemas, claims.QuantifiersFile)
	table, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const from, to = "    relation: gte\n    value: 0.9\n", "    relation: gte\n    value: 0.95\n"
	if !bytes.Contains(table, []byte(from)) {
		t.Fatalf("%s no longer reads ほとんど as gte 0.9; adapt the test", path)
	}
	if err := os.WriteFile(path, bytes.Replace(table, []byte(from), []byte(to), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := build.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Years, 2015) {
		t.Fatalf("a changed quantifier table rebuilt %v (skipped %v), want 2015 among them", res.Years, res.Skipped)
	}
	after, err := os.ReadFile(claimsFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, after) {
		t.Error("processed/claims of 2015 is the same under another reading of ほとんど")
	}

	if err := os.WriteFile(path, append(table, []byte("  - wordings: [まれ]\n    kind: share\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = build.Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), claims.QuantifiersFile+":") || !strings.Contains(err.Error(), "relation is required") {
		t.Fatalf("a quantifier without a relation: err = %v, want the table's file, line and what is missing", err)
	}
}
