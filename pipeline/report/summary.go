package report

// The one-page summary at the top of each edition: the survey, N, what is
// reconstructed, the headline findings (the report's own, chosen by rule:
// leadsAndHeadlines) with links to their tables, and the audit's warnings.

import (
	"fmt"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// summaryLink is a link to a table of the edition.
type summaryLink struct{ ID, Key string }

// summaryItem is one line of the summary: a sentence, its verdict, the
// tables it reads.
type summaryItem struct {
	Text    string
	Page    int
	Verdict string
	Class   string
	Links   []summaryLink
}

type summary struct {
	Survey    string // one sentence: who, when, N
	Rows      string // what is reconstructed, and how the tables compare
	Headlines []summaryItem
	Rule      string // how the headlines were chosen
	Audit     []summaryItem
	AuditRule string
}

func (m *model) summary(l lang) summary {
	s := m.q.Survey
	fielded := s.Fielded
	if p := m.in.Profile; p != nil {
		if fielded = p.Fielding.Start; p.Fielding.End != p.Fielding.Start {
			fielded += " – " + p.Fielding.End
		}
	}
	out := summary{Survey: fmt.Sprintf(ui["sumSurvey"].in(l), s.Publisher, text{s.TitleJA, s.TitleEN}.in(l), fielded, s.Respondents, s.Published)}
	// the edition's warning above says it in full; here, the short form
	if m.in.Validation != nil {
		short := map[survey.Provenance]string{survey.Collected: "provShortCollected", survey.Reconstructed: "provShortRecon", survey.Synthetic: "provShortSynthetic"}[m.in.Provenance]
		out.Rows = fmt.Sprintf(ui["sumRows"].in(l), m.in.Validation.Accepted)
		if short != "" {
			out.Rows += ui[short].in(l) + map[lang]string{ja: "。", en: "."}[l]
		}
	} else {
		out.Rows = ui["provNone"].in(l)
	}
	if len(m.tables) > 0 && m.computed {
		total := 0
		for _, n := range m.recon {
			total += n
		}
		out.Rows += map[lang]string{ja: "", en: " "}[l] + fmt.Sprintf(ui["sumRecon"].in(l), len(m.tables), total, m.recon["match"], m.recon["lost"], m.recon["inconsistent_in_report"], m.recon["mismatch"])
	}
	ids := map[string]string{}
	for _, t := range m.tables {
		ids[t.Key] = t.ID
	}
	links := func(keys []string) []summaryLink {
		var ls []summaryLink
		for _, k := range keys {
			if id, ok := ids[k]; ok {
				ls = append(ls, summaryLink{ID: l.code() + "-" + id, Key: k})
			}
		}
		return ls
	}
	for _, r := range m.headlines {
		c := r.Claim
		out.Headlines = append(out.Headlines, summaryItem{Text: text{c.TextJA, c.TextEN}.in(l), Page: c.Page,
			Verdict: claimStatusText(string(r.Status), l), Class: "cl-" + strings.ReplaceAll(string(r.Status), "_", "-"), Links: links(c.Tables())})
	}
	if len(out.Headlines) > 0 {
		out.Rule = fmt.Sprintf(ui["sumRule"].in(l), len(out.Headlines), len(m.in.Claims))
	}
	for _, f := range m.in.Findings {
		if f.Severity != published.SevWarning {
			continue
		}
		out.Audit = append(out.Audit, summaryItem{Text: auditMessage(f.MessageJA, f.MessageEN, l), Links: links(f.Tables)})
	}
	if m.in.Published != nil {
		w, i := m.auditCounts()
		out.AuditRule = fmt.Sprintf(ui["sumAudit"].in(l), w, i)
	}
	return out
}

// leadVerdict is the verdict shown after a lead sentence.
func leadVerdict(ld tableLead, l lang) string {
	return ui["verdict"].in(l) + ": " + claimStatusText(ld.Status, l)
}

// summaryMD is the summary as a Markdown cell; links go to the anchors the
// tables' cells set (tableMD).
func summaryMD(s summary, l lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n%s\n\n%s\n", ui["summary"].in(l), mdEsc(s.Survey), mdEsc(s.Rows))
	link := func(ls []summaryLink) string {
		var out []string
		for _, k := range ls {
			// the notebook's anchors carry no language prefix
			out = append(out, "["+mdEsc(k.Key)+"](#"+strings.TrimPrefix(k.ID, l.code()+"-")+")")
		}
		return strings.Join(out, " ")
	}
	if len(s.Headlines) > 0 {
		fmt.Fprintf(&b, "\n### %s\n\n", ui["headlines"].in(l))
		for i, h := range s.Headlines {
			fmt.Fprintf(&b, "%d. %s (%s: %s) %s\n", i+1, mdEsc(h.Text), ui["verdict"].in(l), mdEsc(h.Verdict), link(h.Links))
		}
		fmt.Fprintf(&b, "\n*%s*\n", mdEsc(s.Rule))
	}
	if s.AuditRule != "" {
		fmt.Fprintf(&b, "\n### %s\n\n%s\n", ui["auditMain"].in(l), mdEsc(s.AuditRule))
		if len(s.Audit) > 0 {
			b.WriteString("\n")
		}
		for _, a := range s.Audit {
			fmt.Fprintf(&b, "- %s %s\n", mdEsc(a.Text), link(a.Links))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// contentsMD is the notebook's table of contents: every table with its title.
func contentsMD(m *model, l lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", ui["contents"].in(l))
	for _, t := range m.tables {
		fmt.Fprintf(&b, "- [%s %s](#%s)\n", mdEsc(t.Key), mdEsc(t.Title.in(l)), t.ID)
	}
	for _, k := range []string{"maturity", "audit", "validation", "interviews", "claims"} {
		fmt.Fprintf(&b, "- %s\n", ui[k].in(l))
	}
	return strings.TrimSuffix(b.String(), "\n")
}
