package report

// Plain words for what the pipeline writes as codes: routing rules, audit
// kinds, severities, validation codes, claim statistics and verdict notes,
// interview codes and booleans. The datasets keep the codes; the editions
// show these words, Japanese in the Japanese edition and English in the
// English one.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// yesNo renders a boolean.
func yesNo(b bool) text {
	if b {
		return text{"はい", "yes"}
	}
	return text{"いいえ", "no"}
}

// optionRef is an option as a reader finds it on the form: "(a)" followed by
// its label in quotes, or the label alone when the code is not a letter.
func optionRef(code string, opts []questionnaire.Option, l lang) string {
	label := ""
	for _, o := range opts {
		if o.Code == code {
			label = text{o.LabelJA, o.LabelEN}.in(l)
		}
	}
	letter := len(code) == 1 && code[0] >= 'a' && code[0] <= 'z'
	switch {
	case label == "" && letter:
		return "(" + code + ")"
	case label == "":
		return code
	case !letter && l == ja:
		return "「" + label + "」"
	case !letter:
		return "“" + label + "”"
	case l == ja:
		return "(" + code + ")「" + label + "」"
	}
	return "(" + code + ") “" + label + "”"
}

// letterRange writes option letters compactly: (a)–(e) for a consecutive
// run of three or more, else (a), (c).
func letterRange(codes []string) (string, bool) {
	for i, c := range codes {
		if len(c) != 1 || c[0] < 'a' || c[0] > 'z' || i > 0 && c[0] != codes[i-1][0]+1 {
			return "", false
		}
	}
	if len(codes) < 3 {
		return "", false
	}
	return "(" + codes[0] + ")–(" + codes[len(codes)-1] + ")", true
}

// relevanceText says in a plain sentence who a routing rule asks:
// 「2.14 で (a)「構築し運用している」と回答した組織」. owner is the item the
// rule belongs to (a matrix item for a cell rule) and row the matrix row a
// table counts ("" when the rule applies to every row).
func relevanceText(q *questionnaire.Questionnaire, owner *questionnaire.Item, row string, r *questionnaire.Relevance) text {
	if r == nil {
		return text{}
	}
	var opts []questionnaire.Option
	num := r.Item
	rowLabel := text{}
	if r.Cell != "" && owner != nil {
		num = owner.Number
		for i := range owner.Cells {
			if owner.Cells[i].ID == r.Cell {
				opts = owner.Cells[i].Choices()
			}
		}
		for _, rw := range owner.Rows {
			if rw.Code == row {
				rowLabel = text{rw.LabelJA, rw.LabelEN}
			}
		}
	} else if it := q.Item(r.Item); it != nil {
		opts = it.Choices()
	}
	where := text{num + " で", "to " + num}
	if rowLabel.JA != "" {
		where = text{num + " の「" + rowLabel.JA + "」で", "to " + num + " for “" + rowLabel.EN + "”"}
	} else if r.Cell != "" {
		where = text{num + " の各行で", "to " + num + " (per row)"}
	}
	var out text
	for _, l := range []lang{ja, en} {
		var what string
		if len(r.AnyOf) == 1 {
			what = optionRef(r.AnyOf[0], opts, l)
			if l == ja {
				out.JA = where.JA + " " + what + "と回答した組織"
			} else {
				out.EN = "organisations that answered " + what + " " + where.EN
			}
			continue
		}
		if rng, ok := letterRange(r.AnyOf); ok {
			what = rng
		} else {
			parts := make([]string, len(r.AnyOf))
			for i, c := range r.AnyOf {
				parts[i] = optionRef(c, opts, l)
			}
			what = strings.Join(parts, map[lang]string{ja: "、", en: ", "}[l])
		}
		if l == ja {
			out.JA = where.JA + " " + what + " のいずれかを回答した組織"
		} else {
			out.EN = "organisations that answered any of " + what + " " + where.EN
		}
	}
	return out
}

