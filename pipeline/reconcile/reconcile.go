// Package reconcile compares every published number (each printed count and
// each table's N) with the number the pipeline computes from the responses.
//
// A cell matches, mismatches, was lost in the extraction (nothing to compare;
// the note says what was computed and what other numbers imply), or is
// inconsistent in the report itself: a mismatch in a cell (a count, or a
// table's N) that a warning of the audit of the report names. Any other
// mismatch, even in a table the audit finds fault with elsewhere, is
// unexplained and fails the build.
package reconcile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
)

// Statuses of a reconciled cell.
const (
	Match        = "match"
	Mismatch     = "mismatch"
	Lost         = "lost"
	Inconsistent = "inconsistent_in_report"
)

// Bases of a computed count (count_basis): what the number the pipeline
// computes rests on, so that a reader can tell a reproduced printed number
// from one the reconstruction had to choose.
const (
	BasisPrinted      = "printed"      // the report prints it and the computed count equals it
	BasisInferred     = "inferred"     // lost in the text extraction; other printed numbers or the prose imply it, and the computed count equals that
	BasisChosen       = "chosen"       // lost in the text extraction, nothing implies it: a value the reconstruction chose (reconstructed responses only)
	BasisLost         = "lost"         // lost in the text extraction, nothing implies it: computed from the responses, nothing to check it against
	BasisContradicted = "contradicted" // printed, but the report contradicts itself here and the computed count differs (inconsistent_in_report)
	BasisMismatch     = "mismatch"     // printed and different, unexplained (fails the build)
	BasisNotReported  = "not_reported" // the source does not quote it
	BasisNotComputed  = "not_computed" // no computed count
)

// ErrUnexplained is returned (wrapped) when computed numbers differ from
// printed ones for a reason the audit does not explain.
var ErrUnexplained = errors.New("unexplained mismatch between published and computed tables")

// Row is one reconciled cell. RowNo 0 is the table's N.
type Row struct {
	TableKey  string
	RowNo     int
	Code      string
	Published *int64
	Computed  *int64
	Status    string
	Note      string
	NoteJA    string // Note in Japanese (the reports' Japanese edition)
	// Basis is what the computed count rests on (Basis* constants).
	Basis string
}

// Compare reconciles the published set with computed rows; findings are the
// audit of the report, which explains inconsistencies.
func Compare(pub *published.Set, computed []aggregate.Row, findings []published.Finding) []Row {
	type key struct {
		table string
		row   int
	}
	comp := map[key]aggregate.Row{}
	for _, r := range computed {
		comp[key{r.TableKey, r.RowNo}] = r
	}
	// A mismatch is explained only by a warning that names its cell (or its
	// table's N): a finding elsewhere in the same table explains nothing.
	explained := map[key][]string{} // cell -> audit findings that say it is inconsistent
	for _, f := range findings {
		if f.Severity != published.SevWarning || f.Kind == published.FindTypeMismatch {
			continue
		}
		for _, c := range f.Cells {
			k := key{c.Table, c.Row}
			if id := f.ID + " " + f.Kind; !slices.Contains(explained[k], id) {
				explained[k] = append(explained[k], id)
			}
		}
	}
	var out []Row
	for _, spec := range pub.Specs {
		entries := pub.TableEntries(spec.Key)
		first, ok := comp[key{spec.Key, 1}]
		var nComputed *int64
		if ok {
			nComputed = &first.N
		}
		where := original(entries[0])
		out = append(out, judge(spec.Key, 0, "N", entries[0].N, entries[0].InferredN, [2]string{entries[0].NInferenceJA, entries[0].NInference}, nComputed, explained[key{spec.Key, 0}], where))
		for _, e := range entries {
			var c *int64
			if r, ok := comp[key{e.TableKey, e.RowNo}]; ok {
				c = &r.Count
			}
			out = append(out, judge(e.TableKey, e.RowNo, e.Code, e.Count, e.Inferred, [2]string{e.InferenceJA, e.Inference}, c, explained[key{e.TableKey, e.RowNo}], where))
		}
	}
	return out
}

