// Package trends computes the trends dataset (processed/trends) and the
// inputs of the trends report: every year's categories, counted from its
// responses or taken from its published tables, keyed through the crosswalk
// chain to the concept and codes of the earliest year they trace back to.
package trends

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Schema is the Arrow schema of processed/trends: per year, every
// item's categories (choice options, matrix cells' options, integer bins),
// keyed by the concept and codes of the earliest year they trace back to, so
// that rows with the same key compare across years. An item with no
// category row in a year has one row with a null category saying why
// (status). The schema is the same for every year.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "concept", Type: arrow.BinaryTypes.String},
	{Name: "row", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "cell", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "category", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "origin_year", Type: arrow.PrimitiveTypes.Int32},
	{Name: "item", Type: arrow.BinaryTypes.String},
	{Name: "question_id", Type: arrow.BinaryTypes.String},
	{Name: "type", Type: arrow.BinaryTypes.String},
	{Name: "codes", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "label_ja", Type: arrow.BinaryTypes.String},
	{Name: "label_en", Type: arrow.BinaryTypes.String},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "share", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "years_compared", Type: arrow.PrimitiveTypes.Int32},
	{Name: "derived", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "table_key", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Counter counts one year's responses by option (and integer items by
// their bins) for the trends, each option keyed by its origin through the
// crosswalk chain (options that trace back to the same origin, a split
// option, form one category, each respondent counted once). The build feeds
// it while it streams a year's responses; years not built in the run are
// read back from processed/. pub is the year's published tables as the
// build joined them (nil without tables): the trends use them for a year
// without respondent rows.
type Counter struct {
	year   int
	chain  *crosswalk.Chain
	ic     *aggregate.ItemCounter
	bins   []*binCounter
	prov   survey.Mix
	n      int64
	mapErr error
	pub    *published.Set
	// built is set when the build streamed the year's responses into it.
	built bool
}

// binCounter counts an integer item's answers by its bins.
type binCounter struct {
	item          *questionnaire.Item
	column, coded string
	counts        []int64
	answered      int64 // a number or a coded answer
}

func NewCounter(q *questionnaire.Questionnaire, year int, chain *crosswalk.Chain) *Counter {
	t := &Counter{year: year, chain: chain, prov: survey.Mix{}}
	t.ic = aggregate.NewItemCounter(q, func(it *questionnaire.Item, row, cell, code string) string {
		o, err := t.origin(it, code)
		if err != nil {
			t.mapErr = err
			return code
		}
		return strings.Join(o.Codes, "+")
	})
	for _, it := range q.Items {
		if it.Type != questionnaire.Integer || len(it.Bins) == 0 {
			continue
		}
		bc := &binCounter{item: it, counts: make([]int64, len(it.Bins))}
		for _, c := range columns.ItemColumns(it) {
			switch c.Kind {
			case columns.KindAnswer:
				bc.column = c.Name
			case columns.KindCoded:
				bc.coded = c.Name
			}
		}
		t.bins = append(t.bins, bc)
	}
	return t
}

func (t *Counter) origin(it *questionnaire.Item, code string) (crosswalk.Origin, error) {
	return t.chain.Map(t.year, conceptOf(it), code)
}

func conceptOf(it *questionnaire.Item) string {
	if it.Concept != "" {
		return it.Concept
	}
	return it.ID
}

func (t *Counter) Add(rec arrow.Record) {
	t.ic.Add(rec)
	for _, bc := range t.bins {
		bc.add(rec)
	}
	columns.CountProvenance(rec, t.prov)
	t.n += rec.NumRows()
}

func (bc *binCounter) add(rec arrow.Record) {
	var vals *array.Int32
	var coded arrow.Array
	for i, f := range rec.Schema().Fields() {
		switch f.Name {
		case bc.column:
			vals, _ = rec.Column(i).(*array.Int32)
		case bc.coded:
			coded = rec.Column(i)
		}
	}
	if vals == nil {
		return // the year's responses have no such column
	}
	for i := 0; i < vals.Len(); i++ {
		if vals.IsNull(i) {
			if coded != nil && coded.IsValid(i) {
				bc.answered++
			}
			continue
		}
		bc.answered++
		v := int(vals.Value(i))
		for k, b := range bc.item.Bins {
			if b.Contains(v) {
				bc.counts[k]++
				break
			}
		}
	}
}

type trendRow struct {
	concept, row, cell, category string
	originYear                   int
	item, questionID, typ        string
	codes                        []string
	labelJA, labelEN             string
	count, n                     int64
	countKnown, nKnown           bool
	derived                      bool
	status, source, tableKey     string
}

func (r trendRow) key() string { return r.concept + "|" + r.row + "|" + r.cell + "|" + r.category }

// hasNumbers reports whether the row gives a share: a known count of a
// known, positive base.
func (r trendRow) hasNumbers() bool { return r.status == report.TrendNumbers }

// setNumbers sets count and n and the status they give.
func (r *trendRow) setNumbers(count int64, countKnown bool, n int64, nKnown bool) {
	r.count, r.countKnown, r.n, r.nKnown = count, countKnown, n, nKnown
	switch {
	case countKnown && nKnown && n > 0:
		r.status = report.TrendNumbers
	default:
		r.status = report.TrendNotPublished
	}
}

// yearTrends is what the trends know of one year.
type yearTrends struct {
	rows        []trendRow
	source      string // report.SourceResponses or report.SourcePublished
	respondents int64  // respondent rows (responses only)
	provenance  string
}

// Inputs is what Build compares.
type Inputs struct {
	Years          []int
	Questionnaires map[int]*questionnaire.Questionnaire
	Chain          *crosswalk.Chain
	// Counted holds, per year built in this run, the Counter the build fed
	// while it streamed the year's responses (or gave its published tables).
	Counted map[int]*Counter
	// ReadResponses feeds add with the committed responses of a year not
	// built in this run; false when the year has none.
	ReadResponses func(year int, add func(arrow.Record)) (bool, error)
	// LoadPublished returns a year's published tables joined with their
	// specs, nil when the year has none.
	LoadPublished func(year int, q *questionnaire.Questionnaire) (*published.Set, error)
}

// MarkBuilt says that the build streams the year's responses into t.
func (t *Counter) MarkBuilt() { t.built = true }

// SetPublished gives t the year's published tables as the build joined them
// (the trends of a year without respondent rows use them).
func (t *Counter) SetPublished(pub *published.Set) { t.pub = pub }

// Build counts every year's responses (read back from processed/ when
// the year was not built in this run) by option and bin, or, for a year
// without respondent rows, takes the counts and bases of its published
// tables; maps each category to its origin through the crosswalk chain;
// adds a row for every item without numbers in a year and for every item the
// year's crosswalk marks unknown; and writes
// a record of processed/trends for every year with data (to emit; Build
// releases it when emit returns) and returns the inputs of the report
// comparing the years (reports/trends.ipynb and reports/trends.html, from
// the same rows). Options split in a later year
// count as their origin (each respondent once); categories merged in a later
// year get a derived row in earlier years (the sum of their parts, exact for
// single-choice items; for multi-choice items a respondent who chose several
// parts is counted for each, which the row's derived flag warns about).
func Build(in Inputs, emit func(year int, rec arrow.Record) error) (report.TrendsInputs, error) {
	qs, chain := in.Questionnaires, in.Chain
	perYear := map[int]*yearTrends{}
	var withData []int
	for _, y := range in.Years {
		yt, err := in.ofYear(y, in.Counted[y])
		if err != nil {
			return report.TrendsInputs{}, fmt.Errorf("survey year %d: %w", y, err)
		}
		if yt != nil {
			perYear[y] = yt
			withData = append(withData, y)
		}
	}
	addDerived(withData, perYear)
	for _, y := range withData {
		if err := addItemRows(y, qs, chain, perYear[y]); err != nil {
			return report.TrendsInputs{}, fmt.Errorf("survey year %d: %w", y, err)
		}
	}
	compared := map[string]int{}
	for _, y := range withData {
		for _, r := range perYear[y].rows {
			if r.hasNumbers() {
				compared[r.key()]++
			}
		}
	}
	mem := memory.NewGoAllocator()
	out := report.TrendsInputs{Years: withData, Questionnaires: map[int]*questionnaire.Questionnaire{},
		Respondents: map[int]int64{}, Provenance: map[int]string{}, Sources: map[int]string{}}
	for _, y := range withData {
		yt := perYear[y]
		out.Questionnaires[y] = qs[y]
		out.Sources[y] = yt.source
		if yt.source == report.SourceResponses {
			out.Respondents[y], out.Provenance[y] = yt.respondents, yt.provenance
		}
		rows := yt.rows
		slices.SortStableFunc(rows, func(a, b trendRow) int { return strings.Compare(a.key(), b.key()) })
		rec := trendsRecord(mem, rows, compared)
		err := emit(y, rec)
		rec.Release()
		if err != nil {
			return report.TrendsInputs{}, err
		}
		for _, r := range rows {
			out.Rows = append(out.Rows, r.reportRow(y, compared[r.key()]))
		}
	}
	return out, nil
}

// ofYear returns a year's category rows from its responses, or from
// its published tables when it has no respondent rows; nil when it has
// neither.
func (in Inputs) ofYear(y int, tc *Counter) (*yearTrends, error) {
	qs, chain := in.Questionnaires, in.Chain
	q := qs[y]
	if tc == nil || !tc.built {
		// A year not built in this run: count its responses as written.
		fresh := NewCounter(q, y, chain)
		found, err := in.ReadResponses(y, fresh.Add)
		if err != nil {
			return nil, err
		}
		if found {
			tc = fresh
			tc.built = true
			if tc.pub, err = in.LoadPublished(y, q); err != nil {
				return nil, err
			}
		} else if tc == nil || tc.pub == nil {
			pub, err := in.LoadPublished(y, q)
			if err != nil {
				return nil, err
			}
			if pub == nil {
				return nil, nil // neither respondent rows nor published tables
			}
			tc = NewCounter(q, y, chain)
			tc.pub = pub
		}
	}
	if tc.built {
		return tc.responseRows(qs)
	}
	return tc.publishedRows(qs)
}

// responseRows are a year's category rows counted from its responses.
func (t *Counter) responseRows(qs map[int]*questionnaire.Questionnaire) (*yearTrends, error) {
	if t.mapErr != nil {
		return nil, t.mapErr
	}
	yt := &yearTrends{source: report.SourceResponses, respondents: t.n,
		provenance: joinKinds(t.prov.Kinds())}
	for _, oc := range t.ic.Counts() {
		if oc.Answered == 0 {
			continue // nobody answered it: the item row says so
		}
		o, err := t.origin(oc.Item, oc.Codes[0])
		if err != nil {
			return nil, err
		}
		r := trendRow{concept: o.Concept, row: oc.Row, cell: oc.Cell, category: oc.Category, originYear: o.Year,
			item: oc.Item.Number, questionID: oc.Item.ID, typ: string(oc.Item.Type), codes: oc.Codes,
			labelJA: oc.LabelJA, labelEN: oc.LabelEN, source: report.SourceResponses}
		r.setNumbers(oc.Count, true, oc.Answered, true)
		yt.rows = append(yt.rows, r)
	}
	for _, bc := range t.bins {
		if bc.answered == 0 {
			continue
		}
		for k, b := range bc.item.Bins {
			r, err := t.binRow(qs, bc.item, b)
			if err != nil {
				return nil, err
			}
			r.source = report.SourceResponses
			r.setNumbers(bc.counts[k], true, bc.answered, true)
			yt.rows = append(yt.rows, r)
		}
	}
	if t.pub != nil && t.prov[survey.Reconstructed] > 0 {
		maskLost(yt.rows, t.pub)
	}
	return yt, nil
}

// joinKinds joins provenances with ", " (the report's list of a year's kinds of rows).
func joinKinds(kinds []survey.Provenance) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// maskLost withholds the counts of reconstructed respondent rows where the
// published table they reproduce lost the number: there the reconstruction
// chose a value (raw/<year>/RECONSTRUCTION.md), which is not data. Such a
// category gets status not_published and no count, as in a year known from
// its tables alone. A lost count the report's other numbers imply exactly
// (inferred_count, without the uncertain "adjacent" attribution) is data
// and stays.
func maskLost(rows []trendRow, pub *published.Set) {
	type ref struct{ item, row, cell, code string }
	lost := map[ref]string{} // -> table key
	for _, s := range pub.Specs {
		it := s.ItemRef()
		if it == nil || s.Derive != nil {
			continue
		}
		var t *published.Table
		for _, tb := range pub.Tables {
			if tb.Key == s.Key {
				t = tb
			}
		}
		for i, e := range pub.TableEntries(s.Key) {
			if !e.Count.Lost || e.Inferred != nil && t != nil && i < len(t.Rows) && t.Rows[i].Adjacent == nil {
				continue
			}
			switch {
			case s.CellRef() != nil && s.Value != "":
				lost[ref{it.Number, e.Code, s.Cell, s.Value}] = s.Key
			case s.CellRef() != nil:
				lost[ref{it.Number, s.Row, s.Cell, e.Code}] = s.Key
			default:
				lost[ref{it.Number, "", "", e.Code}] = s.Key
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		for _, c := range r.codes {
			if key, ok := lost[ref{r.item, r.row, r.cell, c}]; ok {
				r.setNumbers(0, false, r.n, r.nKnown)
				r.tableKey = key
				break
			}
		}
	}
}

// binRow is the row of an integer item's bin, keyed by its origin. A bin
// whose code traces back to a bin of another range is not the same
// category: its category then carries its own range (code@min..max).
func (t *Counter) binRow(qs map[int]*questionnaire.Questionnaire, it *questionnaire.Item, b questionnaire.Bin) (trendRow, error) {
	o, err := t.origin(it, b.Code)
	if err != nil {
		return trendRow{}, err
	}
	category := strings.Join(o.Codes, "+")
	if o.Year != t.year {
		if ob, ok := originBin(qs, o); ok && rangeText(ob) != rangeText(b) {
			category = b.Code + "@" + rangeText(b)
		}
	}
	return trendRow{concept: o.Concept, category: category, originYear: o.Year, item: it.Number, questionID: it.ID,
		typ: string(it.Type), codes: []string{b.Code}, labelJA: b.LabelJA, labelEN: b.LabelEN}, nil
}

// originBin is the bin an origin names in its year's questionnaire.
func originBin(qs map[int]*questionnaire.Questionnaire, o crosswalk.Origin) (questionnaire.Bin, bool) {
	q := qs[o.Year]
	if q == nil || len(o.Codes) != 1 {
		return questionnaire.Bin{}, false
	}
	it := q.ItemByConcept(o.Concept)
	if it == nil {
		return questionnaire.Bin{}, false
	}
	for _, b := range it.Bins {
		if b.Code == o.Codes[0] {
			return b, true
		}
	}
	return questionnaire.Bin{}, false
}

// rangeText is a bin's range, "5..9", "..4", "20..".
func rangeText(b questionnaire.Bin) string {
	var s string
	if b.Min != nil {
		s = strconv.Itoa(*b.Min)
	}
	s += ".."
	if b.Max != nil {
		s += strconv.Itoa(*b.Max)
	}
	return s
}

// publishedRows are a year's category rows from its published tables: the
// printed counts, and as base the printed N less the printed 未回答 (those
// who answered, as for responses; unknown when that count was lost). A
// category of a tabled item that the tables do not print (not quoted, or
// lost) has a row without a count (status not_published). Tables of a
// derived quantity and of an option group's respondents are not used:
// their bases are not the item's.
func (t *Counter) publishedRows(qs map[int]*questionnaire.Questionnaire) (*yearTrends, error) {
	yt := &yearTrends{source: report.SourcePublished}
	seen := map[string]int{} // key -> index in yt.rows
	for _, s := range t.pub.Specs {
		it := s.ItemRef()
		if it == nil || s.Derive != nil || strings.HasPrefix(s.Base, "group:") {
			continue
		}
		entries := t.pub.TableEntries(s.Key)
		n, nKnown, _ := t.pub.N(s.Key)
		for _, e := range entries {
			if e.CodeKind != published.KindMissing {
				continue
			}
			if c, ok := entryCount(e); ok && nKnown {
				n -= c
			} else {
				nKnown = false
			}
		}
		add := func(r trendRow, count int64, countKnown bool) {
			r.source, r.tableKey = report.SourcePublished, s.Key
			if i, dup := seen[r.key()]; dup {
				// Two printed rows of one category (a split option): their sum,
				// exact for a single answer; derived otherwise.
				p := &yt.rows[i]
				p.codes = append(p.codes, r.codes...)
				p.labelJA += " / " + r.labelJA
				p.labelEN += " / " + r.labelEN
				p.setNumbers(p.count+count, p.countKnown && countKnown, n, nKnown)
				p.derived = p.derived || it.Type == questionnaire.Multi
				return
			}
			r.setNumbers(count, countKnown, n, nKnown)
			seen[r.key()] = len(yt.rows)
			yt.rows = append(yt.rows, r)
		}
		printed := map[string]bool{}
		for _, e := range entries {
			printed[e.Code] = true
		}
		switch {
		case s.CellRef() != nil && s.Value != "":
			// Rows are matrix rows, each counting one value of the cell.
			for _, e := range entries {
				if e.CodeKind != published.KindMatrixRow {
					continue
				}
				r, err := t.optionRow(it, e.Code, s.Cell, s.Value, e.LabelJA, e.LabelEN)
				if err != nil {
					return nil, err
				}
				c, ok := entryCount(e)
				add(r, c, ok)
			}
		case s.CellRef() != nil && s.Row != "":
			for _, o := range s.CellRef().Choices() {
				r, err := t.optionRow(it, s.Row, s.Cell, o.Code, o.LabelJA, o.LabelEN)
				if err != nil {
					return nil, err
				}
				c, ok := countOf(entries, o.Code)
				add(r, c, ok)
			}
		case it.Type.IsChoice():
			for _, o := range it.Choices() {
				r, err := t.optionRow(it, "", "", o.Code, o.LabelJA, o.LabelEN)
				if err != nil {
					return nil, err
				}
				c, ok := countOf(entries, o.Code)
				add(r, c, ok)
			}
		case it.Type == questionnaire.Integer && len(it.Bins) > 0:
			for _, b := range it.Bins {
				r, err := t.binRow(qs, it, b)
				if err != nil {
					return nil, err
				}
				c, ok := countOf(entries, b.Code)
				add(r, c, ok)
			}
		}
	}
	return yt, nil
}

// optionRow is the row of an option (of an item, or of a matrix row's cell).
func (t *Counter) optionRow(it *questionnaire.Item, row, cell, code, labelJA, labelEN string) (trendRow, error) {
	o, err := t.origin(it, code)
	if err != nil {
		return trendRow{}, err
	}
	return trendRow{concept: o.Concept, row: row, cell: cell, category: strings.Join(o.Codes, "+"), originYear: o.Year,
		item: it.Number, questionID: it.ID, typ: string(it.Type), codes: []string{code}, labelJA: labelJA, labelEN: labelEN}, nil
}

// entryCount is a printed row's count; false when the source does not give
// it (lost in the extraction, or not quoted).
func entryCount(e published.Entry) (int64, bool) {
	if e.Count.Lost {
		return 0, false
	}
	return e.Count.Value, true
}

// countOf is the printed count of the table's row that counts code.
func countOf(entries []published.Entry, code string) (int64, bool) {
	for _, e := range entries {
		if e.Code == code && e.CodeKind != published.KindMissing {
			return entryCount(e)
		}
	}
	return 0, false
}

// addDerived gives a category that is a merge of several origin codes a
// derived row in each year that has every part with numbers.
func addDerived(years []int, perYear map[int]*yearTrends) {
	keys := map[string]trendRow{}
	for _, y := range years {
		for _, r := range perYear[y].rows {
			if _, ok := keys[r.key()]; !ok {
				keys[r.key()] = r
			}
		}
	}
	for _, y := range years {
		yt := perYear[y]
		have := map[string]trendRow{}
		for _, r := range yt.rows {
			have[r.key()] = r
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			proto := keys[k]
			parts := strings.Split(proto.category, "+")
			if _, ok := have[k]; ok || len(parts) < 2 {
				continue
			}
			sum := trendRow{concept: proto.concept, row: proto.row, cell: proto.cell, category: proto.category,
				originYear: proto.originYear, derived: true, labelJA: proto.labelJA, labelEN: proto.labelEN, source: yt.source}
			complete := true
			var n int64
			for _, p := range parts {
				part, ok := have[proto.concept+"|"+proto.row+"|"+proto.cell+"|"+p]
				if !ok || !part.hasNumbers() {
					complete = false
					break
				}
				sum.count += part.count
				n, sum.item, sum.questionID, sum.typ, sum.tableKey = part.n, part.item, part.questionID, part.typ, part.tableKey
				sum.codes = append(sum.codes, part.codes...)
			}
			if complete {
				sum.setNumbers(sum.count, true, n, true)
				yt.rows = append(yt.rows, sum)
			}
		}
	}
}

// addItemRows adds, for year y, one row (null category) for every item of
// the year without a category row (status no_numbers: not a choice item,
// no bins, no published table, nobody answered), and one for every item of
// the previous survey year that the year's crosswalk marks unknown (status
// unknown; also for options marked unknown, with their category).
func addItemRows(y int, qs map[int]*questionnaire.Questionnaire, chain *crosswalk.Chain, yt *yearTrends) error {
	has := map[string]bool{}
	for _, r := range yt.rows {
		has[r.concept] = true
	}
	itemRow := func(it *questionnaire.Item, o crosswalk.Origin, status string) trendRow {
		return trendRow{concept: o.Concept, originYear: o.Year, item: it.Number, questionID: it.ID, typ: string(it.Type),
			labelJA: it.TextJA, labelEN: it.TextEN, status: status, source: yt.source}
	}
	for _, it := range qs[y].Items {
		o, err := chain.Map(y, conceptOf(it), "")
		if err != nil {
			return err
		}
		if !has[o.Concept] {
			yt.rows = append(yt.rows, itemRow(it, o, report.TrendNoNumbers))
			has[o.Concept] = true
		}
	}
	cw := chain.Step(y)
	if cw == nil {
		return nil
	}
	prev := qs[cw.From]
	for _, pi := range prev.Items {
		c := conceptOf(pi)
		o, err := chain.Map(cw.From, c, "")
		if err != nil {
			return err
		}
		if qs[y].ItemByConcept(c) == nil && cw.UnknownConcept(c) && !has[o.Concept] {
			yt.rows = append(yt.rows, itemRow(pi, o, report.TrendUnknown))
			has[o.Concept] = true
		}
	}
	for _, ci := range qs[y].Items {
		pc, ok := cw.PreviousConcept(conceptOf(ci))
		pi := prev.ItemByConcept(pc)
		if !ok || pi == nil || !pi.Type.IsChoice() {
			continue
		}
		for _, opt := range pi.Choices() {
			if !cw.UnknownCode(conceptOf(ci), opt.Code) || slices.ContainsFunc(ci.Choices(), func(x questionnaire.Option) bool { return x.Code == opt.Code }) {
				continue
			}
			o, err := chain.Map(cw.From, pc, opt.Code)
			if err != nil {
				return err
			}
			r := itemRow(ci, o, report.TrendUnknown)
			r.category, r.codes, r.labelJA, r.labelEN = strings.Join(o.Codes, "+"), []string{opt.Code}, opt.LabelJA, opt.LabelEN
			yt.rows = append(yt.rows, r)
		}
	}
	return nil
}

// reportRow is the row as the trends report reads it: the values of the
// dataset's columns (share: count / n, NaN without numbers).
func (r trendRow) reportRow(year, compared int) report.TrendRow {
	share := math.NaN()
	if r.hasNumbers() {
		share = float64(r.count) / float64(r.n)
	}
	return report.TrendRow{Year: year, Concept: r.concept, Row: r.row, Cell: r.cell, Category: r.category,
		OriginYear: r.originYear, Item: r.item, QuestionID: r.questionID, Type: r.typ, Codes: slices.Clone(r.codes),
		LabelJA: r.labelJA, LabelEN: r.labelEN, Count: r.count, N: r.n, CountKnown: r.countKnown, NKnown: r.nKnown,
		Share: share, YearsCompared: compared, Derived: r.derived, Status: r.status, Source: r.source, TableKey: r.tableKey}
}

func trendsRecord(mem memory.Allocator, rows []trendRow, compared map[string]int) arrow.Record {
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	str := func(i int, v string, nullable bool) {
		if nullable && v == "" {
			b.Field(i).AppendNull()
		} else {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	num := func(i int, v int64, known bool) {
		if known {
			b.Field(i).(*array.Int64Builder).Append(v)
		} else {
			b.Field(i).AppendNull()
		}
	}
	for _, r := range rows {
		str(0, r.concept, false)
		str(1, r.row, true)
		str(2, r.cell, true)
		str(3, r.category, true)
		b.Field(4).(*array.Int32Builder).Append(int32(r.originYear))
		str(5, r.item, false)
		str(6, r.questionID, false)
		str(7, r.typ, false)
		lb := b.Field(8).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).AppendValues(r.codes, nil)
		str(9, r.labelJA, false)
		str(10, r.labelEN, false)
		num(11, r.count, r.countKnown)
		num(12, r.n, r.nKnown)
		if r.hasNumbers() {
			b.Field(13).(*array.Float64Builder).Append(float64(r.count) / float64(r.n))
		} else {
			b.Field(13).AppendNull()
		}
		b.Field(14).(*array.Int32Builder).Append(int32(compared[r.key()]))
		b.Field(15).(*array.BooleanBuilder).Append(r.derived)
		str(16, r.status, false)
		str(17, r.source, false)
		str(18, r.tableKey, true)
	}
	return b.NewRecord()
}