// auditKinds name the audit's finding kinds (published.Find*).
var auditKinds = map[string]text{
	"lost_count":                     {"件数の欠落", "count lost"},
	"lost_n":                         {"N の欠落", "N lost"},
	"lost_label_digits":              {"選択肢の数字の欠落", "digits of a label lost"},
	"single_sum_mismatch":            {"単一回答の合計が N と不一致", "single-answer rows do not add up to N"},
	"multi_row_above_n":              {"複数回答の行が N を超える", "a multi-answer row exceeds N"},
	"followup_base_mismatch":         {"追加設問の N と親設問の件数が不一致", "follow-up N differs from the parent's count"},
	"printed_single_published_multi": {"調査票は単一回答、集計は複数回答", "single answer on the form, multiple in the table"},
	"marker_vs_questionnaire":        {"複数回答の表示が調査票と不一致", "multi-answer marker differs from the form"},
	"inference_conflict":             {"推定の矛盾", "inferences disagree"},
	"repeated_counts":                {"同じ件数の並びの繰り返し", "a run of counts repeated"},
}

// severities name the severities of audit findings and validation issues.
var severities = map[string]text{
	"warning": {"警告", "warning"},
	"info":    {"情報", "info"},
	"error":   {"エラー", "error"},
}

func codeText(m map[string]text, code string, l lang) string {
	if t, ok := m[code]; ok {
		return t.in(l)
	}
	return code
}

// auditNumbers renders the audit's numbers ("N(2.14.3)=66, 2.14 row 1=46
// (off by 20)") in l: auditRulesJA in Japanese.
func auditNumbers(s string, l lang) string { return auditMessage(s, s, l) }

// validationCodes name the validation codes the reports may show; the
// Japanese message of a code is validationMessages' (the dataset's message
// is English).
var validationCodes = map[string]text{
	"answered_when_skipped": {"経路指定で対象外の設問への回答", "answered although the routing skips it"},
	"not_asked":             {"対象外の設問への回答", "answered although not asked"},
	"unknown_code":          {"未知のコード", "unknown code"},
	"out_of_range":          {"範囲外の値", "value out of range"},
	"repeated_code":         {"同じコードの重複", "a code given twice"},
	"issues_truncated":      {"件数の上限で打ち切り", "issues truncated"},
}

// validationMessageJA is the Japanese message of a validation issue, built
// from its fields; codes without their own sentence name the code and where
// the English message is.
func validationMessageJA(code, item, column, value string) string {
	where := ""
	if item != "" {
		where = "設問 " + item + ": "
	}
	switch code {
	case "answered_when_skipped":
		return where + "経路指定では対象外の回答者ですが、回答 (" + value + ") があります。経路指定は参考扱い (紙の調査票) のため、回答を残して集計しています。"
	case "not_asked":
		return where + "対象外の回答者の回答 (" + value + ") です。"
	}
	return where + "検証コード " + code + " (説明は processed/validation の message 列)。"
}

// claimStatisticText says how a claim is recomputed.
func claimStatisticText(c claims.Claim, l lang) string {
	if l == en {
		return claims.StatisticText(c)
	}
	if c.Unverifiable != nil {
		return map[claims.Kind]string{claims.Count: "件数", claims.Share: "割合", claims.Compare: "比較"}[c.Unverifiable.Kind] + " (回答者単位のデータが必要、集計表にない)"
	}
	s := c.Statistic
	if s == nil {
		return ""
	}
	rows := func(rs []int, sep string) string {
		p := make([]string, len(rs))
		for i, r := range rs {
			p[i] = fmt.Sprintf("#%d", r)
		}
		return strings.Join(p, sep)
	}
	num := rows(s.Rows, "+")
	if s.UseN {
		num = "N"
	}
	switch s.Kind {
	case claims.Count:
		return "件数: 表 " + s.Table + " の " + num
	case claims.Share:
		den := "N"
		if len(s.Exclude) > 0 {
			den = "(N − " + rows(s.Exclude, " − ") + ")"
		}
		if s.Base != "" && s.Base != s.Table {
			den = "表 " + s.Base + " の " + den
		}
		return "割合: 表 " + s.Table + " の " + num + " ÷ " + den
	case claims.Compare:
		if s.Each {
			return "比較: 表 " + s.Table + " の " + rows(s.Rows, ", ") + " の最小と " + rows(s.Versus, ", ") + " の最大"
		}
		return "比較: 表 " + s.Table + " の " + num + " と " + rows(s.Versus, "+")
	}
	return string(s.Kind)
}

