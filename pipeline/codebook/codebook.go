// Package codebook describes every item, option and response column of a
// questionnaire, as a dataset (processed/codebook) and as a readable document
// (reports/<year>/codebook.md).
//
// The dataset has one row per item, per option or coded category, per integer
// bin, and per response column (matrix cells, "asked" flags, free-text
// columns), so that an analyst can look up any column of processed/responses
// and any code that appears in the published tables.
package codebook

import (
	"strconv"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Kind says what a codebook entry describes.
type Kind string

// Entry kinds.
const (
	KindItem      Kind = "item"         // the question itself
	KindOption    Kind = "option"       // a questionnaire option
	KindCoded     Kind = "coded"        // a category that appears only in the published tables
	KindBin       Kind = "bin"          // a range of an integer item used by the published tables
	KindRow       Kind = "row"          // a row of a matrix item
	KindCell      Kind = "cell"         // the column of one matrix row and cell
	KindAsked     Kind = "asked"        // the column saying whether the item was asked
	KindOtherText Kind = "other_text"   // the free-text column of an "other" option or row
	KindCodedCol  Kind = "coded_column" // the column holding coded categories of a non-choice item
)

// Sources of codes.
const (
	SourceQuestionnaire = "questionnaire"
	SourcePublished     = "published"
)

// Entry is one row of the codebook. Empty strings and nil pointers are
// written as nulls where the column is nullable.
type Entry struct {
	Item       string // printed number
	QuestionID string // stable item id
	Type       string // questionnaire type
	Kind       Kind
	Code       string // option / coded / bin / row code; empty for the item row
	Cell       string // matrix cell id
	Group      string // option group or matrix row group
	LabelJA    string
	LabelEN    string
	Relevance  string // who is asked; empty for everyone
	ArrowType  string // Arrow type of Column
	Column     string // column in processed/responses, if the entry has one
	OptionSet  string
	Ordered    bool
	Other      bool // takes free text
	Exclusive  bool
	Source     string // questionnaire | published
	SIM3       string // SIM3 parameter
	SIM3Level  *int
	SIM3Coarse bool
	Note       string
}

// Build returns the codebook entries of q in questionnaire order.
func Build(q *questionnaire.Questionnaire) []Entry {
	var out []Entry
	for _, it := range q.Items {
		out = append(out, itemEntries(it)...)
	}
	return out
}

func itemEntries(it *questionnaire.Item) []Entry {
	head := Entry{
		Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Kind: KindItem,
		LabelJA: it.TextJA, LabelEN: it.TextEN, Relevance: it.Relevance.String(),
		Ordered: it.Ordered(), Source: SourceQuestionnaire, SIM3: it.SIM3, Note: joinNote(it.NoteJA, it.NoteEN),
	}
	if s := it.Set(); s != nil {
		head.OptionSet = s.Name
	}
	cols := columns.ItemColumns(it)
	if main, ok := columns.MainColumn(it); ok {
		head.ArrowType, head.Column = main.Type.String(), main.Name
	}
	out := []Entry{head}
	if it.Type == questionnaire.Matrix {
		return append(out, matrixEntries(it, cols)...)
	}
	out = append(out, columnEntries(it, cols, columns.KindAsked)...)
	out = append(out, choiceEntries(it, cols, "", it.Choices(), it.Coded)...)
	out = append(out, columnEntries(it, cols, columns.KindOtherText)...)
	out = append(out, columnEntries(it, cols, columns.KindCoded)...)
	for _, b := range it.Bins {
		out = append(out, Entry{
			Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Kind: KindBin, Code: b.Code,
			LabelJA: b.LabelJA, LabelEN: b.LabelEN, Source: SourcePublished, Note: binRange(b),
		})
	}
	return out
}

// choiceEntries lists options and coded categories; each points at the column
// that records it (the flag column of a multi item, else the answer column).
func choiceEntries(it *questionnaire.Item, cols []columns.Column, cell string, opts []questionnaire.Option, coded []questionnaire.Coded) []Entry {
	var out []Entry
	colFor := func(code string) (string, string) {
		if cell != "" {
			return "", "" // a cell's options apply to one column per row
		}
		for _, c := range cols {
			if (c.Kind == columns.KindFlag && c.Code == code) || c.Kind == columns.KindCoded {
				return c.Name, c.Type.String()
			}
		}
		if main, ok := columns.MainColumn(it); ok {
			return main.Name, main.Type.String()
		}
		return "", ""
	}
	for _, o := range opts {
		col, typ := colFor(o.Code)
		out = append(out, Entry{
			Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Kind: KindOption, Code: o.Code, Cell: cell,
			Group: o.Group, LabelJA: o.LabelJA, LabelEN: o.LabelEN, ArrowType: typ, Column: col,
			Other: o.Other, Exclusive: o.Exclusive, Source: SourceQuestionnaire,
			SIM3: it.SIM3, SIM3Level: o.SIM3Level, SIM3Coarse: o.Coarse,
		})
	}
	for _, c := range coded {
		col, typ := colFor(c.Code)
		out = append(out, Entry{
			Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Kind: KindCoded, Code: c.Code, Cell: cell,
			LabelJA: c.LabelJA, LabelEN: c.LabelEN, ArrowType: typ, Column: col,
			Source: SourcePublished, Note: joinNote(c.Kind, c.Note),
		})
	}
	return out
}

// columnEntries lists the item's columns of one kind.
func columnEntries(it *questionnaire.Item, cols []columns.Column, kind columns.Kind) []Entry {
	var out []Entry
	for _, c := range cols {
		if c.Kind != kind {
			continue
		}
		e := Entry{
			Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Code: c.Code, Cell: c.Cell,
			LabelJA:   c.Metadata.Values()[c.Metadata.FindKey(columns.MetaLabelJA)],
			LabelEN:   c.Metadata.Values()[c.Metadata.FindKey(columns.MetaLabelEN)],
			ArrowType: c.Type.String(), Column: c.Name, Source: SourceQuestionnaire,
			Relevance: c.Metadata.Values()[c.Metadata.FindKey(columns.MetaRelevance)],
		}
		switch kind {
		case columns.KindAsked:
			e.Kind = KindAsked
		case columns.KindOtherText:
			e.Kind, e.Other = KindOtherText, true
			e.Note = "free text: read from raw files and validated, not published in processed/responses (privacy)"
		case columns.KindCoded:
			e.Kind = KindCodedCol
		default: // a matrix cell's answer or option flag
			e.Kind = KindCell
		}
		if c.Row != "" {
			e.Code = c.Row
		}
		out = append(out, e)
	}
	return out
}

func matrixEntries(it *questionnaire.Item, cols []columns.Column) []Entry {
	var out []Entry
	for _, row := range it.Rows {
		out = append(out, Entry{
			Item: it.Number, QuestionID: it.ID, Type: string(it.Type), Kind: KindRow, Code: row.Code,
			Group: row.Group, LabelJA: row.LabelJA, LabelEN: row.LabelEN, Other: row.Other, Source: SourceQuestionnaire,
		})
		var rowCols []columns.Column
		for _, c := range cols {
			if c.Row == row.Code {
				rowCols = append(rowCols, c)
			}
		}
		for _, c := range rowCols {
			es := columnEntries(it, []columns.Column{c}, c.Kind)
			for i := range es {
				es[i].Group = row.Group
			}
			out = append(out, es...)
		}
	}
	for i := range it.Cells {
		cell := &it.Cells[i]
		out = append(out, choiceEntries(it, cols, cell.ID, cell.Choices(), cell.Coded)...)
	}
	return out
}

func binRange(b questionnaire.Bin) string {
	switch {
	case b.Min != nil && b.Max != nil:
		return "range " + strconv.Itoa(*b.Min) + "-" + strconv.Itoa(*b.Max)
	case b.Max != nil:
		return "range <= " + strconv.Itoa(*b.Max)
	case b.Min != nil:
		return "range >= " + strconv.Itoa(*b.Min)
	default:
		return "range: any value"
	}
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	default:
		return a + " / " + b
	}
}
