package assess

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Markdown renders the comparison of a team's answers for people who prefer
// files: every answered item's share of peers with the same answer (count,
// N, base), the SIM3 profile, the overall percentile or why it is not
// given, and the recommendations that apply.
func (m *Model) Markdown(a Answers) string {
	t := m.Text
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s (%s, %d)\n\n", t["heading"], m.Title, m.Publisher, m.Year)
	switch m.Provenance {
	case survey.Collected:
		fmt.Fprintf(&b, "%s: %s\n\n", t["provenance"], t["prov_collected"])
	case survey.Reconstructed:
		fmt.Fprintf(&b, "%s: %s\n\n", t["provenance"], t["prov_reconstructed"])
	case survey.Synthetic:
		fmt.Fprintf(&b, "%s: %s\n\n", t["provenance"], t["prov_synthetic"])
	default:
		fmt.Fprintf(&b, "%s: %s\n\n", t["provenance"], t["prov_none"])
	}
	if len(m.Dists) == 0 {
		fmt.Fprintf(&b, "%s\n\n", t["no_published"])
	}
	b.WriteString("| item | table | " + t["your_answer"] + " | " + t["same"] + " | count | N | base |\n|---|---|---|---:|---:|---:|---|\n")
	for _, x := range m.Compare(a) {
		label := x.Label
		if x.Row != "" {
			label = x.Row + ": " + label
		}
		count, n := "?", "?"
		if x.Count != nil {
			count = strconv.FormatInt(*x.Count, 10)
			if x.Inferred {
				count += " (" + t["inferred"] + ")"
			}
		}
		if x.N != nil {
			n = strconv.FormatInt(*x.N, 10)
			if x.NInferred {
				n += " (" + t["inferred"] + ")"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", x.Number, x.Key, mdCell(label), x.Share(), count, n, cmpOr(t["base_"+x.Base], x.Base))
	}
	b.WriteString("\n? = " + t["lost"] + "\n")
	ps := m.Profiles(a)
	if len(ps) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| item | SIM3 | %s | Q1 | %s | Q3 | levels 0..4 (N) |\n|---|---|---:|---:|---:|---:|---|\n",
			t["profile"], t["profile_note"], t["level"], t["median"])
		for _, p := range ps {
			lv := "-"
			if p.Level != nil {
				lv = strconv.Itoa(*p.Level)
			}
			q1, med, q3 := "?", "?", "?"
			if p.Known && p.Total > 0 {
				q1, med, q3 = strconv.Itoa(p.Q1), strconv.Itoa(p.Median), strconv.Itoa(p.Q3)
			}
			var cs []string
			for _, c := range p.Counts {
				cs = append(cs, strconv.FormatInt(c, 10))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s (%d) |\n", p.Number, p.SIM3, lv, q1, med, q3, strings.Join(cs, " / "), p.Total)
		}
	}
	fmt.Fprintf(&b, "\n## %s\n\n", t["combined_title"])
	if !m.Combined {
		switch m.Provenance {
		case "":
			b.WriteString(t["combined_none"] + "\n")
		case survey.Collected:
			b.WriteString(t["combined_noscores"] + "\n")
		default:
			fmt.Fprintf(&b, t["combined_off"]+"\n", m.Provenance)
		}
	} else if score, ok := m.Score(a); ok {
		if p, ok := m.Percentile(score); ok {
			var total int64
			for _, s := range m.Scores {
				total += s.Count
			}
			fmt.Fprintf(&b, t["combined_text"]+"\n", strconv.FormatFloat(score, 'f', 2, 64),
				strconv.FormatInt(p/10, 10)+"."+strconv.FormatInt(p%10, 10)+" %", strconv.FormatInt(total, 10))
		}
	}
	if len(m.Recs) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", t["recs"])
		hits := m.Gaps(a)
		if len(hits) == 0 {
			b.WriteString(t["recs_none"] + "\n")
		}
		for _, h := range hits {
			r := h.Rec
			fmt.Fprintf(&b, "### %s %s\n\n> %s (p. %d)\n\n%s: %s\n\n", r.Section, r.Title, r.Text, r.Page, t["recs_items"], strings.Join(h.Items, ", "))
			var texts []string
			for _, f := range r.Figures {
				if !slices.Contains(texts, f.Text) {
					texts = append(texts, f.Text)
				}
			}
			for _, text := range texts {
				fmt.Fprintf(&b, "%s: %q\n\n", t["recs_figure"], text)
				for _, f := range r.Figures {
					if f.Text == text {
						fmt.Fprintf(&b, "- %s → %s (p. %d, %s)\n", f.Wording, figureValue(f), f.Page, f.Status)
					}
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// figureValue renders a recomputed figure as the page does: shares in %.
func figureValue(f Figure) string {
	if f.Computed == nil {
		return "?"
	}
	if f.Kind == "share" {
		return strconv.FormatFloat(math.Round(*f.Computed*1000)/10, 'f', 1, 64) + " %"
	}
	return strconv.FormatFloat(*f.Computed, 'f', -1, 64)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// mdCell escapes a table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
