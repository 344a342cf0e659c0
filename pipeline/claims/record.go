package claims

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Schema is the Arrow schema of the claims dataset
// (processed/claims/year=<YYYY>/part-0.parquet), one row per claim:
//
//   - source: the id of the source the claim is quoted from (survey.yaml),
//     null for the survey's own report;
//   - claim_id, page, text_ja, text_en: the claim as printed and translated;
//   - tables: the keys of the tables it reads (or relates to);
//   - statistic: the computation, e.g. "share(2.8: #2 / N)";
//   - relation, claimed: the claimed relation and value as text, e.g.
//     "approx", "~ 0.90 (0.85-0.95)";
//   - computed: the recomputed count, share or difference (null when it
//     cannot be computed);
//   - status: holds, fails, unknown, holds_inferred, fails_inferred or
//     unverifiable; note: how it was computed, or why not;
//   - claim_note: the claims file's remark on how the sentence is read
//     (a wrong citation, the reading chosen, what the sentence leaves open),
//     empty when it has none;
//   - citation: cites_match or wrong_citation when the sentence cites
//     tables (claims file: cites), null when it cites none; citation_note:
//     what it cites and which table the figure comes from;
//   - quantifier: the wording of the quantifier table that reads the claim
//     (約{N}割, ほぼすべて; the table is in the file's footer under
//     csirt.quantifiers), null when the claim states its relation itself.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "claim_id", Type: arrow.BinaryTypes.String},
	{Name: "page", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "text_ja", Type: arrow.BinaryTypes.String},
	{Name: "text_en", Type: arrow.BinaryTypes.String},
	{Name: "tables", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "statistic", Type: arrow.BinaryTypes.String},
	{Name: "relation", Type: arrow.BinaryTypes.String},
	{Name: "claimed", Type: arrow.BinaryTypes.String},
	{Name: "computed", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "note", Type: arrow.BinaryTypes.String},
	{Name: "source", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "claim_note", Type: arrow.BinaryTypes.String},
	{Name: "citation", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "citation_note", Type: arrow.BinaryTypes.String},
	{Name: "quantifier", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// StatisticText returns the statistic column's text for a claim: the
// computation, or for an unverifiable claim what it would need.
func StatisticText(c Claim) string {
	switch {
	case c.Statistic != nil:
		return c.Statistic.String()
	case c.Unverifiable != nil:
		return string(c.Unverifiable.Kind) + " (respondent-level data, not in the tables)"
	}
	return ""
}

// Record converts results to an Arrow record with Schema, one row per result
// in the order given. The caller must Release it.
func Record(mem memory.Allocator, rs []Result) arrow.Record {
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	tables := b.Field(4).(*array.ListBuilder)
	keys := tables.ValueBuilder().(*array.StringBuilder)
	computed := b.Field(8).(*array.Float64Builder)
	for _, r := range rs {
		c := r.Claim
		str(0, c.ID)
		if c.Page > 0 {
			b.Field(1).(*array.Int32Builder).Append(int32(c.Page))
		} else {
			b.Field(1).AppendNull()
		}
		str(2, c.TextJA)
		str(3, c.TextEN)
		tables.Append(true)
		for _, k := range c.Tables() {
			keys.Append(k)
		}
		str(5, StatisticText(c))
		str(6, string(c.Relation))
		str(7, c.Claimed())
		if r.Computed == nil {
			computed.AppendNull()
		} else {
			computed.Append(*r.Computed)
		}
		str(9, string(r.Status))
		str(10, r.Note)
		if c.Source == "" {
			b.Field(11).AppendNull()
		} else {
			str(11, c.Source)
		}
		str(12, c.Note)
		if r.Citation == "" {
			b.Field(13).AppendNull()
		} else {
			str(13, string(r.Citation))
		}
		str(14, r.CitationNote)
		if c.Quantifier == "" {
			b.Field(15).AppendNull()
		} else {
			str(15, c.Quantifier)
		}
	}
	return b.NewRecord()
}
