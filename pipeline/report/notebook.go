package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// nb builds an nbformat 4.5 notebook. Cells are maps so that encoding/json
// writes their keys sorted, as Jupyter does.
type nb struct {
	l        lang
	cells    []map[string]any
	ids      map[string]bool
	count    int
	err      error
	hideNext bool
}

// lines splits s the way Jupyter stores multi-line strings: every line but
// the last keeps its newline.
func lines(s string) []string {
	if s == "" {
		return []string{}
	}
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func (b *nb) id(id string) string {
	if b.ids[id] && b.err == nil {
		b.err = fmt.Errorf("report: duplicate notebook cell id %q", id)
	}
	b.ids[id] = true
	return id
}

func (b *nb) md(id, source string) {
	b.cells = append(b.cells, map[string]any{
		"cell_type": "markdown",
		"id":        b.id(id),
		"metadata":  map[string]any{},
		"source":    lines(source),
	})
}

// hide marks the next code cell's source as hidden in JupyterLab (the
// chart helpers are long and not what a reader comes for).
func (b *nb) hide() { b.hideNext = true }

// output is one display_data output: MIME type -> content.
type output map[string]string

func (b *nb) code(id, source string, tags []string, outs ...output) {
	b.count++
	meta := map[string]any{}
	if len(tags) > 0 {
		meta["tags"] = tags
	}
	if b.hideNext {
		meta["jupyter"] = map[string]any{"source_hidden": true}
		b.hideNext = false
	}
	outputs := []any{}
	for _, o := range outs {
		data := map[string]any{}
		for mime, v := range o {
			data[mime] = lines(v)
		}
		outputs = append(outputs, map[string]any{"data": data, "metadata": map[string]any{}, "output_type": "display_data"})
	}
	b.cells = append(b.cells, map[string]any{
		"cell_type":       "code",
		"execution_count": b.count,
		"id":              b.id(id),
		"metadata":        meta,
		"outputs":         outputs,
		"source":          lines(source),
	})
}

func gridOut(g *grid) output {
	return output{"text/html": g.html(), "text/plain": g.plain()}
}

// svgOut is a chart's output as charts.py's Chart shows it: the SVG as an
// <img> of a base64 data URI in text/html, the SVG, and the plain-text
// summary.
//
// nbconvert before 7.7 passes image/svg+xml outputs through lxml's HTML
// cleaner, which drops every SVG element it does not know as HTML (rect, text,
// g): the exported page keeps an empty <svg>. text/html comes before
// image/svg+xml in nbconvert's display priority and is not cleaned unless
// --sanitize-html is given, so the chart survives as the <img> (the form
// nbconvert 7.7 itself adopted for SVG, jupyter/nbconvert#2018). JupyterLab
// and VS Code show the <img> too; the image/svg+xml output stays for tools
// that read it.
func svgOut(d drawn) output {
	return output{"text/html": d.HTML, "image/svg+xml": d.SVG, "text/plain": d.Text}
}

// mdEsc escapes data for a Markdown cell: HTML is shown as text, and
// Markdown and math delimiters are taken literally.
var mdEsc = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`, "#", `\#`, "$", `\$`, "~", `\~`,
	"\r\n", " ", "\n", " ", "\r", " ",
).Replace

// mdTable writes key-value lines as a two-column Markdown table.
func mdTable(head [2]string, rows []kv) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s | %s |\n|---|---|\n", head[0], head[1])
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", mdEsc(r.K), mdEsc(r.V))
	}
	return b.String()
}

