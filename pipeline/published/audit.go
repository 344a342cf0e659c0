package published

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Finding kinds of the audit.
const (
	FindLostCount      = "lost_count"          // a count the extraction lost
	FindLostN          = "lost_n"              // a printed N the extraction lost
	FindLostLabel      = "lost_label_digits"   // digits of a printed label were lost
	FindSumMismatch    = "single_sum_mismatch" // single-answer rows do not add up to N
	FindAboveN         = "multi_row_above_n"   // a multi-answer row counts more than N
	FindBaseMismatch   = "followup_base_mismatch"
	FindTypeMismatch   = "printed_single_published_multi"
	FindMarkerMismatch = "marker_vs_questionnaire"
	FindConflict       = "inference_conflict"
	FindRepeatedCounts = "repeated_counts" // two tables print the same run of counts: a possible misread to check
)

// Severities of findings.
const (
	SevInfo    = "info"    // a fact worth knowing (a lost number)
	SevWarning = "warning" // the report contradicts itself
)

// Cell names one number of a published table: a row's count, or the
// table's N (Row 0).
type Cell struct {
	Table string
	Row   int
}

// String is "N(7.1)" for an N, "7.1 row 3" for a count.
func (c Cell) String() string {
	if c.Row == 0 {
		return "N(" + c.Table + ")"
	}
	return fmt.Sprintf("%s row %d", c.Table, c.Row)
}

// Finding is one observation of the audit of the published report.
type Finding struct {
	ID       string
	Kind     string
	Severity string
	Tables   []string
	// Cells are the numbers the finding is about (for a relation that does
	// not hold, every number in it): a warning explains a mismatch between a
	// printed and a computed number only in these cells.
	Cells     []Cell
	Pages     []int
	Numbers   string // the numbers involved, as text
	MessageJA string
	MessageEN string
}

// term is one number of the report: a row's count, or a table's N (row 0).
type term struct {
	key string
	row int
}

// equation says that the signed sum of its terms is zero.
type equation struct {
	kind   string // finding kind when it does not hold
	rule   string // how it follows from the report, in words
	ruleJA string // the same in Japanese
	terms  []term
	coefs  []int64
	tables []string
}

type value struct {
	v       int64
	printed bool
	rule    string
	ruleJA  string
}

func (s *Set) termLabel(t term) string {
	if t.row == 0 {
		return "N(" + t.key + ")"
	}
	return fmt.Sprintf("%s row %d", t.key, t.row)
}

// termLabelJA is termLabel in Japanese.
func (s *Set) termLabelJA(t term) string {
	if t.row == 0 {
		return "N(" + t.key + ")"
	}
	return fmt.Sprintf("%s の行 %d", t.key, t.row)
}

// equations derives, from the specs and the questionnaire, the relations that
// the printed numbers must satisfy.
func (s *Set) equations() []equation {
	var eqs []equation
	for _, spec := range s.Specs {
		ref := s.tables[spec.Key]
		// A single-answer table's rows add up to its N (unless the source
		// quotes only some of them).
		if !ref.table.Multi && !ref.table.Partial {
			eq := equation{kind: FindSumMismatch, tables: []string{spec.Key},
				rule:   "single-answer table " + spec.Key + ": its rows add up to N",
				ruleJA: "単一回答の表 " + spec.Key + ": 行の合計が N"}
			eq.terms, eq.coefs = append(eq.terms, term{spec.Key, 0}), append(eq.coefs, -1)
			for i := range ref.table.Rows {
				eq.terms, eq.coefs = append(eq.terms, term{spec.Key, i + 1}), append(eq.coefs, 1)
			}
			eqs = append(eqs, eq)
		}
		if spec.Base != BaseAsked {
			continue
		}
		rel := spec.Relevance()
		switch {
		case spec.cell != nil && rel != nil && rel.Cell != "":
			// 2.9.x: N = the row's count in the group table counting the parent cell's value.
			for _, g := range s.Specs {
				if g.item != spec.item || g.Cell != rel.Cell || !slices.Contains(rel.AnyOf, g.Value) || len(rel.AnyOf) != 1 {
					continue
				}
				if row := slices.Index(g.Rows, spec.Row); row >= 0 {
					eqs = append(eqs, equation{kind: FindBaseMismatch, tables: []string{spec.Key, g.Key},
						rule:   fmt.Sprintf("%s is asked of those counted in %s row %d (%s = %s)", spec.Key, g.Key, row+1, rel.Cell, g.Value),
						ruleJA: fmt.Sprintf("%s は %s の行 %d (%s = %s) に数えられた組織に尋ねる", spec.Key, g.Key, row+1, rel.Cell, g.Value),
						terms:  []term{{spec.Key, 0}, {g.Key, row + 1}}, coefs: []int64{1, -1}})
				}
			}
		case rel != nil && rel.Item != "":
			if eq, ok := s.followUp(spec, rel); ok {
				eqs = append(eqs, eq)
			}
		}
	}
	return eqs
}

