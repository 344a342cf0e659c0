package ingest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// responses2015 writes a raw file with every raw column of the 2015
// questionnaire (plus an organisation name) and three respondents: a
// plausible one, one with coded categories, write-ins and a follow-up not
// asked, and one whose construction started after it ended.
func responses2015(t testing.TB, q *questionnaire.Questionnaire) string {
	t.Helper()
	header := []string{"respondent_id", "provenance", "組織名"}
	for _, it := range q.Items {
		for _, c := range columns.ItemColumns(it) {
			switch {
			case c.Kind == columns.KindAnswer, c.Kind == columns.KindOtherText,
				c.Kind == columns.KindCoded && c.Row != "" && c.Cell == "":
				header = append(header, c.Name)
			}
		}
	}
	// base answers every question with its first option (or a plausible
	// value) and leaves follow-ups blank when their rule does not select it.
	base := func(overrides map[string]string) []string {
		vals := map[string]string{}
		for k, v := range overrides {
			vals[k] = v
		}
		chosen := func(it *questionnaire.Item) []string {
			return strings.Split(vals[it.ID], ";")
		}
		for _, it := range q.Items {
			if r := it.Relevance; r != nil {
				target := q.Item(r.Item)
				asked := false
				for _, c := range chosen(target) {
					asked = asked || slices.Contains(r.AnyOf, c)
				}
				if !asked {
					vals[it.ID] = ""
					continue
				}
			}
			if _, set := overrides[it.ID]; set {
				continue
			}
			switch it.Type {
			case questionnaire.Single, questionnaire.Multi:
				vals[it.ID] = it.Choices()[0].Code
			case questionnaire.Integer:
				vals[it.ID] = "5"
			case questionnaire.YearMonth:
				vals[it.ID] = "2014/4"
			case questionnaire.Text:
				vals[it.ID] = "テキスト"
			case questionnaire.Matrix:
				for _, row := range it.Rows {
					for _, cell := range it.Cells {
						name := it.ID + "__" + row.Code + "__" + cell.ID
						if _, set := overrides[name]; !set {
							vals[name] = cell.Choices()[0].Code
						}
					}
				}
			}
		}
		out := make([]string, len(header))
		for i, h := range header {
			out[i] = vals[h]
		}
		return out
	}
	rows := [][]string{header,
		base(map[string]string{"respondent_id": "A-1", "provenance": "reconstructed", "construction_end": "2015年3月"}),
		base(map[string]string{"respondent_id": "A-2", "provenance": "reconstructed", "組織名": "株式会社サンプル",
			"construction_start": "year_only", "construction_end": "２０１５年１０月",
			"founding_members": "virtual_fluid", "current_members": "１２",
			"soc":                   "considering", // coded: the 2.14 follow-ups are not asked
			"external_inquiries":    "e",           // exclusive; 2.4.1 not asked
			"placement_departments": "a;j", "placement_departments__j__text": "情報セキュリティ室",
			"services__w__provision": "provided", "services__w__text": "脆弱性診断", "services__w__coded": "vulnerability_assessment",
			"services__b__provision": "not_provided", "services__b__sourcing": "",
			"services__c__sourcing": "half"}),
		base(map[string]string{"respondent_id": "A-3", "construction_start": "2015-06", "construction_end": "2015-03"}),
	}
	path := filepath.Join(t.TempDir(), "responses.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func Test2015(t *testing.T) {
	q := load2015(t)
	path := responses2015(t, q)
	res := readFile(t, q, path, Options{Quarantine: true, Order: [][2]string{{"1.5", "1.6"}}})
	rep := res.rep
	if len(rep.Issues) != 1 {
		t.Fatalf("issues %v", rep.Issues)
	}
	if is := rep.Issues[0]; is.Code != CodeStartAfterEnd || is.Row != 4 || is.Column != "construction_start" || is.Item != "1.5" || is.Value != "2015-06" {
		t.Errorf("issue %+v", is)
	}
	if len(res.rows) != 2 || rep.Rejected != 1 || rep.Rejects[0].RespondentID != "2015-000003" {
		t.Fatalf("%d rows, rejects %+v", len(res.rows), rep.Rejects)
	}
	r1, r2 := res.rows[0], res.rows[1]
	for name, want := range map[string]any{
		"respondent_id": "2015-000001", "provenance": "reconstructed",
		"construction_start": "2014-04-01", "construction_start__coded": nil, "construction_end": "2015-03-01",
		"founding_members": int64(5), "founding_members__coded": nil,
		"soc": "a", "soc_hours__asked": true, "external_inquiries": []string{"a"}, "inquiry_sources__asked": true,
		"services__a__provision": "provided", "services__a__sourcing__asked": true, "services__a__sourcing": "inhouse",
	} {
		if got := r1[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("row 1 %s = %#v, want %#v", name, got, want)
		}
	}
	for name, want := range map[string]any{
		"respondent_id":      "2015-000002",
		"construction_start": nil, "construction_start__coded": "year_only", "construction_end": "2015-10-01",
		"founding_members": nil, "founding_members__coded": "virtual_fluid", "current_members": int64(12),
		"soc": "considering", "soc_hours__asked": false, "soc_hours": nil,
		"external_inquiries": []string{"e"}, "external_inquiries__e": true, "external_inquiries__a": false,
		"inquiry_sources__asked": false, "inquiry_sources": nil,
		"placement_departments": []string{"a", "j"}, "placement_departments__j": true, "placement_departments__b": false,
		"services__b__provision": "not_provided", "services__b__sourcing__asked": false, "services__b__sourcing": nil,
		"services__c__sourcing": "half", "services__w__provision": "provided",
	} {
		if got := r2[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("row 2 %s = %#v, want %#v", name, got, want)
		}
	}
	if _, ok := r2["services__w__coded"]; ok && r2["services__w__coded"] != "vulnerability_assessment" {
		t.Errorf("services__w__coded = %v", r2["services__w__coded"])
	}
	for _, r := range res.rows {
		for k, v := range r {
			if s, ok := v.(string); ok && (strings.Contains(s, "株式会社") || strings.Contains(s, "脆弱性") || strings.Contains(s, "セキュリティ室")) {
				t.Errorf("private text in column %s", k)
			}
		}
	}
}

// Records written to Parquet with columnar.EncodeParquet read back with
// DuckDB (an independent reader) hold the same values.
func TestParquetDuckDB(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    *questionnaire.Questionnaire
		path string
	}{
		{"minimal", loadMinimal(t), "testdata/good.csv"},
		{"2015", load2015(t), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = responses2015(t, tc.q)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec, rep, err := ReadAll(context.Background(), tc.q, path, Options{Mem: mem, BatchSize: 2, Quarantine: true, Order: orderFor(tc.q)})
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Release()
			if rep.Accepted == 0 || rec.NumRows() != int64(rep.Accepted) {
				t.Fatalf("accepted %d, record rows %d", rep.Accepted, rec.NumRows())
			}
			want := rowsOf(t, rec)
			data, err := columnar.EncodeParquet(rec)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "responses.parquet"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			got := duckdbtest.Query(t, dir, "SELECT * FROM 'responses.parquet' ORDER BY respondent_id")
			if got.Len() != len(want) || len(got.Columns) != int(rec.NumCols()) {
				t.Fatalf("DuckDB: %d rows, %d columns; want %d, %d", got.Len(), len(got.Columns), len(want), rec.NumCols())
			}
			for c, col := range got.Columns {
				if col.Name != rec.ColumnName(c) {
					t.Fatalf("column %d is %s, want %s", c, col.Name, rec.ColumnName(c))
				}
				for i, v := range got.Column(col.Name) {
					if g, w := duckValue(v), want[i][col.Name]; !reflect.DeepEqual(g, w) {
						t.Errorf("row %d %s (%s): DuckDB %#v, Arrow %#v", i, col.Name, col.Type, g, w)
					}
				}
			}
		})
	}
}

func orderFor(q *questionnaire.Questionnaire) [][2]string {
	if q.Item("1.6") != nil && q.Item("1.6").Type == questionnaire.YearMonth {
		return [][2]string{{"1.5", "1.6"}}
	}
	return nil
}

// duckValue converts a DuckDB value to the form rowsOf uses.
func duckValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case []any:
		out := []string{}
		for _, e := range v {
			out = append(out, e.(string))
		}
		return out
	}
	return v
}
