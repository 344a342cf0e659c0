package report

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// model is what the reports show, in both languages; every rendering reads it.
type model struct {
	in       Inputs
	q        *questionnaire.Questionnaire
	computed bool // the year has computed frequencies
	tables   []*ptable
	recon    map[string]int // reconciliation statuses, counted
	maturity *maturity
	// headlines are the summary's findings (leadsAndHeadlines).
	headlines []claims.Result
	charts    map[string]drawn // by chartKey; see draw
}

// ptable is one published table with its computed counts.
type ptable struct {
	Key      string
	ID       string // cell id and HTML anchor, derived from the key
	Item     string
	Page     int
	Source   string // citation of the source when it is not the survey's own report
	Partial  bool   // the source quotes only some rows
	Title    text
	Question text
	Base     string
	BaseLong text
	Multi    bool
	Computed bool
	N        *int64 // computed N
	PubN     *int64 // printed N (nil: lost or no published table)
	NStatus  string
	Rows     []prow
	Notes    []text // the spec's and the transcription's notes, reconciliation notes
	// Leads are the report's own sentences about the table, with the
	// claims check's verdicts.
	Leads []tableLead
	// SameTitleAs is the key of an earlier table whose printed title this
	// table's repeats (a misprint reproduced as printed).
	SameTitleAs string
	// NBasis is what the shown N rests on: the reconciliation's count_basis
	// of N, or the published n_status without responses.
	NBasis string

	// A table of one cell of one matrix row: the row, its label, the cell,
	// and what a respondent outside the cell's routing answered (charts.go).
	matrixRow, cell string
	rowLabel        text
	outside         text
}

// prow is one printed row.
type prow struct {
	No        int
	Code      string
	Label     text
	Count     *int64 // computed (nil: not computed)
	N         *int64 // computed N of the row's table
	Pct       *float64
	Published *int64 // printed (nil: lost)
	Status    string
	// Chosen: the printed count was lost in the text extraction and the
	// count shown is the value the reconstruction chose for it.
	Chosen bool
	// Basis is what the shown count rests on: the reconciliation's
	// count_basis, or the published count_status without responses.
	Basis    string
	CodeKind string
}

func newModel(in Inputs) (*model, error) {
	m := &model{in: in, q: in.Questionnaire, computed: in.Frequencies != nil, recon: map[string]int{}}
	if err := m.buildTables(); err != nil {
		return nil, err
	}
	m.leadsAndHeadlines()
	m.markRepeatedTitles()
	if in.Maturity != nil {
		mt, err := readMaturity(in.Maturity, in.Questionnaire)
		if err != nil {
			return nil, err
		}
		m.maturity = mt
	}
	return m, nil
}