// followUp relates a follow-up's N to its parent table: for a single-answer
// parent, N = the count of the routing answers; for a multi-answer parent,
// N = parent N minus the rows that route elsewhere, when those are exclusive
// options or missing (so that nobody is counted twice).
func (s *Set) followUp(spec *Spec, rel *questionnaire.Relevance) (equation, bool) {
	pref := s.tables[rel.Item]
	if pref == nil || pref.table.Partial || pref.spec.item == nil || pref.spec.item.Number != rel.Item {
		return equation{}, false
	}
	eq := equation{kind: FindBaseMismatch, tables: []string{spec.Key, rel.Item},
		terms: []term{{spec.Key, 0}}, coefs: []int64{1}}
	if !pref.table.Multi {
		eq.rule = fmt.Sprintf("%s is asked of those who answered %s with %s: its N is their count", spec.Key, rel.Item, strings.Join(rel.AnyOf, ", "))
		eq.ruleJA = fmt.Sprintf("%s は %s に %s と回答した組織に尋ねる: N はその数", spec.Key, rel.Item, strings.Join(rel.AnyOf, ", "))
		for i, cat := range pref.spec.Categories {
			if slices.Contains(rel.AnyOf, cat.Code) {
				eq.terms, eq.coefs = append(eq.terms, term{rel.Item, i + 1}), append(eq.coefs, -1)
			}
		}
		return eq, true
	}
	exclusive := map[string]bool{}
	for _, o := range pref.spec.item.Choices() {
		exclusive[o.Code] = o.Exclusive
	}
	eq.rule = fmt.Sprintf("%s is asked of those who answered %s with %s: N(%s) minus the exclusive answers that route elsewhere", spec.Key, rel.Item, strings.Join(rel.AnyOf, ", "), rel.Item)
	eq.ruleJA = fmt.Sprintf("%s は %s に %s と回答した組織に尋ねる: N(%s) から、ほかへ進む排他的な回答を引いた数", spec.Key, rel.Item, strings.Join(rel.AnyOf, ", "), rel.Item)
	eq.terms, eq.coefs = append(eq.terms, term{rel.Item, 0}), append(eq.coefs, -1)
	for i, cat := range pref.spec.Categories {
		if slices.Contains(rel.AnyOf, cat.Code) {
			continue
		}
		if !exclusive[cat.Code] && cat.Kind != KindMissing {
			return equation{}, false // a non-exclusive other answer can overlap: no exact relation
		}
		eq.terms, eq.coefs = append(eq.terms, term{rel.Item, i + 1}), append(eq.coefs, 1)
	}
	return eq, true
}

