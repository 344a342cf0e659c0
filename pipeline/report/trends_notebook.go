package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// bi is a text of the report in Japanese, then English, as Markdown
// paragraphs (the texts are ours: no data in them).
func bi(k string) string {
	t := trendsUI[k]
	if t.EN == "" || t.EN == t.JA {
		return t.JA
	}
	return t.JA + "\n\n" + t.EN
}

// biHead is a heading "日本語 / English".
func biHead(k string) string {
	t := trendsUI[k]
	if t.EN == "" || t.EN == t.JA {
		return t.JA
	}
	return t.JA + " / " + t.EN
}

// trendsNotebook renders reports/trends.ipynb: Japanese first, with English.
func trendsNotebook(m *trendsModel) ([]byte, error) {
	b := &nb{l: ja, ids: map[string]bool{}}

	var head strings.Builder
	fmt.Fprintf(&head, "# %s\n\n%s\n\n", trendsUI["title"].JA, trendsUI["title"].EN)
	var caveats []string
	for _, l := range []lang{ja, en} {
		for _, c := range m.caveats(l) {
			caveats = append(caveats, "> **"+mdEsc(c)+"**")
		}
	}
	if len(caveats) > 0 {
		head.WriteString(strings.Join(caveats, "\n>\n") + "\n\n")
	}
	fmt.Fprintf(&head, "%s  \n%s\n\n%s", mdEsc(m.status(ja)), mdEsc(m.status(en)), bi("lead"))
	b.md("title", head.String())

	var ov strings.Builder
	fmt.Fprintf(&ov, "## %s\n\n| | |\n|---|---|\n", biHead("overview"))
	jaRows, enRows := m.overview(ja), m.overview(en)
	for i := range jaRows {
		fmt.Fprintf(&ov, "| %s<br>%s | %s<br>%s |\n", mdEsc(jaRows[i].K), mdEsc(enRows[i].K), mdEsc(jaRows[i].V), mdEsc(enRows[i].V))
	}
	b.md("overview", strings.TrimSuffix(ov.String(), "\n"))

	b.md("setup", "## "+biHead("setup")+"\n\n"+bi("setupText"))
	b.code("parameters", pyTrendsParameters(), []string{"parameters"})
	b.code("setup-load", pyTrendsSetup, nil)
	b.hide()
	b.code("setup-charts", chartsPy, nil)
	b.hide()
	b.code("setup-tables", pyTrendsTables(), nil)
	b.code("overview-data", pyTrendsOverview, nil, gridOut(m.overviewGrid(ja)))

	intro := trendsUI["noConcepts"]
	if len(m.compared) > 0 {
		intro = text{fmt.Sprintf(trendsUI["conceptsText"].JA, len(m.compared)), fmt.Sprintf(trendsUI["conceptsText"].EN, len(m.compared))}
	}
	b.md("concepts", "## "+biHead("concepts")+"\n\n"+intro.JA+"\n\n"+intro.EN)
	for _, c := range m.compared {
		b.md(c.ID+"-about", conceptMD(m, c))
		b.code(c.ID, pyTrend(c.Concept), nil, gridOut(c.grid(m.years, ja)), svgOut(m.charts[chartKey(ja, c.ID)]))
	}

	n := len(m.single)
	b.md("single", "## "+biHead("single")+"\n\n"+fmt.Sprintf(trendsUI["singleText"].JA, n)+"\n\n"+fmt.Sprintf(trendsUI["singleText"].EN, n))
	b.code("single-data", pyTrendsSingle, nil, gridOut(m.singleGrid(ja)))

	b.md("closing", "## "+biHead("closing")+"\n\n"+bi("closingText"))
	if b.err != nil {
		return nil, b.err
	}
	doc := map[string]any{
		"cells": b.cells,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"display_name": "Python 3", "language": "python", "name": "python3"},
			"language_info": map[string]any{"name": "python"},
			"csirt_survey":  map[string]any{"report": "trends", "years": m.years, "lang": "ja", "generator": "pipeline/report"},
		},
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	if m.years == nil {
		doc["metadata"].(map[string]any)["csirt_survey"].(map[string]any)["years"] = []int{}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("report: trends notebook: %w", err)
	}
	return out.Bytes(), nil
}

// conceptMD is the markdown cell above a concept's table.
func conceptMD(m *trendsModel, c *tconcept) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s (%s)\n\n", mdEsc(c.Items[c.Latest].Number), mdEsc(c.Question.JA), mdEsc(c.Concept))
	fmt.Fprintf(&b, "**問** %s  \n**Q** %s  \n", mdEsc(c.Question.JA), mdEsc(c.Question.EN))
	fmt.Fprintf(&b, "%s: %s", biHead("items"), mdEsc(c.itemsByYear()))
	if n := c.nByYear(); n != "" {
		fmt.Fprintf(&b, "  \n%s / %s: %s", trendsUI["nPerYear"].JA, trendsUI["nPerYear"].EN, n)
	} else {
		fmt.Fprintf(&b, "  \n%s / %s", trendsUI["nMatrix"].JA, trendsUI["nMatrix"].EN)
	}
	jaNotes, enNotes := c.notes(ja), c.notes(en)
	if len(jaNotes) > 0 {
		fmt.Fprintf(&b, "\n\n%s:\n", biHead("notes"))
		for i := range jaNotes {
			fmt.Fprintf(&b, "\n- %s  \n  %s", mdEsc(jaNotes[i]), mdEsc(enNotes[i]))
		}
	}
	return b.String()
}
