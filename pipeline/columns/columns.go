// Package columns maps a questionnaire to the typed Arrow schema of the
// respondent-level dataset (processed/responses): one or more typed columns per
// question item, each carrying its question and labels as field metadata.
//
// The mapping, per item type:
//
//	single      <id>                dictionary<values=utf8, indices=int8> of option codes
//	                                (ordered when the option set is an ordered scale)
//	multi       <id>                list<utf8> of the chosen option codes
//	            <id>__<code>        bool per option: true chosen, false not chosen, null no answer
//	integer     <id>                int32
//	year_month  <id>                date32, the first day of the month
//	text        <id>                utf8
//	matrix      <id>__<row>__<cell> the cell's type, for every row and cell
//
// An integer, year_month or text item with coded categories (write-ins such as
// "バーチャルなので流動性あり" instead of a member count) adds <id>__coded, a
// dictionary of those codes, set when the answer could not be given as a value.
// A written-in matrix row of an item with coded categories adds
// <id>__<row>__coded, the analysts' coding of what was written in.
// An option that takes free text has a raw column <id>__<code>__text (a matrix
// row written in by the respondent, <id>__<row>__text); free text is validated
// and then dropped for privacy, so these columns are not in Plan or Schema
// (ItemColumns lists them, marked not Public). An item or cell that is
// asked only of some respondents adds <id>__asked (bool), so that "not asked"
// (false) stays apart from "no answer" (true, with a null answer).
// Dictionary values hold the option codes followed by the item's coded
// categories; labels are in the field metadata under the keys listed below.
package columns

