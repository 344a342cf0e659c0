package assess

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// ErrInvalidAnswers marks answers that fail the ingest rules; the error
// lists every problem with file, row, column, item and value.
var ErrInvalidAnswers = errors.New("invalid answers")

// PColumn is one column of the exported row (raw/README.md's responses
// contract): its name, the answer key it is filled from, and its kind.
type PColumn struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Kind string `json:"kind"`
}

// exportColumns lists the contract columns the page writes: the respondent
// id and provenance, then every answer column in dataset order (multi items
// as one column of codes separated by ";").
func exportColumns(q *questionnaire.Questionnaire) []PColumn {
	var out []PColumn
	for _, c := range columns.Plan(q) {
		switch {
		case c.Kind == columns.KindMeta:
			out = append(out, PColumn{Name: c.Name, Kind: string(c.Kind)})
		case c.Kind == columns.KindAnswer && c.Row != "":
			out = append(out, PColumn{Name: c.Name, Key: CellKey(c.Item.ID, c.Row, c.Cell), Kind: string(c.Kind)})
		case c.Kind == columns.KindAnswer:
			out = append(out, PColumn{Name: c.Name, Key: c.Item.ID, Kind: string(c.Kind)})
		}
	}
	return out
}

// ReadOptions control ReadAnswers.
type ReadOptions struct {
	// Order is passed to ingest (pairs of year_month items, by printed
	// number, the first not later than the second); a pair that names no
	// year_month item of the questionnaire is left out.
	Order [][2]string
}

// ReadAnswers validates a file of answers with the ingest rules and returns
// the answers of its one row. name is used in messages; a name ending in
// .json is read as one JSON object of contract column -> value (what the
// page exports), anything else as the responses contract (CSV or XLSX).
// Invalid answers give an error wrapping ErrInvalidAnswers that lists every
// problem.
func ReadAnswers(q *questionnaire.Questionnaire, name string, data []byte, opt ReadOptions) (Answers, string, error) {
	if strings.EqualFold(fileExt(name), ".json") {
		csvData, err := jsonToCSV(q, name, data)
		if err != nil {
			return nil, "", err
		}
		data = csvData
		name += " (as CSV)"
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var order [][2]string
	for _, p := range opt.Order {
		a, b := q.Item(p[0]), q.Item(p[1])
		if a != nil && b != nil && a.Type == questionnaire.YearMonth && b.Type == questionnaire.YearMonth {
			order = append(order, p)
		}
	}
	rep, err := ingest.Parse(q, name, data, ingest.Options{Order: order, MaxIssues: -1}, func(r arrow.Record) error {
		r.Retain()
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("assess: %s: %w", name, err)
	}
	var msgs []string
	for _, is := range rep.Issues {
		if is.Severity == ingest.SeverityError {
			msgs = append(msgs, is.String())
		}
	}
	if len(msgs) > 0 {
		return nil, "", fmt.Errorf("%s\nassess: %s: %d problem(s): %w", strings.Join(msgs, "\n"), name, len(msgs), ErrInvalidAnswers)
	}
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	if rows != 1 {
		return nil, "", fmt.Errorf("assess: %s: %d answer rows, want exactly one (one team): %w", name, rows, ErrInvalidAnswers)
	}
	var rec arrow.Record
	for _, r := range recs {
		if r.NumRows() == 1 {
			rec = r
		}
	}
	a, prov := fromRecord(q, rec)
	return a, prov, nil
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// jsonToCSV turns one JSON object of column -> value into a one-row CSV in
// the contract's column order (unknown columns last, sorted, so that ingest
// reports them). A column the object leaves out is blank: no answer.
func jsonToCSV(q *questionnaire.Questionnaire, name string, data []byte) ([]byte, error) {
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("assess: %s: not one JSON object of column -> value: %w: %w", name, err, ErrInvalidAnswers)
	}
	// Every column the page exports is written (absent = blank, no answer),
	// then any other contract column the object names.
	var order []string
	for _, c := range exportColumns(q) {
		order = append(order, c.Name)
	}
	for _, c := range columns.Plan(q) {
		if _, ok := obj[c.Name]; ok && !slices.Contains(order, c.Name) {
			order = append(order, c.Name)
		}
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(order, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	order = append(order, extra...)
	row := make([]string, len(order))
	for i, k := range order {
		switch v := obj[k].(type) {
		case nil:
		case string:
			row[i] = v
		case json.Number:
			row[i] = v.String()
		case []any:
			var parts []string
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("assess: %s: column %s: a list must hold codes (strings), got %v: %w", name, k, e, ErrInvalidAnswers)
				}
				parts = append(parts, s)
			}
			row[i] = strings.Join(parts, ";")
		default:
			return nil, fmt.Errorf("assess: %s: column %s: value %v is not a string, number or list of codes: %w", name, k, v, ErrInvalidAnswers)
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(order)
	_ = w.Write(row)
	w.Flush()
	return b.Bytes(), w.Error()
}

// fromRecord reads the answers of a record's first row, and its provenance.
func fromRecord(q *questionnaire.Questionnaire, rec arrow.Record) (Answers, string) {
	a := Answers{}
	prov := ""
	plan := columns.Plan(q)
	for i, c := range plan {
		if i >= int(rec.NumCols()) {
			break
		}
		col := rec.Column(i)
		if col.IsNull(0) {
			continue
		}
		vals := values(col)
		switch {
		case c.Name == "provenance":
			if len(vals) == 1 {
				prov = vals[0]
			}
		case c.Kind == columns.KindAnswer && c.Row != "":
			a[CellKey(c.Item.ID, c.Row, c.Cell)] = vals
		case c.Kind == columns.KindAnswer:
			a[c.Item.ID] = vals
		case c.Kind == columns.KindCoded && c.Row == "" && len(a[c.Item.ID]) == 0:
			a[c.Item.ID] = vals
		}
	}
	return a, prov
}

// values renders the first value of an answer column as strings.
func values(col arrow.Array) []string {
	switch arr := col.(type) {
	case *array.Dictionary:
		dict := arr.Dictionary().(*array.String)
		return []string{dict.Value(arr.GetValueIndex(0))}
	case *array.List:
		start, end := arr.ValueOffsets(0)
		var out []string
		vals := arr.ListValues()
		for j := start; j < end; j++ {
			one := array.NewSlice(vals, j, j+1)
			out = append(out, values(one)...)
			one.Release()
		}
		return out
	case *array.String:
		return []string{arr.Value(0)}
	case *array.Int32:
		return []string{strconv.Itoa(int(arr.Value(0)))}
	case *array.Date32:
		t := arr.Value(0).ToTime()
		return []string{fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))}
	}
	return nil
}