// infer fills Inferred / InferredN from facts and equations, and records the
// audit's findings about relations that do not hold.
func (s *Set) infer(facts []Fact) {
	vals := map[term]value{}
	for _, ref := range s.tables {
		if !ref.table.N.Lost {
			vals[term{ref.table.Key, 0}] = value{v: ref.table.N.Value, printed: true}
		}
		for i, r := range ref.table.Rows {
			if !r.Count.Lost {
				vals[term{ref.table.Key, i + 1}] = value{v: r.Count.Value, printed: true}
			}
		}
	}
	for _, f := range facts {
		t := term{f.Key, f.Row}
		if _, have := vals[t]; !have && s.tables[f.Key] != nil {
			vals[t] = value{v: f.Value, rule: "stated in the report's prose: " + f.Source, ruleJA: "報告書本文の記述による: " + f.SourceJA}
		}
	}
	eqs := s.equations()
	for changed := true; changed; {
		changed = false
		for _, eq := range eqs {
			unknown := -1
			var sum int64
			n := 0
			for i, t := range eq.terms {
				if v, ok := vals[t]; ok {
					sum += eq.coefs[i] * v.v
				} else {
					unknown, n = i, n+1
				}
			}
			if n != 1 {
				continue
			}
			v := -sum * eq.coefs[unknown] // coefs are ±1
			if v < 0 {
				continue // the relation does not hold here; the audit reports it
			}
			vals[eq.terms[unknown]] = value{v: v, rule: eq.rule + ": " + s.explain(eq, unknown, vals, s.termLabel),
				ruleJA: eq.ruleJA + ": " + s.explain(eq, unknown, vals, s.termLabelJA)}
			changed = true
		}
	}
	// Last and weakest: a number printed next to a lost count, attribution uncertain.
	for _, ref := range s.tables {
		for i, r := range ref.table.Rows {
			t := term{ref.table.Key, i + 1}
			if _, have := vals[t]; !have && r.Adjacent != nil {
				vals[t] = value{v: *r.Adjacent, rule: fmt.Sprintf("the number %d printed right after this row's label, where its count stands; the extraction lost the other counts, so the attribution is uncertain", *r.Adjacent),
					ruleJA: fmt.Sprintf("この行のラベルの直後、件数の位置に印刷された数 %d (抽出でほかの件数が失われたため、どの行の数かは確かでない)", *r.Adjacent)}
			}
		}
	}
	for i := range s.Entries {
		e := &s.Entries[i]
		if e.Count.Lost {
			if v, ok := vals[term{e.TableKey, e.RowNo}]; ok {
				e.Inferred, e.Inference, e.InferenceJA = ptr(v.v), v.rule, v.ruleJA
			}
		}
		if e.N.Lost {
			if v, ok := vals[term{e.TableKey, 0}]; ok {
				e.InferredN, e.NInference, e.NInferenceJA = ptr(v.v), v.rule, v.ruleJA
			}
		}
	}
	s.eqs, s.vals = eqs, vals
}

func ptr(v int64) *int64 { return &v }

// explain writes the arithmetic that gives the unknown term.
func (s *Set) explain(eq equation, unknown int, vals map[term]value, label func(term) string) string {
	var plus, minus []string
	for i, t := range eq.terms {
		if i == unknown {
			continue
		}
		// Move every known term to the unknown's side of the equation.
		c := -eq.coefs[i] * eq.coefs[unknown]
		part := fmt.Sprintf("%s %d", label(t), vals[t].v)
		if c > 0 {
			plus = append(plus, part)
		} else {
			minus = append(minus, part)
		}
	}
	out := label(eq.terms[unknown]) + " = " + strings.Join(plus, " + ")
	if len(plus) == 0 {
		out += "0"
	}
	for _, m := range minus {
		out += " - " + m
	}
	return out
}