// tableID turns a table key into a cell id / anchor: "2.7/own" -> "t-2-7-own".
func tableID(key string) string {
	var b strings.Builder
	b.WriteString("t-")
	for _, r := range key {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

func (m *model) buildTables() error {
	type key struct {
		table string
		row   int
	}
	freq := map[key]aggregate.Row{}
	var freqOrder []string
	for _, r := range m.in.Frequencies {
		if _, seen := freq[key{r.TableKey, 1}]; !seen && r.RowNo == 1 {
			freqOrder = append(freqOrder, r.TableKey)
		}
		freq[key{r.TableKey, r.RowNo}] = r
	}
	rec := map[key]reconcile.Row{}
	for _, r := range m.in.Reconciliation {
		rec[key{r.TableKey, r.RowNo}] = r
		m.recon[r.Status]++
	}
	seen := map[string]bool{}
	add := func(t *ptable) error {
		if seen[t.ID] {
			return fmt.Errorf("report: tables %s and another key give the same id %s", t.Key, t.ID)
		}
		seen[t.ID] = true
		m.tables = append(m.tables, t)
		return nil
	}
	pub := m.in.Published
	if pub == nil {
		// Computed tables without a published counterpart (not made by the
		// build today): shown as computed.
		for _, k := range freqOrder {
			t := &ptable{Key: k, ID: tableID(k), Computed: true}
			for i := 1; ; i++ {
				r, ok := freq[key{k, i}]
				if !ok {
					break
				}
				t.Item, t.Base, t.Multi = k, r.Base, r.Multi
				t.N = ptr(r.N)
				t.Rows = append(t.Rows, prow{No: i, Code: r.Code, Label: text{r.LabelJA, r.LabelEN}, Count: ptr(r.Count), N: ptr(r.N), Pct: pctPtr(r.Count, r.N)})
			}
			if it := m.q.Item(k); it != nil {
				t.Title, t.Question = text{it.TextJA, it.TextEN}, text{it.TextJA, it.TextEN}
			}
			t.BaseLong = text{baseShortText(t.Base, ja), baseShortText(t.Base, en)}
			if err := add(t); err != nil {
				return err
			}
		}
		return nil
	}
	notes := map[string][]text{}
	for _, tb := range pub.Tables {
		if tb.Note != "" {
			notes[tb.Key] = append(notes[tb.Key], noteText(tb.NoteJA, tb.Note))
		}
	}
	for _, spec := range pub.Specs {
		entries := pub.TableEntries(spec.Key)
		if len(entries) == 0 {
			continue
		}
		e0 := entries[0]
		t := &ptable{Key: spec.Key, ID: tableID(spec.Key), Item: spec.Item, Page: e0.Page,
			Title: text{e0.TitleJA, e0.TitleEN}, Base: spec.Base, Multi: e0.Multi, Computed: m.computed}
		if it := spec.ItemRef(); it != nil {
			t.Question = text{it.TextJA, it.TextEN}
		} else {
			t.Question = t.Title
		}
		t.BaseLong = baseLong(m.q, spec)
		t.Partial = e0.Partial
		t.NBasis = e0.N.Status()
		t.matrixRow, t.cell, t.rowLabel, t.outside = matrixCell(spec)
		if p := m.in.Profile; p != nil {
			if src := p.Source(e0.Source); src != nil && !src.Primary {
				t.Source = src.Citation
			}
		}
		if !e0.N.Lost {
			t.PubN = ptr(e0.N.Value)
		}
		if spec.Note != "" {
			t.Notes = append(t.Notes, noteText(spec.NoteJA, spec.Note))
		}
		t.Notes = append(t.Notes, notes[spec.Key]...)
		if r, ok := rec[key{spec.Key, 0}]; ok {
			t.NStatus, t.NBasis = r.Status, r.Basis
			if r.Status != reconcile.Match && r.Note != "" {
				t.Notes = append(t.Notes, text{"N: " + r.NoteJA, "N: " + r.Note})
			}
		}
		if f, ok := freq[key{spec.Key, 1}]; ok {
			t.N = ptr(f.N)
		}
		var relabelled, relabelledJA []string
		for _, e := range entries {
			row := prow{No: e.RowNo, Code: e.Code, Label: text{printedLabel(e), e.LabelEN}, CodeKind: e.CodeKind, Basis: e.Count.Status()}
			if row.Label.JA != e.LabelJA {
				relabelled = append(relabelled, fmt.Sprintf("#%d %s (questionnaire: %s)", e.RowNo, row.Label.JA, e.LabelJA))
				relabelledJA = append(relabelledJA, fmt.Sprintf("#%d %s (調査票: %s)", e.RowNo, row.Label.JA, e.LabelJA))
			}
			if !e.Count.Lost {
				row.Published = ptr(e.Count.Value)
			}
			if f, ok := freq[key{e.TableKey, e.RowNo}]; ok {
				row.Count, row.N = ptr(f.Count), ptr(f.N)
			}
			switch {
			case m.computed && row.Count != nil:
				row.Pct = pctPtr(*row.Count, *row.N)
			case !m.computed && row.Published != nil && t.PubN != nil:
				row.Pct = pctPtr(*row.Published, *t.PubN)
			}
			if r, ok := rec[key{e.TableKey, e.RowNo}]; ok {
				row.Status, row.Basis = r.Status, r.Basis
				// inferred counts (other printed numbers imply them) are not choices
				row.Chosen = r.Basis == reconcile.BasisChosen && m.in.Provenance == survey.Reconstructed && row.Count != nil
				if r.Status != reconcile.Match && r.Note != "" {
					t.Notes = append(t.Notes, text{fmt.Sprintf("#%d (%s): %s", e.RowNo, e.Code, r.NoteJA), fmt.Sprintf("#%d (%s): %s", e.RowNo, e.Code, r.Note)})
				}
			} else if !m.computed && e.Count.NotReported {
				t.Notes = append(t.Notes, text{fmt.Sprintf("#%d (%s): 出典に記載なし", e.RowNo, e.Code), fmt.Sprintf("#%d (%s): not reported by the source", e.RowNo, e.Code)})
			} else if !m.computed && e.Count.Lost {
				note := text{fmt.Sprintf("#%d (%s): 印刷された数はテキスト抽出で失われた", e.RowNo, e.Code), fmt.Sprintf("#%d (%s): printed number lost in the text extraction", e.RowNo, e.Code)}
				if e.Inferred != nil {
					note.JA += fmt.Sprintf("。推定値 %d (%s)", *e.Inferred, e.InferenceJA)
					note.EN += fmt.Sprintf("; inferred %d (%s)", *e.Inferred, e.Inference)
				}
				t.Notes = append(t.Notes, note)
			}
			t.Rows = append(t.Rows, row)
		}
		if len(relabelled) > 0 {
			t.Notes = append(t.Notes, text{"行のラベルは報告書の印刷どおり (調査票の言い方と異なるもの): " + strings.Join(relabelledJA, "、"),
				"Japanese row labels as the report prints them where the questionnaire words them otherwise: " + strings.Join(relabelled, "; ")})
		}
		if err := add(t); err != nil {
			return err
		}
	}
	return nil
}

// notesIn returns notes in one language.
func notesIn(notes []text, l lang) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = n.in(l)
	}
	return out
}

