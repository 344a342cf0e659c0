package columns

import "strings"

// The column-name grammar of the responses dataset. Every derived column is
// named from the column it belongs to and a part, joined by Sep:
//
//	<id>                      the answer of a non-matrix item
//	<id>__<row>__<cell>       the answer of a matrix cell        (Cell)
//	<answer>__<code>          an option of a multi answer, bool  (Flag)
//	<answer>__asked           whether the answer was asked       (Asked)
//	<answer>__coded           the analysts' coding of an answer  (Coded)
//	<answer>__<code>__text    an "other" option's free text      (OtherText)
//	<id>__<row>__text         a written-in matrix row's text     (RowText)
//	<id>__<row>__coded        the analysts' coding of that row   (RowCoded)
//
// <answer> is either <id> or a matrix cell's name. This file is the only
// place that spells the grammar; everything else builds and reads names
// through these functions.

// Sep joins the parts of a column name.
const Sep = "__"

// Suffixes of derived columns that are not options or matrix parts.
const (
	SuffixAsked = "asked"
	SuffixCoded = "coded"
	SuffixText  = "text"
)

// Cell returns the name of a matrix cell's answer column.
func Cell(item, row, cell string) string { return item + Sep + row + Sep + cell }

// Flag returns the name of the bool column of option code of a multi answer.
func Flag(answer, code string) string { return answer + Sep + code }

// Asked returns the name of the column saying whether answer was asked.
func Asked(answer string) string { return answer + Sep + SuffixAsked }

// Coded returns the name of the column of the analysts' coding of answer.
func Coded(answer string) string { return answer + Sep + SuffixCoded }

// OtherText returns the name of the free-text column of an "other" option.
func OtherText(answer, code string) string { return answer + Sep + code + Sep + SuffixText }

// RowText returns the name of the free-text column of a written-in matrix row.
func RowText(item, row string) string { return item + Sep + row + Sep + SuffixText }

// RowCoded returns the name of the column of the analysts' coding of a
// written-in matrix row.
func RowCoded(item, row string) string { return item + Sep + row + Sep + SuffixCoded }

// Name is a column name split by the grammar.
type Name struct {
	// Item is the item id, the first part.
	Item string
	// Parts are what stands between the item id and the suffix: a matrix
	// row and cell, an option code, or both (a flag of a matrix cell).
	Parts []string
	// Suffix is SuffixAsked, SuffixCoded, SuffixText or "".
	Suffix string
}

// Parse splits a column name by the grammar. It does not know the
// questionnaire, so <id>__<x> is an option flag or an item whose id holds
// no Sep alike; ItemColumns says which columns an item has. Parse(n).String()
// is n for every name.
func Parse(name string) Name {
	parts := strings.Split(name, Sep)
	n := Name{Item: parts[0]}
	rest := parts[1:]
	if k := len(rest); k > 0 {
		switch rest[k-1] {
		case SuffixAsked, SuffixCoded, SuffixText:
			n.Suffix, rest = rest[k-1], rest[:k-1]
		}
	}
	if len(rest) > 0 {
		n.Parts = rest
	}
	return n
}

// String joins the name back.
func (n Name) String() string {
	var b strings.Builder
	b.WriteString(n.Item)
	for _, p := range n.Parts {
		b.WriteString(Sep)
		b.WriteString(p)
	}
	if n.Suffix != "" {
		b.WriteString(Sep)
		b.WriteString(n.Suffix)
	}
	return b.String()
}

// Values returns the dictionary values of a column (its Codes' codes), in
// dictionary order; nil for a column that is not a dictionary of codes.
func (c Column) Values() []string {
	if c.Codes == nil {
		return nil
	}
	out := make([]string, len(c.Codes))
	for i, cd := range c.Codes {
		out[i] = cd.Code
	}
	return out
}