// notebook renders one edition.
func notebook(m *model, l lang) ([]byte, error) {
	b := &nb{l: l, ids: map[string]bool{}}
	t := func(k string) string { return ui[k].in(l) }
	s := m.q.Survey

	var head strings.Builder
	fmt.Fprintf(&head, "# %s — %s\n\n", mdEsc(text{s.TitleJA, s.TitleEN}.in(l)), t("report"))
	prov, loud := m.provenanceText(l)
	if loud {
		fmt.Fprintf(&head, "> **%s**\n\n", mdEsc(prov))
	}
	fmt.Fprintf(&head, "%s\n\n%s", mdEsc(m.lead("lead").in(l)), t("otherEdition"))
	b.md("title", head.String())
	b.md("summary", summaryMD(m.summary(l), l))
	b.md("contents", contentsMD(m, l))

	b.md("overview", "## "+t("overview")+"\n\n"+mdTable([2]string{"", ""}, m.overview(l)))

	b.md("setup", "## "+t("setup")+"\n\n"+t("setupText"))
	b.code("parameters", pyParameters(m.in.Year, l), []string{"parameters"})
	// The helpers (loading, charts, tables) in one cell, collapsed in
	// JupyterLab: the reader comes for the tables.
	b.hide()
	b.code("setup-code", pySetup+"\n\n\n"+chartsPy+"\n\n\n"+pyTables(), nil)
	var overviewOut []output
	if g := m.overviewGrid(l); len(g.Rows) > 0 {
		overviewOut = append(overviewOut, gridOut(g)) // without responses the cell shows nothing
	}
	b.code("overview-data", pyOverview(), nil, overviewOut...)

	if len(m.tables) > 0 {
		b.md("tables", "## "+t("tables")+"\n\n"+m.tablesIntro(l))
		for _, pt := range m.tables {
			b.md(pt.ID+"-about", tableMD(pt, l))
			outs := []output{gridOut(pt.grid(l))}
			if d, ok := m.tableChart(pt, l); ok {
				outs = append(outs, svgOut(d))
			}
			b.code(pt.ID, pyTable(m, pt), nil, outs...)
		}
		b.md("equivalents", equivalents(m, l))
	}

	b.md("maturity", "## "+t("maturity")+"\n\n"+mdEsc(t("maturityText")))
	if mt := m.maturity; mt != nil && len(mt.items) > 0 {
		b.code("maturity-levels", pyMaturity(), nil, gridOut(mt.grid(l)), svgOut(m.charts[chartKey(l, sim3ChartID)]))
		var note strings.Builder
		fmt.Fprintf(&note, "### %s\n\n", t("perRespondent"))
		switch m.in.Provenance {
		case survey.Reconstructed:
			// per respondent, reconstructed rows mean nothing: no table
			fmt.Fprintf(&note, "> **%s**", t("perRespOmitted"))
		case survey.Synthetic:
			fmt.Fprintf(&note, "%s\n\n> **%s**", t("perRespText"), t("perRespSynth"))
		default:
			note.WriteString(t("perRespText"))
		}
		b.md("maturity-respondents-about", note.String())
		if m.in.Provenance != survey.Reconstructed {
			b.code("maturity-respondents", pyRespondents(), nil, gridOut(mt.respondentGrid(l)))
		}
	} else if n := m.in.MaturityOmitted; n > 0 {
		b.md("maturity-none", fmt.Sprintf(t("maturityOmitted"), n))
	} else {
		b.md("maturity-none", t("noMaturity"))
	}

	if m.in.Published != nil {
		w, i := m.auditCounts()
		b.md("audit", "## "+t("audit")+"\n\n"+t("auditText")+" "+fmt.Sprintf(t("auditSummary"), len(m.in.Findings), w, i))
		b.code("audit-data", pyAudit(), nil, gridOut(m.auditGrid(l)))
	} else {
		b.md("audit", "## "+t("audit")+"\n\n"+t("noAudit"))
	}

	if m.in.Validation != nil {
		md := "## " + t("validation") + "\n\n" + mdTable([2]string{"", ""}, m.validationSummary(l))
		if totals := m.validationTotals(l); len(totals) > 0 {
			md += "\n" + t("valTotals") + "\n\n" + mdTable([2]string{validationCols["code"].in(l), validationCols["issues"].in(l)}, totals)
		} else {
			md += "\n" + t("valNone")
		}
		b.md("validation", md)
		b.code("validation-data", pyValidation(), nil, gridOut(m.validationTotalsGrid(l)), gridOut(m.validationIssuesGrid(l)))
	} else {
		b.md("validation", "## "+t("validation")+"\n\n"+t("noValidation"))
	}

	if len(m.in.Interviews) > 0 {
		b.md("interviews", "## "+t("interviews")+"\n\n"+t("interviewsText"))
		b.code("interviews-teams", pyInterviews(), nil, gridOut(m.interviewGrid(l)))
		b.code("interviews-topics", pyTopics(m.topicWords()), nil, gridOut(m.topicGrid(l)))
		var legend strings.Builder
		fmt.Fprintf(&legend, "### %s\n\n", t("legend"))
		for _, e := range m.topicLegend(l) {
			fmt.Fprintf(&legend, "- **%s**: %s\n", mdEsc(e.K), mdEsc(e.V))
		}
		b.md("interviews-legend", strings.TrimSuffix(legend.String(), "\n"))
	} else {
		b.md("interviews", "## "+t("interviews")+"\n\n"+t("noInterviews"))
	}

	if len(m.in.Claims) > 0 {
		b.md("claims", "## "+t("claims")+"\n\n"+t("claimsText")+" "+mdEsc(m.claimCounts(l)))
		b.code("claims-data", pyClaims(m.claimsJA(), m.claimsCitationEN()), nil, gridOut(m.claimsGrid(l)))
		if g := m.quantifierGrid(l); g != nil {
			b.md("claims-quantifiers", "### "+t("quantifiers")+"\n\n"+mdEsc(t("quantifiersText"))+"\n\n"+g.markdown())
		}
	} else {
		b.md("claims", "## "+t("claims")+"\n\n"+t("noClaims"))
	}

	b.md("closing", "## "+t("closing")+"\n\n"+t("closingText"))
	if b.err != nil {
		return nil, b.err
	}

	doc := map[string]any{
		"cells": b.cells,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"display_name": "Python 3", "language": "python", "name": "python3"},
			"language_info": map[string]any{"name": "python"},
			"csirt_survey":  map[string]any{"year": m.in.Year, "lang": l.code(), "generator": "pipeline/report"},
		},
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("report: notebook: %w", err)
	}
	return out.Bytes(), nil
}