import (
	"encoding/json"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Kind says what a column holds.
type Kind string

// Column kinds.
const (
	KindMeta      Kind = "meta"       // respondent id, provenance
	KindAnswer    Kind = "answer"     // the answer to an item or matrix cell
	KindFlag      Kind = "flag"       // one option of a multi item, as bool
	KindOtherText Kind = "other_text" // free text of an "other" option or row
	KindAsked     Kind = "asked"      // whether the item was asked (relevance)
	KindCoded     Kind = "coded"      // analysts' code for an answer that is not a value of the item's type
)

// Field metadata keys set on every item column.
const (
	MetaItem       = "csirt.item"        // printed item number, "2.14.1"
	MetaQuestionID = "csirt.question_id" // stable item id
	MetaType       = "csirt.type"        // questionnaire type
	MetaKind       = "csirt.kind"        // Kind
	MetaLabelJA    = "csirt.label_ja"    // question (or option) text, Japanese
	MetaLabelEN    = "csirt.label_en"    // question (or option) text, English
	MetaRelevance  = "csirt.relevance"   // who is asked, empty for everyone
	MetaCodes      = "csirt.codes"       // JSON [{code,label_ja,label_en,source}] of dictionary values
	MetaRow        = "csirt.row"         // matrix row code
	MetaCell       = "csirt.cell"        // matrix cell id
	MetaCode       = "csirt.code"        // option code of a flag or other-text column
	MetaPrecision  = "csirt.precision"   // "month" for year_month
)

// Column is one column of the responses dataset.
type Column struct {
	Name string
	Kind Kind
	// Item is the item the column belongs to (nil for meta columns).
	Item *questionnaire.Item
	// Row and Cell locate a matrix column.
	Row, Cell string
	// Code is the option code of a flag or other-text column.
	Code string
	// Codes are the values of a dictionary column in dictionary order (the
	// same as its MetaCodes metadata), nil for other columns.
	Codes []Code
	Type  arrow.DataType
	// Nullable is false only for the respondent id and provenance.
	Nullable bool
	Metadata arrow.Metadata
}

// Field returns the column as an Arrow field.
func (c Column) Field() arrow.Field {
	return arrow.Field{Name: c.Name, Type: c.Type, Nullable: c.Nullable, Metadata: c.Metadata}
}

// Code describes one dictionary value.
type Code struct {
	Code    string `json:"code"`
	LabelJA string `json:"label_ja"`
	LabelEN string `json:"label_en"`
	// Source is "questionnaire" for options and "published" for categories
	// that appear only in the published tables.
	Source string `json:"source"`
}

// Public reports whether the column is published in processed/responses.
// Free text is not: it may identify a respondent.
func (c Column) Public() bool { return c.Kind != KindOtherText }

// Plan returns the columns of the responses dataset for q, in order.
func Plan(q *questionnaire.Questionnaire) []Column {
	cols := []Column{
		{Name: "respondent_id", Kind: KindMeta, Type: arrow.BinaryTypes.String,
			Metadata: arrow.NewMetadata([]string{MetaKind, MetaLabelJA, MetaLabelEN},
				[]string{string(KindMeta), "回答者ID", "Respondent id"})},
		{Name: "provenance", Kind: KindMeta, Type: dictType(len(survey.Provenances), false), Codes: provenanceCodes(),
			Metadata: arrow.NewMetadata([]string{MetaKind, MetaLabelJA, MetaLabelEN},
				[]string{string(KindMeta), "データの由来 (collected=実回答, reconstructed=集計表から再構成, synthetic=合成)",
					"Where the record comes from (collected, reconstructed from published tables, synthetic)"})},
	}
	for _, it := range q.Items {
		for _, c := range itemColumns(it) {
			if c.Public() {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// Schema returns the Arrow schema of the responses dataset for q. The schema
// metadata names the survey.
func Schema(q *questionnaire.Questionnaire) *arrow.Schema {
	plan := Plan(q)
	fields := make([]arrow.Field, len(plan))
	for i, c := range plan {
		fields[i] = c.Field()
	}
	md := arrow.NewMetadata(
		[]string{"csirt.survey_id", "csirt.year", "csirt.title_ja", "csirt.title_en"},
		[]string{q.Survey.ID, strconv.Itoa(q.Survey.Year), q.Survey.TitleJA, q.Survey.TitleEN})
	return arrow.NewSchema(fields, &md)
}

// MainColumn returns the column that holds an item's answer, and false for a
// matrix, whose answers are spread over one column per row and cell.
func MainColumn(it *questionnaire.Item) (Column, bool) {
	if it.Type == questionnaire.Matrix {
		return Column{}, false
	}
	for _, c := range itemColumns(it) {
		if c.Kind == KindAnswer {
			return c, true
		}
	}
	return Column{}, false
}

// ItemColumns returns the columns of one item in dataset order, including the
// free-text columns that raw files may have but datasets do not publish.
func ItemColumns(it *questionnaire.Item) []Column { return itemColumns(it) }

type question struct {
	item      *questionnaire.Item
	typ       questionnaire.Type
	labelJA   string
	labelEN   string
	opts      []questionnaire.Option
	coded     []questionnaire.Coded
	ordered   bool
	relevance *questionnaire.Relevance
}

func itemColumns(it *questionnaire.Item) []Column {
	if it.Type != questionnaire.Matrix {
		q := question{item: it, typ: it.Type, labelJA: it.TextJA, labelEN: it.TextEN,
			opts: it.Choices(), coded: it.Coded, ordered: it.Ordered(), relevance: it.Relevance}
		return questionColumns(q, it.ID, "", "")
	}
	var out []Column
	for _, row := range it.Rows {
		for i := range it.Cells {
			cell := &it.Cells[i]
			q := question{item: it, typ: cell.Type,
				labelJA: row.LabelJA + " — " + cell.TextJA, labelEN: row.LabelEN + " — " + cell.TextEN,
				opts: cell.Choices(), coded: cell.Coded, ordered: cell.Ordered(), relevance: cell.Relevance}
			out = append(out, questionColumns(q, Cell(it.ID, row.Code, cell.ID), row.Code, cell.ID)...)
		}
		if row.Other {
			c := base(it, RowText(it.ID, row.Code), KindOtherText, arrow.BinaryTypes.String,
				row.LabelJA+" (自由記述)", row.LabelEN+" (free text)", nil)
			c.Row = row.Code
			c.Metadata = withRowCell(c.Metadata, row.Code, "")
			out = append(out, c)
			if len(it.Coded) > 0 {
				// The analysts' coding of the written-in row (2.9 (w) 脆弱性診断).
				cc := dictCodes(nil, it.Coded)
				k := base(it, RowCoded(it.ID, row.Code), KindCoded, dictType(len(cc), false),
					row.LabelJA+" (集計時の分類)", row.LabelEN+" (category coded by the analysts)", nil)
				js, _ := json.Marshal(cc)
				k.Row, k.Codes = row.Code, cc
				k.Metadata = withRowCell(appendMeta(k.Metadata, MetaCodes, string(js)), row.Code, "")
				out = append(out, k)
			}
		}
	}
	return out
}

func questionColumns(q question, name, row, cell string) []Column {
	var out []Column
	if q.relevance != nil {
		c := base(q.item, Asked(name), KindAsked, arrow.FixedWidthTypes.Boolean,
			"質問対象か: "+q.relevance.String(), "Asked: "+q.relevance.String(), q.relevance)
		out = append(out, c)
	}
	var typ arrow.DataType
	var codes []Code
	switch q.typ {
	case questionnaire.Single:
		codes = dictCodes(q.opts, q.coded)
		typ = dictType(len(codes), q.ordered)
	case questionnaire.Multi:
		codes = dictCodes(q.opts, q.coded)
		typ = arrow.ListOf(arrow.BinaryTypes.String)
	case questionnaire.Integer:
		typ = arrow.PrimitiveTypes.Int32
	case questionnaire.YearMonth:
		typ = arrow.FixedWidthTypes.Date32
	default: // text
		typ = arrow.BinaryTypes.String
	}
	main := base(q.item, name, KindAnswer, typ, q.labelJA, q.labelEN, q.relevance)
	if codes != nil {
		js, _ := json.Marshal(codes) // marshalling []Code cannot fail
		main.Metadata = appendMeta(main.Metadata, MetaCodes, string(js))
		main.Codes = codes
	}
	if q.typ == questionnaire.YearMonth {
		main.Metadata = appendMeta(main.Metadata, MetaPrecision, "month")
	}
	out = append(out, main)
	if !q.typ.IsChoice() && len(q.coded) > 0 {
		cc := dictCodes(nil, q.coded)
		f := base(q.item, Coded(name), KindCoded, dictType(len(cc), false),
			q.labelJA+" (集計時の分類)", q.labelEN+" (category coded by the analysts)", q.relevance)
		js, _ := json.Marshal(cc)
		f.Metadata = appendMeta(f.Metadata, MetaCodes, string(js))
		f.Codes = cc
		out = append(out, f)
	}
	if q.typ == questionnaire.Multi {
		for _, c := range codes {
			f := base(q.item, Flag(name, c.Code), KindFlag, arrow.FixedWidthTypes.Boolean, c.LabelJA, c.LabelEN, q.relevance)
			f.Code = c.Code
			f.Metadata = appendMeta(f.Metadata, MetaCode, c.Code)
			out = append(out, f)
		}
	}
	for _, o := range q.opts {
		if o.Other {
			f := base(q.item, OtherText(name, o.Code), KindOtherText, arrow.BinaryTypes.String,
				o.LabelJA+" (自由記述)", o.LabelEN+" (free text)", q.relevance)
			f.Code = o.Code
			f.Metadata = appendMeta(f.Metadata, MetaCode, o.Code)
			out = append(out, f)
		}
	}
	for i := range out {
		out[i].Row, out[i].Cell = row, cell
		if row != "" {
			out[i].Metadata = withRowCell(out[i].Metadata, row, cell)
		}
	}
	return out
}

func base(it *questionnaire.Item, name string, kind Kind, typ arrow.DataType, ja, en string, rel *questionnaire.Relevance) Column {
	return Column{
		Name: name, Kind: kind, Item: it, Type: typ, Nullable: true,
		Metadata: arrow.NewMetadata(
			[]string{MetaItem, MetaQuestionID, MetaType, MetaKind, MetaLabelJA, MetaLabelEN, MetaRelevance},
			[]string{it.Number, it.ID, string(it.Type), string(kind), ja, en, rel.String()}),
	}
}

func withRowCell(md arrow.Metadata, row, cell string) arrow.Metadata {
	md = appendMeta(md, MetaRow, row)
	if cell != "" {
		md = appendMeta(md, MetaCell, cell)
	}
	return md
}

func appendMeta(md arrow.Metadata, key, value string) arrow.Metadata {
	return arrow.NewMetadata(append(md.Keys(), key), append(md.Values(), value))
}

// provenanceCodes are the values of the provenance column (survey.Provenances).
func provenanceCodes() []Code {
	out := make([]Code, len(survey.Provenances))
	for i, p := range survey.Provenances {
		out[i] = Code{Code: string(p)}
	}
	return out
}

func dictCodes(opts []questionnaire.Option, coded []questionnaire.Coded) []Code {
	out := make([]Code, 0, len(opts)+len(coded))
	for _, o := range opts {
		out = append(out, Code{Code: o.Code, LabelJA: o.LabelJA, LabelEN: o.LabelEN, Source: "questionnaire"})
	}
	for _, c := range coded {
		out = append(out, Code{Code: c.Code, LabelJA: c.LabelJA, LabelEN: c.LabelEN, Source: "published"})
	}
	return out
}

// dictType returns a dictionary of utf8 codes with the narrowest index type.
func dictType(n int, ordered bool) *arrow.DictionaryType {
	var idx arrow.DataType = arrow.PrimitiveTypes.Int8
	if n > 127 {
		idx = arrow.PrimitiveTypes.Int16
	}
	return &arrow.DictionaryType{IndexType: idx, ValueType: arrow.BinaryTypes.String, Ordered: ordered}
}

// CountProvenance adds to counts, per provenance, the rows of a batch of
// the responses dataset: its provenance column is a dictionary as ingested,
// plain strings as read back from Parquet.
func CountProvenance(rec arrow.Record, counts survey.Mix) {
	for i, f := range rec.Schema().Fields() {
		if f.Name != "provenance" {
			continue
		}
		switch col := rec.Column(i).(type) {
		case *array.Dictionary:
			vals := col.Dictionary().(*array.String)
			for j := 0; j < col.Len(); j++ {
				if col.IsValid(j) {
					counts[survey.Provenance(vals.Value(col.GetValueIndex(j)))]++
				}
			}
		case *array.String:
			for j := 0; j < col.Len(); j++ {
				if col.IsValid(j) {
					counts[survey.Provenance(col.Value(j))]++
				}
			}
		}
	}
}
