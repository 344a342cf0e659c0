package build_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// sqlFor writes, independently of pipeline/aggregate, the DuckDB SQL that
// computes one published table from the responses Parquet: one
// (row_no, count, n) per printed row.
func sqlFor(q *questionnaire.Questionnaire, s *published.Spec) string {
	quote := func(id string) string { return `"` + id + `"` }
	lit := func(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
	it := s.ItemRef()
	asked := "true"
	if s.Relevance() != nil {
		col := it.ID
		if s.CellRef() != nil && s.Row != "" {
			col = it.ID + "__" + s.Row + "__" + s.Cell
		}
		asked = quote(col + "__asked")
	}
	var conds []string // one condition per printed row
	answered := "true"
	switch {
	case s.Derive != nil:
		from, to := quote(q.Item(s.Derive.MonthsBetween[0]).ID), quote(q.Item(s.Derive.MonthsBetween[1]).ID)
		months := fmt.Sprintf("date_diff('month', %s, %s)", from, to)
		for _, c := range s.Categories {
			if c.Kind == published.KindMissing {
				conds = append(conds, from+" IS NULL OR "+to+" IS NULL")
				continue
			}
			for _, b := range s.Bins {
				if b.Code == c.Code {
					conds = append(conds, bounds(months, b.Min, b.Max))
				}
			}
		}
	case s.CellRef() != nil && s.Value != "":
		for _, c := range s.Categories {
			conds = append(conds, quote(it.ID+"__"+c.Code+"__"+s.Cell)+" = "+lit(s.Value))
		}
	case s.CellRef() != nil:
		cell := quote(it.ID + "__" + s.Row + "__" + s.Cell)
		coded := "NULL"
		for _, r := range it.Rows {
			if r.Code == s.Row && r.Other && len(it.Coded) > 0 {
				coded = quote(it.ID + "__" + s.Row + "__coded") // the written-in row's coding
			}
		}
		isCoded := func(code string) bool {
			for _, cd := range it.Coded {
				if cd.Code == code {
					return true
				}
			}
			return false
		}
		for _, c := range s.Categories {
			switch {
			case c.Kind == published.KindMissing:
				conds = append(conds, asked+" AND "+cell+" IS NULL AND "+coded+" IS NULL")
			case isCoded(c.Code):
				conds = append(conds, asked+" AND "+coded+" = "+lit(c.Code))
			default:
				conds = append(conds, asked+" AND "+cell+" = "+lit(c.Code))
			}
		}
		answered = cell + " IS NOT NULL"
	case it.Type == questionnaire.Multi:
		for _, c := range s.Categories {
			if c.Kind == published.KindMissing {
				conds = append(conds, asked+" AND "+quote(it.ID)+" IS NULL")
			} else {
				conds = append(conds, asked+" AND coalesce("+quote(it.ID+"__"+c.Code)+", false)")
			}
		}
		answered = "len(" + quote(it.ID) + ") > 0"
		if g, ok := strings.CutPrefix(s.Base, "group:"); ok {
			var any []string
			for _, o := range it.Choices() {
				if o.Group == g {
					any = append(any, "coalesce("+quote(it.ID+"__"+o.Code)+", false)")
				}
			}
			answered = strings.Join(any, " OR ")
		}
	default:
		col := quote(it.ID)
		coded := "NULL"
		if !it.Type.IsChoice() && len(it.Coded) > 0 {
			coded = quote(it.ID + "__coded")
		}
		for _, c := range s.Categories {
			var cond string
			switch c.Kind {
			case published.KindMissing:
				cond = col + " IS NULL AND " + coded + " IS NULL"
			case published.KindCoded:
				if it.Type.IsChoice() {
					cond = col + " = " + lit(c.Code)
				} else {
					cond = coded + " = " + lit(c.Code)
				}
			case published.KindBin:
				for _, b := range it.Bins {
					if b.Code == c.Code {
						cond = bounds(col, b.Min, b.Max)
					}
				}
				for _, b := range s.Bins {
					if b.Code == c.Code {
						m := "strftime(" + col + ", '%Y-%m')"
						var parts []string
						if b.From != "" {
							parts = append(parts, m+" >= "+lit(b.From))
						}
						if b.To != "" {
							parts = append(parts, m+" <= "+lit(b.To))
						}
						cond = strings.Join(parts, " AND ")
					}
				}
			default:
				cond = col + " = " + lit(c.Code)
			}
			conds = append(conds, asked+" AND ("+cond+")")
		}
		answered = col + " IS NOT NULL OR " + coded + " IS NOT NULL"
	}
	n := "count(*)"
	switch {
	case s.Base == published.BaseAsked:
		n = "count(*) FILTER (WHERE " + asked + ")"
	case s.Base != published.BaseAll:
		n = "count(*) FILTER (WHERE " + answered + ")"
	}
	var parts []string
	for i, c := range conds {
		parts = append(parts, fmt.Sprintf("SELECT %s AS table_key, %d AS row_no, count(*) FILTER (WHERE %s) AS count, %s AS n FROM r",
			lit(s.Key), i+1, c, n))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

func bounds(expr string, lo, hi *int) string {
	var parts []string
	if lo != nil {
		parts = append(parts, expr+" >= "+strconv.Itoa(*lo))
	}
	if hi != nil {
		parts = append(parts, expr+" <= "+strconv.Itoa(*hi))
	}
	if len(parts) == 0 {
		return expr + " IS NOT NULL"
	}
	return strings.Join(parts, " AND ")
}

// TestDuckDBRecomputesFrequencies has DuckDB compute every published table
// from the committed responses Parquet with SQL written here, and compares
// the result with the committed frequencies dataset.
func TestDuckDBRecomputesFrequencies(t *testing.T) {
	q, err := questionnaire.Load(filepath.Join(repo, "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := published.LoadSpecs(filepath.Join(repo, "schemas", "2015", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	var unions []string
	for _, s := range specs {
		unions = append(unions, sqlFor(q, s))
	}
	sql := "CREATE TEMP VIEW r AS SELECT * FROM read_parquet('processed/responses/year=2015/part-0.parquet');\n" +
		"CREATE TEMP TABLE d AS " + strings.Join(unions, "\nUNION ALL\n") + ";\n" +
		`SELECT d.table_key, d.row_no, d.count AS duck_count, d.n AS duck_n, f.count AS our_count, f.n AS our_n
		 FROM d FULL JOIN read_parquet('processed/frequencies/year=2015/part-0.parquet') f
		   ON d.table_key = f.table_key AND d.row_no = f.row_no
		 ORDER BY d.table_key, d.row_no`
	res := duckdbtest.Query(t, repo, sql)
	if res.Len() < 400 {
		t.Fatalf("only %d rows compared", res.Len())
	}
	for _, row := range res.Rows {
		if fmt.Sprint(row[2]) != fmt.Sprint(row[4]) || fmt.Sprint(row[3]) != fmt.Sprint(row[5]) {
			t.Errorf("table %v row %v: DuckDB count %v n %v, ours %v n %v", row[0], row[1], row[2], row[3], row[4], row[5])
		}
	}
}