// Audit lists what the report's numbers say about themselves: lost numbers,
// relations between printed numbers that do not hold, and items printed as
// single-answer in the questionnaire but published as multi-answer.
func (s *Set) Audit() []Finding {
	var out []Finding
	add := func(f Finding) {
		f.ID = fmt.Sprintf("A%03d", len(out)+1)
		out = append(out, f)
	}
	for _, spec := range s.Specs {
		ref := s.tables[spec.Key]
		t := ref.table
		if t.N.Status() == StatusLost {
			e := s.Entries[ref.entries[0]]
			nums, ja, en := "N: lost", "N が抽出時に欠落", "the printed N was lost in the extraction"
			if e.InferredN != nil {
				nums = fmt.Sprintf("N: lost; inferred %d (%s)", *e.InferredN, e.NInference)
				ja += fmt.Sprintf("。他の数値から %d と推定", *e.InferredN)
				en += fmt.Sprintf("; other numbers imply %d", *e.InferredN)
			}
			add(Finding{Kind: FindLostN, Severity: SevInfo, Tables: []string{t.Key}, Pages: t.pages(), Numbers: nums,
				MessageJA: fmt.Sprintf("表 %s (%s): %s", t.Key, t.citeJA(), ja), MessageEN: fmt.Sprintf("Table %s (%s): %s", t.Key, t.Cite(), en)})
		}
		for _, idx := range ref.entries {
			e := s.Entries[idx]
			if e.Count.Status() == StatusLost {
				nums := fmt.Sprintf("row %d (%s): lost", e.RowNo, e.LabelJA)
				ja := fmt.Sprintf("表 %s (%s) %d行目「%s」の回答数は報告書に印刷されているが、テキスト抽出時に欠落 (原本 %s で読める)", e.TableKey, t.citeJA(), e.RowNo, e.LabelJA, t.citeJA())
				en := fmt.Sprintf("Table %s (%s) row %d (%s): the count is printed in the report but was lost in the text extraction of the report (original %s; a person can read it there and fill it in with read_from_original)", e.TableKey, t.Cite(), e.RowNo, e.LabelEN, t.Cite())
				if e.Inferred != nil {
					nums += fmt.Sprintf("; inferred %d (%s)", *e.Inferred, e.Inference)
					ja += fmt.Sprintf("。%d と推定 (%s)", *e.Inferred, e.Inference)
					en += fmt.Sprintf("; inferred %d (%s)", *e.Inferred, e.Inference)
				} else {
					ja += "。推定不能"
					en += "; no printed number or statement implies it"
				}
				add(Finding{Kind: FindLostCount, Severity: SevInfo, Tables: []string{e.TableKey}, Pages: t.pages(),
					Numbers: nums, MessageJA: ja, MessageEN: en})
			}
			if e.LabelLost {
				add(Finding{Kind: FindLostLabel, Severity: SevInfo, Tables: []string{e.TableKey}, Pages: t.pages(),
					Numbers:   fmt.Sprintf("row %d printed as %q, counts %s", e.RowNo, e.PrintedLabelJA, e.LabelJA),
					MessageJA: fmt.Sprintf("表 %s (%s) %d行目のラベルの数字が欠落:「%s」(=%s)", e.TableKey, t.citeJA(), e.RowNo, e.PrintedLabelJA, e.LabelJA),
					MessageEN: fmt.Sprintf("Table %s (%s) row %d: digits of the label were lost (%q; the row counts %s)", e.TableKey, t.Cite(), e.RowNo, e.PrintedLabelJA, e.LabelEN)})
			}
			if t.Multi && !t.N.Lost && !e.Count.Lost && e.Count.Value > t.N.Value {
				add(Finding{Kind: FindAboveN, Severity: SevWarning, Tables: []string{t.Key}, Cells: []Cell{{t.Key, e.RowNo}}, Pages: t.pages(),
					Numbers:   fmt.Sprintf("row %d count %d > N %d", e.RowNo, e.Count.Value, t.N.Value),
					MessageJA: fmt.Sprintf("表 %s (%s) %d行目の回答数 %d が N=%d を超える", t.Key, t.citeJA(), e.RowNo, e.Count.Value, t.N.Value),
					MessageEN: fmt.Sprintf("Table %s (%s) row %d counts %d, more than N = %d", t.Key, t.Cite(), e.RowNo, e.Count.Value, t.N.Value)})
			}
		}
		if it := spec.item; it != nil {
			s.auditTypes(spec, t, add)
		}
	}
	for _, eq := range s.eqs {
		var sum int64
		complete, printed := true, true
		var parts []string
		for i, t := range eq.terms {
			v, ok := s.vals[t]
			if !ok {
				complete = false
				break
			}
			printed = printed && v.printed
			sum += eq.coefs[i] * v.v
			parts = append(parts, fmt.Sprintf("%s=%d", s.termLabel(t), v.v))
		}
		if !complete || sum == 0 {
			continue
		}
		kind, sev := eq.kind, SevWarning
		if !printed {
			kind = FindConflict // an inferred number makes the relation fail: the inference is unsafe
		}
		pages := s.pages(eq.tables)
		cells := make([]Cell, len(eq.terms))
		for i, t := range eq.terms {
			cells[i] = Cell{t.key, t.row}
		}
		add(Finding{Kind: kind, Severity: sev, Tables: eq.tables, Cells: cells, Pages: pages,
			Numbers:   strings.Join(parts, ", ") + fmt.Sprintf(" (off by %d)", sum),
			MessageJA: fmt.Sprintf("%s の数値が整合しない (%s: 差 %d)", strings.Join(eq.tables, " / "), eq.ruleJA, sum),
			MessageEN: fmt.Sprintf("Tables %s disagree: %s, but the printed numbers are off by %d", strings.Join(eq.tables, " / "), eq.rule, sum)})
	}
	s.auditRepeats(add)
	return out
}

// minRepeat is the shortest run of equal counts that two tables must share
// for the audit to call it a possible misread.
const minRepeat = 3