// original names where a person can read a table's numbers in the original
// document ("original p. 18"; the source's id when it gives no page), in
// Japanese and English.
func original(e published.Entry) [2]string {
	switch {
	case e.Page > 0:
		return [2]string{fmt.Sprintf("原本 p. %d", e.Page), fmt.Sprintf("original p. %d", e.Page)}
	case e.Source != "":
		return [2]string{"原本: " + e.Source, "original: " + e.Source}
	}
	return [2]string{"原本", "original"}
}

// judge reconciles one cell; rule and where are in Japanese and English.
func judge(table string, row int, code string, printed published.Number, inferred *int64, rule [2]string, computed *int64, explained []string, where [2]string) Row {
	r := Row{TableKey: table, RowNo: row, Code: code, Computed: computed}
	if !printed.Lost {
		v := printed.Value
		r.Published = &v
	}
	switch {
	case computed == nil:
		r.Status, r.Note, r.NoteJA, r.Basis = Mismatch, "not computed", "計算されていない", BasisNotComputed
	case printed.NotReported:
		r.Status, r.Basis = Lost, BasisNotReported
		r.Note = fmt.Sprintf("not quoted by the source (%s); computed %d", where[1], *computed)
		r.NoteJA = fmt.Sprintf("出典に引用されていない (%s)。計算値 %d", where[0], *computed)
	case printed.Lost:
		r.Status, r.Basis = Lost, BasisLost
		r.Note = fmt.Sprintf("printed in the report, lost in the text extraction of the report (%s); computed %d", where[1], *computed)
		r.NoteJA = fmt.Sprintf("報告書には印刷されているが、報告書のテキスト抽出で失われた (%s)。計算値 %d", where[0], *computed)
		if inferred != nil {
			rel, relJA := "equals", "と一致する"
			if *inferred != *computed {
				rel, relJA = "differs from", "と異なる"
			} else {
				r.Basis = BasisInferred
			}
			r.Note += fmt.Sprintf(", which %s the inferred %d (%s)", rel, *inferred, rule[1])
			r.NoteJA += fmt.Sprintf("。推定値 %d (%s) %s", *inferred, rule[0], relJA)
		}
	case printed.Value == *computed:
		r.Status, r.Basis = Match, BasisPrinted
	case len(explained) > 0:
		r.Status, r.Basis = Inconsistent, BasisContradicted
		r.Note = fmt.Sprintf("printed %d, computed %d; the report contradicts itself here (audit %s)", printed.Value, *computed, strings.Join(explained, ", "))
		r.NoteJA = fmt.Sprintf("印刷 %d、計算値 %d。報告書自体がここで矛盾している (監査 %s)", printed.Value, *computed, strings.Join(explained, ", "))
	default:
		r.Status, r.Basis = Mismatch, BasisMismatch
		r.Note = fmt.Sprintf("printed %d, computed %d", printed.Value, *computed)
		r.NoteJA = fmt.Sprintf("印刷 %d、計算値 %d", printed.Value, *computed)
	}
	return r
}

// MarkChosen marks, for a year whose responses were reconstructed from the
// published tables, every computed count with nothing printed or inferred
// behind it (basis lost) as chosen: the number is one the reconstruction had
// to choose (raw/<year>/RECONSTRUCTION.md lists the choice and its reason).
func MarkChosen(rows []Row) {
	for i := range rows {
		if rows[i].Basis == BasisLost {
			rows[i].Basis = BasisChosen
			rows[i].Note += "; the count is a choice of the reconstruction (RECONSTRUCTION.md)"
			rows[i].NoteJA += "。この件数は再構成が選んだ値 (RECONSTRUCTION.md)"
		}
	}
}

// BasisNotPublished is the basis of a computed count no published table
// prints a row for.
const BasisNotPublished = "not_published"

// Bases maps (table key, row) to the basis of its computed count, for the
// frequencies dataset.
func Bases(rows []Row) map[string]string {
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[BasisKey(r.TableKey, r.RowNo)] = r.Basis
	}
	return out
}

// BasisKey is the key of Bases: "<table>#<row>".
func BasisKey(table string, row int) string { return table + "#" + strconv.Itoa(row) }

// SetBases copies the basis of each reconciled count onto the computed
// frequency rows (not_published where no published row matches).
func SetBases(freq []aggregate.Row, rows []Row) {
	bases := Bases(rows)
	for i := range freq {
		if freq[i].CountBasis = bases[BasisKey(freq[i].TableKey, freq[i].RowNo)]; freq[i].CountBasis == "" {
			freq[i].CountBasis = BasisNotPublished
		}
	}
}