// tableMD is the markdown cell above a table.
func tableMD(t *ptable, l lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s %s <a id=\"%s\"></a>\n\n", mdEsc(t.Key), mdEsc(t.Title.in(l)), t.ID)
	for _, ld := range t.Leads {
		fmt.Fprintf(&b, "> **%s** %s (%s)\n\n", ui["reportSays"].in(l), mdEsc(ld.Text.in(l)), mdEsc(leadVerdict(ld, l)))
	}
	if t.Item != "" {
		fmt.Fprintf(&b, "%s %s  \n", map[lang]string{ja: "設問", en: "Item"}[l], mdEsc(t.Item))
	}
	fmt.Fprintf(&b, "**%s** %s  \n", ui["question"].in(l), mdEsc(t.Question.in(l)))
	if s := t.misprintText(l); s != "" {
		fmt.Fprintf(&b, "*%s*  \n", mdEsc(s))
	}
	fmt.Fprintf(&b, "%s  \n%s", mdEsc(t.meta(l)), mdEsc(t.nLine(l)))
	if len(t.Notes) > 0 {
		fmt.Fprintf(&b, "\n\n%s:\n", ui["notes"].in(l))
		for _, n := range t.Notes {
			fmt.Fprintf(&b, "\n- %s", mdEsc(n.in(l)))
		}
	}
	return b.String()
}

// equivalentSQL is the DuckDB query of a published table; prefix is the
// processed/ directory and label the label column.
func equivalentSQL(prefix string, year int, key, label string) string {
	return fmt.Sprintf(`SELECT p.row_no, p.code, p.%[4]s, f.count, round(100 * f.count / f.n, 1) AS pct,
       p.count AS published, r.status
FROM read_parquet('%[1]s/published/*/*.parquet', hive_partitioning = true) AS p
LEFT JOIN read_parquet('%[1]s/frequencies/*/*.parquet', hive_partitioning = true) AS f USING (year, table_key, row_no)
LEFT JOIN read_parquet('%[1]s/reconciliation/*/*.parquet', hive_partitioning = true) AS r USING (year, table_key, row_no)
WHERE p.year = %[2]d AND p.table_key = '%[3]s'
ORDER BY p.row_no`, prefix, year, key, label)
}

func equivalents(m *model, l lang) string {
	key := m.tables[0].Key
	label := "label_" + l.code()
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n%s\n\n", ui["equivalents"].in(l), fmt.Sprintf(ui["equivText"].in(l), mdEsc(key)))
	fmt.Fprintf(&b, "```python\nimport duckdb\n\nduckdb.sql(\"\"\"\n%s\n\"\"\")\n```\n\n", equivalentSQL("../../processed", m.in.Year, key, label))
	fmt.Fprintf(&b, "```python\nimport polars as pl\n\n\ndef scan(dataset):\n"+
		"    return (pl.scan_parquet(f\"../../processed/{dataset}/**/*.parquet\", hive_partitioning=True)\n"+
		"            .filter((pl.col(\"year\") == %d) & (pl.col(\"table_key\") == %q)))\n\n\n"+
		"t = (scan(\"published\").select(\"row_no\", \"code\", %q, pl.col(\"count\").alias(\"published\"))\n"+
		"     .join(scan(\"frequencies\").select(\"row_no\", \"count\", \"n\"), on=\"row_no\", how=\"left\")\n"+
		"     .join(scan(\"reconciliation\").select(\"row_no\", \"status\"), on=\"row_no\", how=\"left\")\n"+
		"     .with_columns((100 * pl.col(\"count\") / pl.col(\"n\")).round(1, mode=\"half_away_from_zero\").alias(\"pct\"))\n"+
		"     .sort(\"row_no\")\n"+
		"     .collect())\n```", m.in.Year, key, label)
	return b.String()
}
