package build_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
)

// TestResponsesIPCReadByApacheArrow reads the committed Arrow IPC form of the
// responses with apache-arrow (JavaScript) and compares it with the Parquet
// form read by DuckDB.
func TestResponsesIPCReadByApacheArrow(t *testing.T) {
	ipc := duckdbtest.ReadIPC(t, filepath.Join(repo, "processed", "responses", "year=2015", "part-0.arrow"))
	pq := duckdbtest.Query(t, repo, `SELECT respondent_id, provenance, incident_authority, construction_start
		FROM read_parquet('processed/responses/year=2015/part-0.parquet')`)
	if len(ipc.Rows) != 66 || pq.Len() != 66 {
		t.Fatalf("IPC has %d rows, Parquet %d; want 66", len(ipc.Rows), pq.Len())
	}
	col := map[string]int{}
	for i, f := range ipc.Fields {
		col[f.Name] = i
	}
	for i, row := range pq.Rows {
		for j, name := range []string{"respondent_id", "provenance", "incident_authority", "construction_start"} {
			k, ok := col[name]
			if !ok {
				t.Fatalf("IPC file lacks column %s", name)
			}
			if got, want := fmt.Sprint(ipc.Rows[i][k]), fmt.Sprint(row[j]); got != want {
				t.Errorf("row %d %s: IPC %s, Parquet %s", i, name, got, want)
			}
		}
	}
}

// withResponses builds a temp tree whose raw/2015/responses.csv is edited by edit.
func withResponses(t *testing.T, edit func(csv string) string) build.Config {
	t.Helper()
	cfg := tempConfig(t, copySchemas(t))
	cfg.RawDir = copyDir(t, "raw")
	p := filepath.Join(cfg.RawDir, "2015", "responses.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(edit(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestIdentifyingColumnsNeverReachOutputs adds an organisation-name column
// with names to the raw responses: the build succeeds and no output file
// contains a name.
func TestIdentifyingColumnsNeverReachOutputs(t *testing.T) {
	names := []string{"株式会社サンプル商事", "Example Holdings KK"}
	cfg := withResponses(t, func(csv string) string {
		lines := strings.Split(strings.TrimRight(csv, "\n"), "\n")
		lines[0] += ",organisation"
		for i := 1; i < len(lines); i++ {
			lines[i] += "," + names[i%2]
		}
		return strings.Join(lines, "\n") + "\n"
	})
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	files := tree(t, cfg.ProcessedDir)
	for name, data := range tree(t, cfg.ReportsDir) {
		files["reports/"+name] = data
	}
	if len(files) < 10 {
		t.Fatalf("only %d outputs", len(files))
	}
	for name, data := range files {
		for _, n := range names {
			if bytes.Contains(data, []byte(n)) {
				t.Errorf("%s contains the organisation name %q", name, n)
			}
		}
	}
}

// TestBadResponsesLeaveOutputsIntact: a raw file with an invalid cell fails
// the build with a located message and leaves the previous outputs as they were;
// with --quarantine the row is rejected and the rest is built.
func TestBadResponsesLeaveOutputsIntact(t *testing.T) {
	cfg := tempConfig(t, copySchemas(t))
	cfg.RawDir = copyDir(t, "raw")
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := tree(t, cfg.ProcessedDir)
	p := filepath.Join(cfg.RawDir, "2015", "responses.csv")
	data, _ := os.ReadFile(p)
	lines := strings.Split(string(data), "\n")
	header := strings.Split(lines[0], ",")
	col := -1
	for i, h := range header {
		if h == "incident_authority" {
			col = i
		}
	}
	cells := strings.Split(lines[5], ",")
	cells[col] = "z"
	lines[5] = strings.Join(cells, ",")
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)

	var log bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
	_, err := build.Run(context.Background(), cfg)
	if !errors.Is(err, build.ErrInvalidInput) {
		t.Fatalf("err = %v, want invalid input", err)
	}
	for _, want := range []string{"code=unknown_code", "row=6", "column=incident_authority", "item=2.8", "value=z"} {
		if !strings.Contains(err.Error()+log.String(), want) {
			t.Errorf("error and log do not mention %q:\n%v\n%s", want, err, log.String())
		}
	}
	after := tree(t, cfg.ProcessedDir)
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d files before, %d after a failed build", len(before), len(after))
	}
	assertNoTemps(t, cfg.ProcessedDir)

	// With --quarantine the bad row is rejected with its reason and the rest is
	// built; the reconciliation then reports the published counts the missing
	// respondent changes, as it must.
	cfg.Quarantine = true
	_, err = build.Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "unexplained mismatch") {
		t.Fatalf("quarantined build: err = %v, want an unexplained-mismatch failure", err)
	}
	// Without published tables there is nothing to reconcile: the quarantined build succeeds.
	os.Remove(filepath.Join(cfg.SchemasDir, "2015", "tables.yaml"))
	os.RemoveAll(filepath.Join(cfg.RawDir, "2015", "published"))
	editProfile(t, cfg.SchemasDir, 2015, "published: full", "published: none")
	editProfile(t, cfg.SchemasDir, 2015, "crosstabs:\n  - {rows: S1, cols: \"1.6\"}\n", "")
	cfg.ProcessedDir = filepath.Join(t.TempDir(), "processed")
	if _, err := build.Run(context.Background(), cfg); err != nil {
		t.Fatalf("quarantined build without published tables: %v", err)
	}
	rej := duckdbtest.Query(t, cfg.ProcessedDir, `SELECT respondent_id, codes[1] AS code FROM read_parquet('rejects/*/*.parquet')`)
	if rej.Len() != 1 || rej.Strings("code")[0] != "unknown_code" || rej.Strings("respondent_id")[0] != "2015-000005" {
		t.Errorf("rejects = %v, want the 5th respondent with unknown_code", rej.Rows)
	}
	// Every row of the edited file but the rejected one (the count follows from the file).
	raw, err := os.ReadFile(filepath.Join(cfg.RawDir, "2015", "responses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := int64(strings.Count(strings.TrimRight(string(raw), "\n"), "\n")) - 1
	n := duckdbtest.Query(t, cfg.ProcessedDir, `SELECT count(*) AS n FROM read_parquet('responses/year=2015/*.parquet')`)
	if got := n.Int64s("n")[0]; got != want {
		t.Errorf("responses of 2015 has %d rows, want %d (the file's rows but the rejected one)", got, want)
	}
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	for name := range tree(t, dir) {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("temporary file left behind: %s", name)
		}
	}
}

// TestDerivedDatasetsSayReconstructed: every dataset computed from the
// reconstructed 2015 rows carries the label in its Parquet footer.
func TestDerivedDatasetsSayReconstructed(t *testing.T) {
	for _, ds := range []string{"responses", "answers", "frequencies", "maturity", "crosstabs", "reconciliation", "validation"} {
		res := duckdbtest.Query(t, repo, fmt.Sprintf(`SELECT value::VARCHAR AS v FROM parquet_kv_metadata('processed/%s/year=2015/part-0.parquet')
			WHERE key::VARCHAR = 'csirt.provenance'`, ds))
		if res.Len() != 1 || res.Strings("v")[0] != "reconstructed" {
			t.Errorf("%s: provenance metadata = %v, want reconstructed", ds, res.Rows)
		}
	}
	rows := duckdbtest.Query(t, repo, `SELECT DISTINCT provenance FROM read_parquet('processed/responses/year=2015/part-0.parquet')`)
	if rows.Len() != 1 || rows.Strings("provenance")[0] != "reconstructed" {
		t.Errorf("provenance column = %v", rows.Rows)
	}
}