// NoteSkipped says, on the N of every table of a follow-up that respondents
// answered although its routing skipped them (skipped: item number → answers
// kept, ingest.Report.SkippedAnswered; a paper form's advisory routing), how
// many such answers the computed N holds and what base the report used.
func NoteSkipped(rows []Row, pub *published.Set, skipped map[string]int) {
	for i := range rows {
		r := &rows[i]
		if r.RowNo != 0 {
			continue
		}
		spec := pub.Spec(r.TableKey)
		if spec == nil || spec.Base != published.BaseAsked || skipped[spec.Item] == 0 {
			continue
		}
		k := int64(skipped[spec.Item])
		note := fmt.Sprintf("%d answers from respondents the routing of %s skipped are kept and counted (advisory routing: a paper form; processed/validation, code answered_when_skipped)", k, spec.Item)
		noteJA := fmt.Sprintf("%s の分岐で飛ばされた回答者の回答 %d 件も残して数える (分岐は紙の調査票の指示にすぎない。processed/validation のコード answered_when_skipped)", spec.Item, k)
		if r.Computed != nil {
			note = fmt.Sprintf("computed %d = %d asked by the routing + %s", *r.Computed, *r.Computed-k, note)
			noteJA = fmt.Sprintf("計算値 %d = 分岐が尋ねた %d + %s", *r.Computed, *r.Computed-k, noteJA)
		}
		switch {
		case r.Published == nil:
		case r.Computed != nil && *r.Published == *r.Computed:
			note += fmt.Sprintf("; the report's base is the same %d: it counts them too", *r.Published)
			noteJA += fmt.Sprintf("。報告書の母数も同じ %d で、これらも数えている", *r.Published)
		case r.Computed != nil && *r.Published == *r.Computed-k:
			note += fmt.Sprintf("; the report's base, %d, is only those asked", *r.Published)
			noteJA += fmt.Sprintf("。報告書の母数 %d は尋ねられた回答者のみ", *r.Published)
		default:
			note += fmt.Sprintf("; the report prints N = %d", *r.Published)
			noteJA += fmt.Sprintf("。報告書は N = %d と印刷している", *r.Published)
		}
		if r.Note != "" {
			note = r.Note + "; " + note
			noteJA = r.NoteJA + "。" + noteJA
		}
		r.Note, r.NoteJA = note, noteJA
	}
}

// Check returns an error listing every unexplained mismatch, or nil.
func Check(rows []Row) error {
	var bad []string
	for _, r := range rows {
		if r.Status == Mismatch {
			bad = append(bad, fmt.Sprintf("table %s row %d (%s): %s", r.TableKey, r.RowNo, r.Code, r.Note))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w (%d):\n  %s", ErrUnexplained, len(bad), strings.Join(bad, "\n  "))
}

// Schema is the Arrow schema of the reconciliation dataset (DESIGN.md section 3, plus code).
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "table_key", Type: arrow.BinaryTypes.String},
	{Name: "row_no", Type: arrow.PrimitiveTypes.Int32},
	{Name: "published_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "computed_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "note", Type: arrow.BinaryTypes.String},
	{Name: "code", Type: arrow.BinaryTypes.String},
	{Name: "count_basis", Type: arrow.BinaryTypes.String},
}, nil)

// Record converts reconciled rows to an Arrow record; the caller releases it.
func Record(mem memory.Allocator, rows []Row) arrow.Record {
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	i64 := func(f int, v *int64) {
		if v == nil {
			b.Field(f).AppendNull()
		} else {
			b.Field(f).(*array.Int64Builder).Append(*v)
		}
	}
	for _, r := range rows {
		b.Field(0).(*array.StringBuilder).Append(r.TableKey)
		b.Field(1).(*array.Int32Builder).Append(int32(r.RowNo))
		i64(2, r.Published)
		i64(3, r.Computed)
		b.Field(4).(*array.StringBuilder).Append(r.Status)
		b.Field(5).(*array.StringBuilder).Append(r.Note)
		b.Field(6).(*array.StringBuilder).Append(r.Code)
		b.Field(7).(*array.StringBuilder).Append(r.Basis)
	}
	return b.NewRecord()
}