// noteText is a note of the inputs in both languages: the Japanese one
// when the file gives it, else the English one marked as such.
func noteText(ja, en string) text {
	if ja == "" {
		ja = "(英語のみ) " + en
	}
	return text{ja, en}
}

// hasChosen reports whether a row's count is one the reconstruction chose.
func (t *ptable) hasChosen() bool {
	for _, r := range t.Rows {
		if r.Chosen {
			return true
		}
	}
	return false
}

// pctPtr is 100 * count / n rounded half up; nil when n is 0
// (pandas would give NaN or inf).
func pctPtr(count, n int64) *float64 {
	if n == 0 {
		return nil
	}
	return ptr(pct(count, n))
}

// baseLong says in words who forms a table's N.
func baseLong(q *questionnaire.Questionnaire, spec *published.Spec) text {
	switch {
	case spec.Base == published.BaseAll:
		return text{"全回答者", "all respondents"}
	case spec.Base == published.BaseAnswered:
		return text{"1つ以上回答した回答者 (未回答の回答者は N に含まれない)", "respondents who gave at least one answer (those who gave none are not in N)"}
	case spec.Base == published.BaseAsked:
		if r := spec.Relevance(); r != nil {
			return relevanceText(q, spec.ItemRef(), spec.Row, r)
		}
		return text{"設問の対象者", "respondents asked"}
	case strings.HasPrefix(spec.Base, "group:"):
		g := strings.TrimPrefix(spec.Base, "group:")
		label := text{g, g}
		if it := spec.ItemRef(); it != nil {
			for _, og := range it.OptionGroups {
				if og.Code == g {
					label = text{og.LabelJA, og.LabelEN}
				}
			}
		}
		return text{"グループ「" + label.JA + "」の選択肢を1つ以上選んだ回答者",
			"respondents who chose at least one option of the group “" + label.EN + "”"}
	}
	return text{spec.Base, spec.Base}
}

// statusText returns the shown text of a reconciliation status.
func statusText(s string, l lang) string {
	if s == "" {
		return naText
	}
	if t, ok := statusLabels[s]; ok {
		return t.in(l)
	}
	return s
}

func statusClass(s string) string {
	if s == "" {
		return ""
	}
	return "st-" + strings.ReplaceAll(s, "_", "-")
}