// claimedJA turns Claimed()'s words into Japanese ("each of #1, #8 > each
// of #2" -> "#1, #8 のそれぞれ > #2 のそれぞれ").
var claimedJA = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`each of ([#0-9, ]+?) (>=|<=|>|<|=) each of ([#0-9, ]+)`), "$1 のそれぞれ $2 $3 のそれぞれ"},
	{regexp.MustCompile(`([#0-9+, ]+?) (>=|<=|>|<|=) each of ([#0-9, ]+)`), "$1 $2 $3 のそれぞれ"},
	{regexp.MustCompile(`\(difference `), "(差 "},
	{regexp.MustCompile(` and `), " かつ "},
}

func claimClaimedText(c claims.Claim, l lang) string {
	s := c.Claimed()
	if l == en {
		return s
	}
	for _, r := range claimedJA {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// claimNoteJA turns the claims check's computation note into Japanese: the
// note's words come from a fixed set (pipeline/claims/evaluate.go). Phrases
// go before the words they contain (" and ").
var claimNoteJA = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`lost in the extraction and not inferred: `), "抽出で欠落し推定できない数値: "},
	{regexp.MustCompile(`(\S+) at precision (\S+)`), "精度 $2 で $1"},
	{regexp.MustCompile(`within (\S+)-(\S+) \((\S+) \+/- (\S+)\)`), "$1〜$2 の範囲内 ($3 ± $4)"},
	{regexp.MustCompile(`outside (\S+)-(\S+) \((\S+) \+/- (\S+)\)`), "$1〜$2 の範囲外 ($3 ± $4)"},
	{regexp.MustCompile(`(\S+) within (\S+)-(\S+)`), "$1 は $2〜$3 の範囲内"},
	{regexp.MustCompile(`(\S+) outside (\S+)-(\S+)`), "$1 は $2〜$3 の範囲外"},
	{regexp.MustCompile(` within (\d+)`), " (許容差 $1)"},
	{regexp.MustCompile(`(\S+) is not (>=|<=|>|<|=) (\S+)`), "$1 は $2 $3 ではない"},
	{regexp.MustCompile(` is not (>=|<=|>|<|=) (\S+)`), " は $1 $2 ではない"},
	{regexp.MustCompile(` but `), " だが "},
	{regexp.MustCompile(` and `), " かつ "},
	{regexp.MustCompile(` \(\* inferred count, not printed\)`), " (* は推定値で、印刷された数値ではない)"},
	{regexp.MustCompile(`share (\d+)/(\d+) cannot be computed`), "割合 $1/$2 は計算できない"},
	{regexp.MustCompile(` \(inferred: N less the other rows of a single-answer table\)`), " (推定: 単一回答の表の N から他の行を引いた値)"},
}

func claimNoteText(r claims.Result, l lang) string {
	if l == en {
		return r.Note + citationText(r, l)
	}
	if r.Claim.Unverifiable != nil {
		return "集計表にない数値で、確かめるには回答者単位のデータが必要です。"
	}
	s := r.Note
	for _, x := range claimNoteJA {
		s = x.re.ReplaceAllString(s, x.with)
	}
	return s + citationText(r, l)
}

// citationText is the citation verdict appended to a claim's note, empty
// when the claim cites nothing.
func citationText(r claims.Result, l lang) string {
	if r.Citation == "" || r.Claim.Statistic == nil {
		return ""
	}
	cited, from := strings.Join(r.Claim.Cites, ", "), r.Claim.Statistic.Table
	if r.Citation == claims.CitationWrong {
		return text{
			JA: fmt.Sprintf("。引用の誤り (wrong_citation): 本文は %s を引用しているが、数値は表 %s のもの", cited, from),
			EN: fmt.Sprintf(". Wrong citation (wrong_citation): the text cites %s, but the figure comes from table %s", cited, from),
		}.in(l)
	}
	return text{
		JA: fmt.Sprintf("。引用 %s は数値の出典と一致", cited),
		EN: fmt.Sprintf(". Citation %s matches the figure's table", cited),
	}.in(l)
}

