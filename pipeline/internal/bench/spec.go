package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// duckSpec is what bench.mjs needs to type, count and grade a raw responses
// file: derived from the questionnaire and the table specs, as an analyst
// would write it by hand.
type duckSpec struct {
	CSV      string        `json:"csv"`
	Out      string        `json:"out"`
	Enums    []duckEnum    `json:"enums"`
	Columns  []duckColumn  `json:"columns"`
	Derived  []duckDerived `json:"derived"`
	Maturity []duckMat     `json:"maturity"`
}

type duckEnum struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type duckBin struct {
	Code   string `json:"code"`
	Min    *int   `json:"min,omitempty"`
	Max    *int   `json:"max,omitempty"`
	From   string `json:"from,omitempty"`   // first day, YYYY-MM-DD
	Before string `json:"before,omitempty"` // first day after the bin
}

type duckColumn struct {
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Enum      string    `json:"enum,omitempty"`
	CodedEnum string    `json:"coded_enum,omitempty"`
	Bins      []duckBin `json:"bins,omitempty"`
}

type duckDerived struct {
	Name string    `json:"name"`
	From string    `json:"from"`
	To   string    `json:"to"`
	Bins []duckBin `json:"bins"`
}

type duckMat struct {
	Column string    `json:"column"`
	Item   string    `json:"item"`
	SIM3   string    `json:"sim3"`
	Levels []duckLvl `json:"levels"`
}

type duckLvl struct {
	Code   string `json:"code"`
	Level  int    `json:"level"`
	Coarse bool   `json:"coarse"`
}

// buildSpec describes the columns of header (the synthetic CSV's) for bench.mjs.
func buildSpec(q *questionnaire.Questionnaire, pub *published.Set, header []string) (*duckSpec, error) {
	spec := &duckSpec{}
	byName := map[string]columns.Column{}
	for _, c := range columns.Plan(q) {
		byName[c.Name] = c
	}
	enums := map[string]string{}
	enum := func(values []string) string {
		key := strings.Join(values, "\x00")
		if n, ok := enums[key]; ok {
			return n
		}
		n := fmt.Sprintf("e%d", len(enums))
		enums[key] = n
		spec.Enums = append(spec.Enums, duckEnum{Name: n, Values: values})
		return n
	}
	codes := func(c columns.Column) []string {
		v, _ := c.Metadata.GetValue(columns.MetaCodes)
		var cs []columns.Code
		json.Unmarshal([]byte(v), &cs)
		out := make([]string, len(cs))
		for i, x := range cs {
			out[i] = x.Code
		}
		return out
	}
	tableOf := func(it *questionnaire.Item) *published.Spec {
		for _, s := range pub.Specs {
			if s.Derive == nil && s.Item == it.Number && s.Cell == "" {
				return s
			}
		}
		return nil
	}
	for _, name := range header {
		switch name {
		case "respondent_id":
			spec.Columns = append(spec.Columns, duckColumn{Name: name, Kind: "meta"})
			continue
		case "provenance":
			spec.Columns = append(spec.Columns, duckColumn{Name: name, Kind: "meta", Enum: enum(survey.ProvenanceCodes())})
			continue
		}
		c, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("bench: column %s is not in the responses schema", name)
		}
		dc := duckColumn{Name: name}
		switch t := c.Type.(type) {
		case *arrow.DictionaryType:
			dc.Kind, dc.Enum = "single", enum(codes(c))
		case *arrow.ListType:
			dc.Kind, dc.Enum = "multi", enum(codes(c))
		default:
			switch t.ID() {
			case arrow.INT32:
				dc.Kind = "integer"
				for _, b := range c.Item.Bins {
					dc.Bins = append(dc.Bins, duckBin{Code: b.Code, Min: b.Min, Max: b.Max})
				}
			case arrow.DATE32:
				dc.Kind = "year_month"
				if s := tableOf(c.Item); s != nil {
					for _, b := range s.Bins {
						db := duckBin{Code: b.Code}
						if b.From != "" {
							db.From = b.From + "-01"
						}
						if b.To != "" {
							t, err := time.Parse("2006-01", b.To)
							if err != nil {
								return nil, err
							}
							db.Before = t.AddDate(0, 1, 0).Format("2006-01-02")
						}
						dc.Bins = append(dc.Bins, db)
					}
				}
			default:
				dc.Kind = "text"
			}
			if cc, ok := byName[columns.Coded(name)]; ok {
				dc.CodedEnum = enum(codes(cc))
			}
		}
		spec.Columns = append(spec.Columns, dc)
	}
	for _, s := range pub.Specs {
		if s.Derive == nil || len(s.Derive.MonthsBetween) != 2 {
			continue
		}
		from, to := q.Item(s.Derive.MonthsBetween[0]), q.Item(s.Derive.MonthsBetween[1])
		d := duckDerived{Name: "table " + s.Key, From: from.ID, To: to.ID}
		for _, b := range s.Bins {
			d.Bins = append(d.Bins, duckBin{Code: b.Code, Min: b.Min, Max: b.Max})
		}
		spec.Derived = append(spec.Derived, d)
	}
	for _, it := range q.Items {
		if it.Type != questionnaire.Single || !slices.ContainsFunc(it.Choices(), func(o questionnaire.Option) bool { return o.SIM3Level != nil }) {
			continue
		}
		m := duckMat{Column: it.ID, Item: it.Number, SIM3: it.SIM3}
		for _, o := range it.Choices() {
			if o.SIM3Level != nil {
				m.Levels = append(m.Levels, duckLvl{Code: o.Code, Level: *o.SIM3Level, Coarse: o.Coarse})
			}
		}
		spec.Maturity = append(spec.Maturity, m)
	}
	return spec, nil
}