// grid is the table as table() of the notebooks builds it.
func (t *ptable) grid(l lang) *grid {
	c := func(k string) string { return tableCols[k].in(l) }
	g := &grid{Empty: ui["emptyTable"].in(l)}
	if t.Computed {
		g.Cols = []col{{Name: c("row_no")}, {Name: c("code")}, {Name: c("label")}, {Name: c("count"), Num: true},
			{Name: c("pct"), Num: true}, {Name: c("published"), Num: true}, {Name: c("status")}}
	} else {
		g.Cols = []col{{Name: c("row_no")}, {Name: c("code")}, {Name: c("label")}, {Name: c("published"), Num: true}, {Name: c("pct"), Num: true}}
	}
	for _, r := range t.Rows {
		head := []cell{strCell(strconv.Itoa(r.No)), strCell(r.Code), strCell(r.Label.in(l))}
		if t.Computed {
			status := r.Status
			count := optInt(r.Count)
			if r.Chosen {
				status, count.Class = "lost_chosen", "chosen"
			}
			st := strCell(statusText(status, l))
			st.Class = statusClass(status)
			g.Rows = append(g.Rows, append(head, count, optPct(r.Pct), optInt(r.Published), st))
		} else {
			g.Rows = append(g.Rows, append(head, optInt(r.Published), optPct(r.Pct)))
		}
		g.RowClass = append(g.RowClass, "")
	}
	head := []cell{strCell("N"), strCell(""), strCell("N (" + baseShortText(t.Base, l) + ")")}
	if t.Computed {
		st := strCell(statusText(t.NStatus, l))
		st.Class = statusClass(t.NStatus)
		g.Rows = append(g.Rows, append(head, optInt(t.N), cell{S: naText, Num: true}, optInt(t.PubN), st))
	} else {
		g.Rows = append(g.Rows, append(head, optInt(t.PubN), cell{S: naText, Num: true}))
	}
	g.RowClass = append(g.RowClass, "n-row")
	return g
}

// chartTitle is the chart's title: the key and the table's title.
func (t *ptable) chartTitle(l lang) string { return t.Key + " " + t.Title.in(l) }

// nLine is "N = 66 (printed N = 66: match)".
func (t *ptable) nLine(l lang) string {
	n, p := ui["nUnknown"].in(l), ui["nUnknown"].in(l)
	if t.N != nil {
		n = strconv.FormatInt(*t.N, 10)
	}
	if t.PubN != nil {
		p = strconv.FormatInt(*t.PubN, 10)
	}
	if !t.Computed {
		return "N = " + p
	}
	return fmt.Sprintf(ui["nLine"].in(l), n, p, statusText(t.NStatus, l))
}

// meta is the line under a table's heading: page, single/multi, base.
func (t *ptable) meta(l lang) string {
	parts := []string{}
	switch {
	case t.Source != "" && t.Page > 0:
		parts = append(parts, fmt.Sprintf(ui["sourcePage"].in(l), t.Source, t.Page))
	case t.Source != "":
		parts = append(parts, ui["sourceOnly"].in(l)+": "+t.Source)
	case t.Page > 0:
		parts = append(parts, fmt.Sprintf(ui["page"].in(l), t.Page))
	}
	if t.Partial {
		parts = append(parts, ui["partialTable"].in(l))
	}
	if t.Multi {
		parts = append(parts, ui["multi"].in(l))
	} else {
		parts = append(parts, ui["single"].in(l))
	}
	parts = append(parts, ui["base"].in(l)+": "+t.BaseLong.in(l))
	return strings.Join(parts, " · ")
}

// tablesIntro is the text above the tables.
func (m *model) tablesIntro(l lang) string {
	key := "tablesText"
	switch {
	case m.computed:
	case m.in.Profile != nil && m.in.Profile.Data.Published == survey.TablesPartial:
		key = "tablesTextPartial"
	default:
		key = "tablesTextPub"
	}
	return fmt.Sprintf(ui[key].in(l), len(m.tables))
}

// lead returns the ui key of a lead text (lead, leadHTML, leadXLSX): the
// published-tables-only wording for a year without respondent rows.
func (m *model) lead(key string) text {
	if !m.computed {
		return ui[key+"PubOnly"]
	}
	return ui[key]
}

// provenanceText is the overview's statement on the respondent rows, with
// the year's own note on them (survey.yaml notes_ja/notes_en).
func (m *model) provenanceText(l lang) (string, bool) {
	rows := 0
	if m.in.Validation != nil {
		rows = m.in.Validation.Accepted
	}
	var out string
	loud := false
	switch {
	case m.in.Validation == nil && m.in.Frequencies == nil:
		out = ui["provNone"].in(l)
	case m.in.Provenance == survey.Reconstructed:
		out, loud = fmt.Sprintf(ui["provRecon"].in(l), rows), true
	case m.in.Provenance == survey.Synthetic:
		out, loud = fmt.Sprintf(ui["provSynthetic"].in(l), rows), true
	default:
		out = ui["provCollected"].in(l)
	}
	if p := m.in.Profile; p != nil {
		if note := (text{p.NotesJA, p.NotesEN}).in(l); note != "" {
			if l == en {
				out += " "
			}
			out += note
		}
	}
	return out, loud
}