// topicCodeText is an interview answer in words: the code's label, with its
// cadence's label.
func topicCodeText(t interviews.Topic, vocab *interviews.Vocabulary, a interviews.Answer, l lang) string {
	s := a.Code
	if c, ok := t.Code(a.Code); ok {
		s = text{c.LabelJA, c.LabelEN}.in(l)
	}
	if a.Cadence != "" {
		cad := a.Cadence
		for _, c := range vocab.Cadences {
			if c.Code == a.Cadence {
				cad = text{c.LabelJA, c.LabelEN}.in(l)
			}
		}
		s += " (" + cad + ")"
	}
	return s
}

// tableLead is a sentence of the report about a table, with the claims
// check's verdict on it.
type tableLead struct {
	Text   text
	Status string
	ID     string // claim id
}

// leadsAndHeadlines attaches to each table the report's own sentences about
// it (the claims printed on the table's page that read it) and picks the
// headline findings: the claims the report restates away from their tables
// (on a page that prints none of the tables they read: its conclusions), one
// per sentence, in the order of the claims file, at most maxHeadlines.
func (m *model) leadsAndHeadlines() {
	byKey := map[string]*ptable{}
	pages := map[string]int{}
	for _, t := range m.tables {
		byKey[t.Key] = t
		pages[t.Key] = t.Page
	}
	seen := map[string]bool{}
	for _, r := range m.in.Claims {
		c := r.Claim
		onTablePage := false
		for _, k := range c.Tables() {
			if p, ok := pages[k]; ok && p == c.Page && c.Page > 0 {
				onTablePage = true
				t := byKey[k]
				dup := false
				for _, ld := range t.Leads {
					dup = dup || ld.Text.JA == c.TextJA && ld.Status == string(r.Status)
				}
				if !dup {
					t.Leads = append(t.Leads, tableLead{Text: text{c.TextJA, c.TextEN}, Status: string(r.Status), ID: c.ID})
				}
			}
		}
		if onTablePage || c.Page == 0 || seen[c.TextJA] || len(m.headlines) == maxHeadlines {
			continue
		}
		seen[c.TextJA] = true
		m.headlines = append(m.headlines, r)
	}
}

// maxHeadlines is the number of headline findings of the summary.
const maxHeadlines = 10

// markRepeatedTitles finds tables printed under the title of an earlier
// table of another item: the report's misprint, reproduced as printed and
// annotated (the table's question says what the table counts).
func (m *model) markRepeatedTitles() {
	first := map[string]*ptable{}
	for _, t := range m.tables {
		if t.Title.JA == "" {
			continue
		}
		if f, ok := first[t.Title.JA]; ok && f.Item != t.Item {
			t.SameTitleAs = f.Key
			continue
		}
		first[t.Title.JA] = t
	}
}

// misprintText annotates a repeated title.
func (t *ptable) misprintText(l lang) string {
	if t.SameTitleAs == "" {
		return ""
	}
	return fmt.Sprintf(ui["sameTitle"].in(l), t.SameTitleAs)
}

// topicWords are the labels of the interviews' topics ("topic:<id>"), codes
// ("<topic>/<code>") and cadences ("cadence:<code>"), for the notebooks'
// Python twin of topicGrid.
func (m *model) topicWords() map[string]text {
	w := map[string]text{}
	for _, iv := range m.in.Interviews {
		v := iv.Vocabulary
		for _, t := range v.Topics {
			w["topic:"+t.ID] = text{t.LabelJA, t.LabelEN}
			for _, c := range append([]interviews.Code{{Code: interviews.NotMentioned}}, t.Codes...) {
				if full, ok := t.Code(c.Code); ok {
					w[t.ID+"/"+c.Code] = text{full.LabelJA, full.LabelEN}
				}
			}
		}
		for _, c := range v.Cadences {
			w["cadence:"+c.Code] = text{c.LabelJA, c.LabelEN}
		}
	}
	return w
}

// claimsCitationEN is each citing claim's citation verdict in English, as
// the English note ends with it (citationText).
func (m *model) claimsCitationEN() map[string]text {
	out := map[string]text{}
	for _, r := range m.in.Claims {
		if c := citationText(r, en); c != "" {
			out[r.Claim.ID] = text{EN: c}
		}
	}
	return out
}

