//go:build ignore

// gen writes the FICTIONAL raw responses of the test year 2099,
// raw/2099/responses.csv and raw/2099/mapping.yaml, from
// schemas/2099/questionnaire.yaml (paths relative to testdata/fictional).
// The rows are synthetic (provenance synthetic), drawn from a fixed seed, so
// the output is the same on every run:
//
//	go run testdata/fictional/gen.go
//
// The raw file deliberately does not follow the responses contract of
// raw/README.md: it uses its own column names (Q2-4-1, Q2-9-a-提供, ...) and
// value labels (option numbers 1, 2, ...; 99 for no answer; ○/× flags;
// 提供/非提供; 内製/外注/半々), which mapping.yaml maps onto the contract.
package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

const (
	dir  = "testdata/fictional"
	rows = 30
)

// flagItems are multi items written as one ○/× column per option; the other
// multi items are one column of option numbers separated by ;.
var flagItems = map[string]bool{"2.5": true}

type column struct {
	raw, contract string
	values        [][2]string // raw value -> contract value, in order
}

type gen struct {
	q    *questionnaire.Questionnaire
	r    *rand.Rand
	cols []column
}

func rawName(number string) string { return "Q" + strings.ReplaceAll(number, ".", "-") }

func optionValues(opts []questionnaire.Option, missing bool) [][2]string {
	var vs [][2]string
	for i, o := range opts {
		vs = append(vs, [2]string{strconv.Itoa(i + 1), o.Code})
	}
	if missing {
		vs = append(vs, [2]string{"99", "NA"})
	}
	return vs
}

func (g *gen) header() {
	g.cols = []column{
		{raw: "回答ID", contract: "respondent_id"},
		{raw: "データ区分", contract: "provenance", values: [][2]string{{"合成", "synthetic"}}},
		{raw: "組織名"}, // identifying: read and dropped by ingest
	}
	for _, it := range g.q.Items {
		name := rawName(it.Number)
		switch {
		case it.Type == questionnaire.Matrix:
			for _, row := range it.Rows {
				g.cols = append(g.cols,
					column{raw: name + "-" + row.Code + "-提供", contract: it.ID + "__" + row.Code + "__provision",
						values: [][2]string{{"提供", "provided"}, {"非提供", "not_provided"}}},
					column{raw: name + "-" + row.Code + "-体制", contract: it.ID + "__" + row.Code + "__sourcing",
						values: [][2]string{{"内製", "inhouse"}, {"外注", "outsourced"}, {"半々", "half"}}})
			}
		case it.Type == questionnaire.Multi && flagItems[it.Number]:
			for i, o := range it.Choices() {
				g.cols = append(g.cols, column{raw: fmt.Sprintf("%s_%d", name, i+1), contract: it.ID + "__" + o.Code,
					values: [][2]string{{"○", "1"}, {"×", "0"}}})
			}
		case it.Type.IsChoice():
			g.cols = append(g.cols, column{raw: name, contract: it.ID, values: optionValues(it.Choices(), true)})
		default:
			g.cols = append(g.cols, column{raw: name, contract: it.ID})
		}
	}
}