// kv is one line of the overview.
type kv struct{ K, V string }

func (m *model) overview(l lang) []kv {
	s := m.q.Survey
	title := s.TitleJA
	if l == en {
		title = s.TitleEN + " (" + s.TitleJA + ")"
	}
	methodText := ui["methodUnknown"].in(l)
	fielded := s.Fielded
	var population string
	if p := m.in.Profile; p != nil {
		methodText = text{p.Fielding.DescriptionJA, p.Fielding.DescriptionEN}.in(l)
		if fielded = p.Fielding.Start; p.Fielding.End != p.Fielding.Start {
			fielded += " – " + p.Fielding.End
		}
		population = text{p.PopulationJA, p.PopulationEN}.in(l)
		if p.Asked != nil {
			population += fmt.Sprintf(ui["askedCount"].in(l), *p.Asked)
		}
	}
	out := []kv{
		{ui["survey"].in(l), title},
		{ui["publisher"].in(l), s.Publisher},
		{ui["fielded"].in(l), fielded},
		{ui["publishedOn"].in(l), s.Published},
		{ui["method"].in(l), methodText},
	}
	if population != "" {
		out = append(out, kv{ui["population"].in(l), population})
	}
	out = append(out, kv{ui["respondents"].in(l), strconv.Itoa(s.Respondents)})
	prov, _ := m.provenanceText(l)
	if m.in.Validation != nil {
		short := map[survey.Provenance]string{survey.Collected: "provShortCollected", survey.Reconstructed: "provShortRecon", survey.Synthetic: "provShortSynthetic"}[m.in.Provenance]
		prov = fmt.Sprintf(ui["rowsLine"].in(l), m.in.Validation.Accepted, m.in.Provenance)
		if short != "" {
			prov += ": " + ui[short].in(l)
		}
	}
	out = append(out, kv{ui["rows"].in(l), prov})
	if len(m.tables) > 0 {
		summary := fmt.Sprintf(ui["pubOnlySummary"].in(l), len(m.tables))
		if m.computed {
			total := 0
			for _, n := range m.recon {
				total += n
			}
			summary = fmt.Sprintf(ui["reconSummary"].in(l), len(m.tables), total, m.recon[reconcile.Match], m.recon[reconcile.Lost],
				m.recon[reconcile.Inconsistent], m.recon[reconcile.Mismatch])
		}
		out = append(out, kv{ui["tablesCount"].in(l), summary})
	}
	source := s.Source
	if l == ja && !hasJapaneseSentence(source) {
		// the questionnaire's source note is English data: the citation in
		// Japanese, and where the note is
		file := fmt.Sprintf("schemas/%d/%s", m.in.Year, filepath.Base(m.q.File)) // not the build's own path: outputs are the same everywhere
		source = fmt.Sprintf(ui["sourceJA"].in(l), s.Publisher, s.TitleJA, s.Published, file)
	}
	out = append(out, kv{ui["source"].in(l), source})
	if p := m.in.Profile; p != nil {
		for _, src := range p.Sources {
			if !src.Primary {
				out = append(out, kv{ui["secondarySource"].in(l), src.Citation})
			}
		}
		if p.Numbering.Status == survey.NumberingAssigned {
			out = append(out, kv{ui["numbering"].in(l), text{p.Numbering.NoteJA, p.Numbering.NoteEN}.in(l)})
		}
	}
	return out
}

// overviewGrid is what the overview's code cell shows: respondents by provenance.
func (m *model) overviewGrid(l lang) *grid {
	g := &grid{Cols: []col{{Name: respondentRowsCols["provenance"].in(l)}, {Name: respondentRowsCols["respondents"].in(l), Num: true}}, Empty: ui["emptyTable"].in(l)}
	if v := m.in.Validation; v != nil && v.Accepted > 0 {
		g.Rows = [][]cell{{strCell(codeText(provenanceWords, string(m.in.Provenance), l)), intCell(int64(v.Accepted))}}
	}
	return g
}

// printedLabel is a row's Japanese label as the report prints it; the
// questionnaire's where the text extraction lost part of the printed one.
func printedLabel(e published.Entry) string {
	if e.PrintedLabelJA == "" || e.LabelLost {
		return e.LabelJA
	}
	return e.PrintedLabelJA
}