// claimsJA are the Japanese statistic, claimed value and note of each claim
// ("statistic|claimed|note"), for the notebooks' Python twin of claimsGrid.
func (m *model) claimsJA() map[string]text {
	out := map[string]text{}
	for _, r := range m.in.Claims {
		out[r.Claim.ID] = text{JA: claimStatisticText(r.Claim, ja) + "|" + claimClaimedText(r.Claim, ja) + "|" + claimNoteText(r, ja)}
	}
	return out
}

// auditRulesJA turn the English rules inside the audit's Japanese messages
// and its numbers (pipeline/published/audit.go writes the rule of a relation
// and the numbers' words in English) into Japanese, in this order. The notebooks' Python twin applies the same list (pyAudit).
var auditRulesJA = []struct{ re, with string }{
	{`stated in the report's prose: claim (\S+) \(p\. (\d+)\)`, "本文の記述 $1 (p. $2) による"},
	{`^row (\d+) \(`, "$1 行目 ("},
	{`: lost; inferred (\d+) \(`, ": 欠落、推定値 $1 ("},
	{`: lost(;|$)`, ": 欠落$1"},
	{`single-answer table (\S+): its rows add up to N`, "単一回答の表 $1: 行の合計は N になるはず"},
	{`(\S+) is asked of those who answered (\S+) with ([a-z0-9_, ]+): its N is their count`, "$1 は $2 で ($3) と回答した組織に聞く設問: N はその数になるはず"},
	{`(\S+) is asked of those who answered (\S+) with ([a-z0-9_, ]+): N\((\S+)\) minus the exclusive answers that route elsewhere`, "$1 は $2 で ($3) と回答した組織に聞く設問: N は N($4) から他へ進む排他的な回答を引いた数になるはず"},
	{`(\S+) is asked of those counted in (\S+) row (\d+) \((\S+) = (\S+)\)`, "$1 は表 $2 の $3 行目 ($4 = $5) に数えられた組織に聞く設問"},
	{` row (\d+)`, " $1 行目"},
	{`\(off by `, "(差 "},
}

var auditRulesJARE = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(auditRulesJA))
	for i, r := range auditRulesJA {
		out[i] = regexp.MustCompile(r.re)
	}
	return out
}()

// auditMessage is a finding's message in l.
func auditMessage(msgJA, msgEN string, l lang) string {
	if l == en {
		return msgEN
	}
	for i, re := range auditRulesJARE {
		msgJA = re.ReplaceAllString(msgJA, auditRulesJA[i].with)
	}
	return msgJA
}

// pyAuditRules writes auditRulesJA as a Python list of (pattern, replacement).
func pyAuditRules() string {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range auditRulesJA {
		if i > 0 {
			b.WriteString(",")
		}
		with := regexp.MustCompile(`\$(\d)`).ReplaceAllString(r.with, `\g<$1>`)
		b.WriteString("\n    (" + pyStr(r.re) + ", " + pyStr(with) + ")")
	}
	b.WriteString("\n]")
	return b.String()
}

// respondentRowsCols and provenanceWords name the overview's count of respondent
// rows by provenance.
var respondentRowsCols = map[string]text{
	"provenance":  {"回答データの由来", "provenance"},
	"respondents": {"回答者数", "respondents"},
}

var provenanceWords = map[string]text{
	string(survey.Collected):     {"回収した回答", "collected"},
	string(survey.Reconstructed): {"公表集計表から再構成", "reconstructed"},
	string(survey.Synthetic):     {"合成データ", "synthetic"},
}

// hasJapaneseSentence reports whether s is mostly Japanese: it holds kana
// (a Japanese sentence has particles; a citation of a Japanese title in an
// English sentence may have kana too, so at least a third of its letters).
func hasJapaneseSentence(s string) bool {
	kana, letters := 0, 0
	for _, r := range s {
		switch {
		case r >= 0x3040 && r <= 0x30FF || r >= 0x4E00 && r <= 0x9FFF:
			kana++
			letters++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters++
		}
	}
	return letters > 0 && kana*3 >= letters
}