// auditRepeats finds two tables that print the same run of at least
// minRepeat non-zero counts in the same order (say 22, 52, 90), covering at
// least half of each table's N (small runs such as 1, 1, 1 repeat by
// chance): one chart may have been read for the other. Both are kept as printed; the finding
// says what to check against the source.
func (s *Set) auditRepeats(add func(Finding)) {
	counts := func(t *Table) []int64 {
		out := make([]int64, len(t.Rows))
		for i, r := range t.Rows {
			if r.Count.Lost || r.Count.Value == 0 {
				out[i] = -1 // breaks a run
			} else {
				out[i] = r.Count.Value
			}
		}
		return out
	}
	for i, a := range s.Tables {
		ca := counts(a)
		for _, b := range s.Tables[i+1:] {
			run, ia, ib := longestCommonRun(ca, counts(b))
			if len(run) < minRepeat || a.N.Lost || b.N.Lost {
				continue
			}
			var sum int64
			for _, v := range run {
				sum += v
			}
			if 2*sum < a.N.Value || 2*sum < b.N.Value {
				continue
			}
			nums := make([]string, len(run))
			for k, v := range run {
				nums[k] = strconv.FormatInt(v, 10)
			}
			list := strings.Join(nums, ", ")
			var cells []Cell
			for k := range run {
				cells = append(cells, Cell{a.Key, ia + k + 1})
			}
			for k := range run {
				cells = append(cells, Cell{b.Key, ib + k + 1})
			}
			add(Finding{Kind: FindRepeatedCounts, Severity: SevWarning, Tables: []string{a.Key, b.Key}, Cells: cells, Pages: append(a.pages(), b.pages()...),
				Numbers:   fmt.Sprintf("%s: %s; %s: %s", a.Key, list, b.Key, list),
				MessageJA: fmt.Sprintf("表 %s (%s) と表 %s (%s) が同じ数の並び (%s) を示す。一方のグラフの読み違いの可能性があるため、原典で確認が必要 (数値は出典のまま、訂正はしていない)", a.Key, a.citeJA(), b.Key, b.citeJA(), list),
				MessageEN: fmt.Sprintf("Tables %s (%s) and %s (%s) print the same run of counts (%s): one chart may have been read for the other. Check against the original; both are kept as their source prints them, not corrected", a.Key, a.Cite(), b.Key, b.Cite(), list)})
		}
	}
}

// longestCommonRun returns the longest run of consecutive values that a and b
// share in the same order (negative values never match), and where it starts
// in a and in b.
func longestCommonRun(a, b []int64) (best []int64, ia, ib int) {
	for i := range a {
		for j := range b {
			k := 0
			for i+k < len(a) && j+k < len(b) && a[i+k] >= 0 && a[i+k] == b[j+k] {
				k++
			}
			if k > len(best) {
				best, ia, ib = a[i:i+k], i, j
			}
		}
	}
	return best, ia, ib
}

func (s *Set) pages(keys []string) []int {
	var out []int
	for _, k := range keys {
		if ref := s.tables[k]; ref != nil && ref.table.Page > 0 && !slices.Contains(out, ref.table.Page) {
			out = append(out, ref.table.Page)
		}
	}
	return out
}

// auditTypes compares a table's printed 複数回答 marker with the questionnaire.
func (s *Set) auditTypes(spec *Spec, t *Table, add func(Finding)) {
	it := spec.item
	modelMulti := it.Type == questionnaire.Multi || (spec.cell != nil && spec.cell.Type == questionnaire.Multi) ||
		(spec.Value != "") // a group table counts one answer per matrix row: several rows per respondent
	if it.PrintedType == questionnaire.Single && it.Type == questionnaire.Multi && t.Key == it.Number {
		add(Finding{Kind: FindTypeMismatch, Severity: SevWarning, Tables: []string{t.Key}, Pages: t.pages(),
			Numbers:   fmt.Sprintf("questionnaire: single (no 複数回答可); published: 複数回答あり, N = %s", t.N.String()),
			MessageJA: fmt.Sprintf("設問 %s は調査票では単一回答 (複数回答可の記載なし) だが、集計表 (%s) は複数回答あり", it.Number, t.citeJA()),
			MessageEN: fmt.Sprintf("Item %s is printed as single-answer in the questionnaire (no 複数回答可) but published as multi-answer (%s)", it.Number, t.Cite())})
		return
	}
	if t.Multi != modelMulti {
		add(Finding{Kind: FindMarkerMismatch, Severity: SevWarning, Tables: []string{t.Key}, Pages: t.pages(),
			Numbers:   fmt.Sprintf("printed multi=%v; questionnaire type %s", t.Multi, it.Type),
			MessageJA: fmt.Sprintf("表 %s (%s) の複数回答の表示が設問の形式 (%s) と一致しない", t.Key, t.citeJA(), it.Type),
			MessageEN: fmt.Sprintf("Table %s (%s): the 複数回答 marker disagrees with the item's type (%s)", t.Key, t.Cite(), it.Type)})
	}
}