// row draws one respondent's answers, keyed by raw column name.
func (g *gen) row(n int) map[string]string {
	r := g.r
	out := map[string]string{"回答ID": fmt.Sprintf("F2099-%03d", n), "データ区分": "合成", "組織名": fmt.Sprintf("架空組織%02d", n)}
	chosen := map[string][]string{} // printed number -> chosen codes
	asked := func(rel *questionnaire.Relevance) bool {
		if rel == nil {
			return true
		}
		for _, c := range chosen[rel.Item] {
			if slices.Contains(rel.AnyOf, c) {
				return true
			}
		}
		return false
	}
	start := 2090*12 + r.IntN(9*12)
	for _, it := range g.q.Items {
		name := rawName(it.Number)
		if !asked(it.Relevance) {
			continue // not asked: blank
		}
		opts := it.Choices()
		switch it.Type {
		case questionnaire.Single:
			if r.IntN(20) == 0 {
				out[name] = "99"
				continue
			}
			i := r.IntN(len(opts))
			chosen[it.Number] = []string{opts[i].Code}
			out[name] = strconv.Itoa(i + 1)
		case questionnaire.Multi:
			if r.IntN(20) == 0 {
				continue // no answer
			}
			var picks []int
			excl := slices.IndexFunc(opts, func(o questionnaire.Option) bool { return o.Exclusive })
			if excl >= 0 && r.IntN(6) == 0 {
				picks = []int{excl}
			} else {
				for i, o := range opts {
					if !o.Exclusive && r.IntN(3) == 0 {
						picks = append(picks, i)
					}
				}
				if len(picks) == 0 {
					picks = []int{0}
				}
			}
			for _, i := range picks {
				chosen[it.Number] = append(chosen[it.Number], opts[i].Code)
			}
			if flagItems[it.Number] {
				for i := range opts {
					v := "×"
					if slices.Contains(picks, i) {
						v = "○"
					}
					out[fmt.Sprintf("%s_%d", name, i+1)] = v
				}
				continue
			}
			nums := make([]string, len(picks))
			for k, i := range picks {
				nums[k] = strconv.Itoa(i + 1)
			}
			out[name] = strings.Join(nums, ";")
		case questionnaire.Integer:
			out[name] = strconv.Itoa(1 + r.IntN(30))
		case questionnaire.YearMonth:
			ym := start
			if it.Number == "1.6" {
				ym = min(start+r.IntN(25), 2099*12+10)
			}
			out[name] = fmt.Sprintf("%d年%d月", ym/12, ym%12+1)
		case questionnaire.Matrix:
			for _, row := range it.Rows {
				base := name + "-" + row.Code
				if r.IntN(2) == 0 {
					out[base+"-提供"] = "非提供"
					continue
				}
				out[base+"-提供"] = "提供"
				out[base+"-体制"] = []string{"内製", "外注", "半々"}[r.IntN(3)]
			}
		}
	}
	return out
}

func main() {
	q, err := questionnaire.Load(filepath.Join(dir, "schemas", "2099", "questionnaire.yaml"))
	if err != nil {
		log.Fatal(err)
	}
	g := &gen{q: q, r: rand.New(rand.NewPCG(2099, 1))}
	g.header()

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := make([]string, len(g.cols))
	for i, c := range g.cols {
		head[i] = c.raw
	}
	w.Write(head)
	for n := 1; n <= rows; n++ {
		vals := g.row(n)
		rec := make([]string, len(g.cols))
		for i, c := range g.cols {
			rec[i] = vals[c.raw]
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	raw := filepath.Join(dir, "raw", "2099")
	if err := os.WriteFile(filepath.Join(raw, "responses.csv"), buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}

	var m strings.Builder
	m.WriteString("# FICTIONAL / 架空: maps the columns and values of responses.csv (synthetic rows of the fictional test\n" +
		"# year 2099) onto the responses contract of raw/README.md. Written by testdata/fictional/gen.go.\n" +
		"# Format: the Mapping type of pipeline/ingest (columns: raw name -> contract column; values: per contract\n" +
		"# column, raw value -> contract value).\ncolumns:\n")
	for _, c := range g.cols {
		if c.contract != "" {
			fmt.Fprintf(&m, "  %q: %s\n", c.raw, c.contract)
		}
	}
	m.WriteString("values:\n")
	for _, c := range g.cols {
		if len(c.values) == 0 {
			continue
		}
		fmt.Fprintf(&m, "  %s:\n", c.contract)
		for _, v := range c.values {
			fmt.Fprintf(&m, "    %q: %q\n", v[0], v[1])
		}
	}
	if err := os.WriteFile(filepath.Join(raw, "mapping.yaml"), []byte(m.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
