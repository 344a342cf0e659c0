package report

import (
	"bytes"
	"fmt"
	"html/template"

	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// The web page holds both editions; two radio buttons and CSS switch between
// them, so the page needs no script. A Content-Security-Policy forbids every
// external resource and every script.

type htmlTable struct {
	ID, Key, Title, Item string
	Question             string
	Misprint             string
	Leads                []htmlLead
	Meta, NLine          string
	Notes                []string
	Table                template.HTML // from grid.html: escaped by html/template
	Chart                template.HTML // drawn by charts.py, which escapes every string
}

type htmlLead struct{ Text, Verdict, Class string }

type htmlEdition struct {
	Lang, Prefix string
	Other        string // the other edition's language code
	Summary      summary
	T            map[string]string
	Title        string
	Warning      string
	Overview     []kv
	OverviewData template.HTML
	TablesIntro  string
	Tables       []htmlTable
	Maturity     *htmlMaturity
	MaturityNote string // shown when there is no maturity table
	AuditText    string
	Audit        template.HTML
	Validation   []kv
	ValTotals    []kv
	ValGrid      template.HTML
	ValIssues    template.HTML
	Teams        template.HTML
	Topics       template.HTML
	Legend       []kv
	ClaimsText   string
	Claims       template.HTML
	Quantifiers  template.HTML // the quantifier table, empty without one
}

type htmlMaturity struct {
	Levels, Chart, Respondents template.HTML
	Warning                    string
}

type htmlPageData struct {
	Lang     string
	Title    string
	Year     int
	Editions []htmlEdition
}

func edition(m *model, l lang) htmlEdition {
	t := map[string]string{}
	for k, v := range ui {
		t[k] = v.in(l)
	}
	t["leadHTML"] = m.lead("leadHTML").in(l)
	s := m.q.Survey
	e := htmlEdition{Lang: l.code(), Prefix: l.code() + "-", T: t, Title: text{s.TitleJA, s.TitleEN}.in(l), Overview: m.overview(l), Summary: m.summary(l)}
	e.Other = map[lang]string{ja: "en", en: "ja"}[l]
	if w, loud := m.provenanceText(l); loud {
		e.Warning = w
	}
	e.OverviewData = template.HTML(m.overviewGrid(l).htmlNA(htmlNA))
	if len(m.tables) > 0 {
		e.TablesIntro = m.tablesIntro(l)
	}
	for _, pt := range m.tables {
		chart, _ := m.tableChart(pt, l)
		var leads []htmlLead
		for _, ld := range pt.Leads {
			leads = append(leads, htmlLead{Text: ld.Text.in(l), Verdict: leadVerdict(ld, l), Class: "cl-" + strings.ReplaceAll(ld.Status, "_", "-")})
		}
		e.Tables = append(e.Tables, htmlTable{
			ID: l.code() + "-" + pt.ID, Key: pt.Key, Title: pt.Title.in(l), Item: pt.Item, Leads: leads, Misprint: pt.misprintText(l),
			Question: pt.Question.in(l), Meta: pt.meta(l), NLine: pt.nLine(l), Notes: notesIn(pt.Notes, l),
			Table: template.HTML(pt.grid(l).htmlNA(htmlNA)), Chart: template.HTML(chart.SVG),
		})
	}
	if mt := m.maturity; mt != nil && len(mt.items) > 0 {
		hm := &htmlMaturity{
			Levels: template.HTML(mt.grid(l).htmlNA(htmlNA)),
			Chart:  template.HTML(m.charts[chartKey(l, sim3ChartID)].SVG),
		}
		switch m.in.Provenance {
		case survey.Reconstructed:
			// per respondent, reconstructed rows mean nothing: no table
			hm.Warning = t["perRespOmitted"]
		case survey.Synthetic:
			hm.Warning = t["perRespSynth"]
			hm.Respondents = template.HTML(mt.respondentGrid(l).htmlNA(htmlNA))
		default:
			hm.Respondents = template.HTML(mt.respondentGrid(l).htmlNA(htmlNA))
		}
		e.Maturity = hm
	} else if n := m.in.MaturityOmitted; n > 0 {
		e.MaturityNote = fmt.Sprintf(t["maturityOmitted"], n)
	} else {
		e.MaturityNote = t["noMaturity"]
	}
	if m.in.Published != nil {
		w, i := m.auditCounts()
		e.AuditText = t["auditText"] + " " + fmt.Sprintf(t["auditSummary"], len(m.in.Findings), w, i)
		e.Audit = template.HTML(m.auditGrid(l).htmlNA(htmlNA))
	}
	if m.in.Validation != nil {
		e.Validation = m.validationSummary(l)
		e.ValTotals = m.validationTotals(l)
		e.ValGrid = template.HTML(m.validationTotalsGrid(l).htmlNA(htmlNA))
		e.ValIssues = template.HTML(m.validationIssuesGrid(l).htmlNA(htmlNA))
	}
	if len(m.in.Interviews) > 0 {
		e.Teams = template.HTML(m.interviewGrid(l).htmlNA(htmlNA))
		e.Topics = template.HTML(m.topicGrid(l).htmlNA(htmlNA))
		e.Legend = m.topicLegend(l)
	}
	if len(m.in.Claims) > 0 {
		e.ClaimsText = t["claimsText"] + " " + m.claimCounts(l)
		e.Claims = template.HTML(m.claimsGrid(l).htmlNA(htmlNA))
		if g := m.quantifierGrid(l); g != nil {
			e.Quantifiers = template.HTML(g.htmlNA(htmlNA))
		}
	}
	return e
}

// htmlNA shows a missing value in the web page.
const htmlNA = "–"

func htmlPage(m *model) ([]byte, error) {
	data := htmlPageData{Lang: "ja", Title: m.q.Survey.TitleJA, Year: m.in.Year,
		Editions: []htmlEdition{edition(m, ja), edition(m, en)}}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("report: html: %w", err)
	}
	return b.Bytes(), nil
}

const pageCSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f9; color: #1a1a1a; line-height: 1.6; font-size: 15px;
  font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", YuGothic, Meiryo, sans-serif; }
input.lang { position: absolute; opacity: 0; pointer-events: none; }
#lang-ja:checked ~ .ed-en, #lang-en:checked ~ .ed-ja { display: none; }
header.bar { position: sticky; top: 0; z-index: 2; display: flex; align-items: center; justify-content: space-between;
  padding: 8px 24px; background: #1d3557; color: #fff; }
header.bar .brand { font-weight: bold; letter-spacing: .02em; }
header.bar label { display: inline-block; margin-left: 6px; padding: 2px 12px; border: 1px solid #8fa8c8; border-radius: 14px;
  cursor: pointer; color: #dbe6f3; }
#lang-ja:checked ~ header label[for=lang-ja], #lang-en:checked ~ header label[for=lang-en] { background: #fff; color: #1d3557; border-color: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.6em; line-height: 1.3; margin: 16px 0 8px; }
h2 { font-size: 1.3em; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #1d3557; }
h3 { font-size: 1.1em; margin: 0 0 6px; }
.lead { color: #333; }
.warning { margin: 16px 0; padding: 12px 16px; border: 2px solid #b3261e; border-radius: 6px; background: #fdecea; color: #5f1410; font-weight: bold; }
.caution { padding: 8px 12px; border-left: 4px solid #b3261e; background: #fdecea; color: #5f1410; }
nav.toc { margin: 16px 0; padding: 12px 16px; background: #fff; border: 1px solid #d5dce6; border-radius: 6px; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc .keys { display: flex; flex-wrap: wrap; gap: 4px 6px; margin: 6px 0 0; padding: 0; list-style: none; }
nav.toc .keys a { display: inline-block; min-width: 3.2em; padding: 0 6px; border: 1px solid #c7d2e0; border-radius: 4px;
  text-align: center; font-size: .85em; text-decoration: none; color: #1d3557; background: #f7f9fc; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; padding: 12px 16px; background: #fff;
  border: 1px solid #d5dce6; border-radius: 6px; }
dl.kv dt { font-weight: bold; color: #333; }
dl.kv dd { margin: 0; }
article.tbl { margin: 20px 0; padding: 16px; background: #fff; border: 1px solid #d5dce6; border-radius: 6px; }
article.tbl .q { margin: 2px 0; }
article.tbl .q b { display: inline-block; min-width: 2.2em; color: #555; }
article.tbl .meta { margin: 6px 0 10px; color: #444; font-size: .9em; }
.scroll { overflow-x: auto; }
table.dataframe { border-collapse: collapse; margin: 8px 0; font-size: .9em; background: #fff; }
table.dataframe th, table.dataframe td { border: 1px solid #d5dce6; padding: 3px 8px; vertical-align: top; text-align: left; }
table.dataframe th { background: #eef2f7; white-space: nowrap; }
table.dataframe td { min-width: 3em; max-width: 36em; }
table.dataframe td.wide { min-width: 16em; }
table.dataframe td[class*="st-"], table.dataframe td[class*="sev-"] { white-space: nowrap; }
table.dataframe .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.dataframe tr.n-row td { background: #f7f9fc; font-weight: bold; }
table.dataframe td.empty { color: #666; font-style: italic; }
.st-match { color: #1b6e2d; }
.st-lost { color: #8a5a00; }
.st-lost-chosen { color: #8a5a00; font-weight: bold; }
td.chosen { font-style: italic; background: #fff4d6; outline: 1px dashed #8a5a00; outline-offset: -3px; }
.st-inconsistent-in-report, .st-mismatch, .sev-warning, .cl-fails, .cl-fails-inferred { color: #b3261e; font-weight: bold; }
.cl-holds, .cl-holds-inferred { color: #1b6e2d; }
figure { margin: 8px 0 0; }
figure svg { width: 100%; max-width: 420px; height: auto; } /* charts are 360 units wide (charts.py) */
details { margin-top: 8px; font-size: .9em; color: #333; }
details ul { margin: 4px 0; }
footer { margin-top: 48px; color: #555; font-size: .9em; }
label.switch { display: inline-block; margin-left: 4px; color: #1d4e89; text-decoration: underline; cursor: pointer; }
section.summary { margin: 16px 0; padding: 12px 20px; background: #fff; border: 2px solid #1d3557; border-radius: 6px; }
section.summary h2 { margin-top: 4px; }
section.summary ol.headlines li, section.summary ul.audit li { margin: 4px 0; }
section.summary a, article.tbl .finding a { white-space: nowrap; }
section.summary .rule { color: #444; font-size: .88em; }
nav.toc ol.titles { columns: 2 22em; column-gap: 24px; margin: 6px 0 0; padding-left: 0; list-style: none; font-size: .9em; }
nav.toc ol.titles li { break-inside: avoid; margin: 1px 0; }
nav.toc ol.titles a { text-decoration: none; color: #1d3557; }
nav.toc ol.titles .k { display: inline-block; min-width: 4.5em; font-variant-numeric: tabular-nums; color: #555; }
article.tbl .finding { margin: 4px 0 8px; padding: 6px 10px; border-left: 4px solid #1d3557; background: #f3f6fb; }
article.tbl .misprint { margin: 4px 0; padding: 4px 10px; border-left: 4px solid #8a5a00; background: #fff4d6; font-size: .9em; }
@media (max-width: 600px) {
  main { padding: 8px 10px 32px; }
  header.bar { padding: 6px 10px; }
  article.tbl { padding: 10px; }
  dl.kv { grid-template-columns: 1fr; }
  dl.kv dd { margin-bottom: 6px; }
  table.dataframe { font-size: .8em; }
  table.dataframe th, table.dataframe td { padding: 2px 4px; min-width: 0; }
  table.dataframe td { max-width: 18em; }
  table.dataframe td.wide { min-width: 10em; }
  table.dataframe td[class*="st-"] { white-space: normal; min-width: 5em; }
  /* the code column (le2012, inhouse) is for the datasets; the label says it */
  article.tbl table.dataframe tr > :nth-child(2) { display: none; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 10pt; }
  header.bar, nav.toc, label.switch { display: none; }
  main { max-width: none; padding: 0; }
  h2 { break-before: page; break-after: avoid; margin-top: 0; }
  section.summary { break-before: auto; border: none; padding: 0; }
  section.summary h2, #ja-overview, #en-overview { break-before: auto; }
  h3 { break-after: avoid; }
  article.tbl { break-inside: avoid; page-break-inside: avoid; margin: 0 0 8px; padding: 6px 0; border: none; border-bottom: 1px solid #999; border-radius: 0; }
  .scroll { overflow: visible; }
  /* the table and its chart side by side, on one page */
  article.tbl { display: grid; grid-template-columns: 1fr 1fr; column-gap: 4mm; align-items: start; }
  article.tbl > * { grid-column: 1 / -1; }
  article.tbl > .scroll { grid-column: 1; }
  article.tbl > figure { grid-column: 2; margin: 8px 0 0; }
  figure svg { max-height: 120mm; width: 100%; }
  table.dataframe { font-size: 8.5pt; }
  table.dataframe td { max-width: none; }
  a { color: inherit; text-decoration: none; }
}
`

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}</title>
<style>` + pageCSS + `</style>
</head>
<body>
<input type="radio" name="lang" id="lang-ja" class="lang" checked>
<input type="radio" name="lang" id="lang-en" class="lang">
<header class="bar"><span class="brand">csirt-survey {{.Year}}</span><span><label for="lang-ja" lang="ja">日本語</label><label for="lang-en" lang="en">English</label></span></header>
{{range .Editions}}{{$p := .Prefix}}{{$t := .T}}
<div class="ed ed-{{.Lang}}" lang="{{.Lang}}">
<main>
<h1>{{.Title}} — {{$t.report}}</h1>
{{with .Warning}}<p class="warning">{{.}}</p>{{end}}
<p class="lead">{{$t.leadHTML}} <label class="switch" for="lang-{{.Other}}">{{$t.otherEditionHTML}}</label></p>
{{with .Summary}}<section class="summary" id="{{$p}}summary">
<h2>{{$t.summary}}</h2>
<p>{{.Survey}}</p>
<p>{{.Rows}}</p>
{{if .Headlines}}<h3>{{$t.headlines}}</h3>
<ol class="headlines">{{range .Headlines}}<li>{{.Text}} <span class="{{.Class}}">({{$t.verdict}}: {{.Verdict}})</span>{{range .Links}} <a href="#{{.ID}}">{{.Key}}</a>{{end}}</li>{{end}}</ol>
<p class="rule">{{.Rule}}</p>{{end}}
{{if .AuditRule}}<h3>{{$t.auditMain}}</h3>
<p>{{.AuditRule}}</p>
{{with .Audit}}<ul class="audit">{{range .}}<li>{{.Text}}{{range .Links}} <a href="#{{.ID}}">{{.Key}}</a>{{end}}</li>{{end}}</ul>{{end}}{{end}}
</section>{{end}}
<nav class="toc"><b>{{$t.contents}}</b>
<ol>
<li><a href="#{{$p}}summary">{{$t.summary}}</a></li>
<li><a href="#{{$p}}overview">{{$t.overview}}</a></li>
{{if .Tables}}<li><a href="#{{$p}}tables">{{$t.tables}}</a>
<ol class="titles">{{range .Tables}}<li><a href="#{{.ID}}"><span class="k">{{.Key}}</span> {{.Title}}</a></li>{{end}}</ol></li>{{end}}
<li><a href="#{{$p}}maturity">{{$t.maturity}}</a></li>
<li><a href="#{{$p}}audit">{{$t.audit}}</a></li>
<li><a href="#{{$p}}validation">{{$t.validation}}</a></li>
<li><a href="#{{$p}}interviews">{{$t.interviews}}</a></li>
<li><a href="#{{$p}}claims">{{$t.claims}}</a></li>
</ol></nav>

<h2 id="{{$p}}overview">{{$t.overview}}</h2>
<dl class="kv">{{range .Overview}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>
<div class="scroll">{{.OverviewData}}</div>

{{if .Tables}}<h2 id="{{$p}}tables">{{$t.tables}}</h2>
<p>{{.TablesIntro}}</p>
{{range .Tables}}<article class="tbl" id="{{.ID}}">
<h3>{{.Key}} {{.Title}}</h3>
{{range .Leads}}<p class="finding"><b>{{$t.reportSays}}</b> {{.Text}} <span class="{{.Class}}">({{.Verdict}})</span></p>
{{end}}<p class="q"><b>{{$t.question}}</b> {{.Question}}</p>
{{with .Misprint}}<p class="misprint">{{.}}</p>{{end}}
<p class="meta">{{if .Item}}{{.Item}} · {{end}}{{.Meta}}<br>{{.NLine}}</p>
<div class="scroll">{{.Table}}</div>
{{with .Chart}}<figure>{{.}}</figure>{{end}}
{{with .Notes}}<details class="notes"><summary>{{$t.notes}} ({{len .}})</summary><ul>{{range .}}<li class="note">{{.}}</li>{{end}}</ul></details>{{end}}
</article>
{{end}}{{end}}
<h2 id="{{$p}}maturity">{{$t.maturity}}</h2>
<p>{{$t.maturityText}}</p>
{{with .Maturity}}<h3>{{$t.maturityLevels}}</h3>
<div class="scroll">{{.Levels}}</div>
<figure>{{.Chart}}</figure>
<h3>{{$t.perRespondent}}</h3>
{{if .Respondents}}<p>{{$t.perRespText}}</p>{{end}}
{{with .Warning}}<p class="caution">{{.}}</p>{{end}}
{{with .Respondents}}<div class="scroll">{{.}}</div>{{end}}
{{else}}<p>{{.MaturityNote}}</p>{{end}}

<h2 id="{{$p}}audit">{{$t.audit}}</h2>
{{if .Audit}}<p>{{.AuditText}}</p>
<div class="scroll">{{.Audit}}</div>{{else}}<p>{{$t.noAudit}}</p>{{end}}

<h2 id="{{$p}}validation">{{$t.validation}}</h2>
{{if .Validation}}<dl class="kv">{{range .Validation}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>
{{if .ValTotals}}<p>{{$t.valTotals}}</p><dl class="kv">{{range .ValTotals}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>{{end}}
<div class="scroll">{{.ValGrid}}</div>
<div class="scroll">{{.ValIssues}}</div>{{else}}<p>{{$t.noValidation}}</p>{{end}}

<h2 id="{{$p}}interviews">{{$t.interviews}}</h2>
{{if .Teams}}<p>{{$t.interviewsText}}</p>
<div class="scroll">{{.Teams}}</div>
<div class="scroll">{{.Topics}}</div>
<h3>{{$t.legend}}</h3>
<dl class="kv">{{range .Legend}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>{{else}}<p>{{$t.noInterviews}}</p>{{end}}

<h2 id="{{$p}}claims">{{$t.claims}}</h2>
{{if .Claims}}<p>{{.ClaimsText}}</p>
<div class="scroll">{{.Claims}}</div>
{{if .Quantifiers}}<h3 id="{{$p}}quantifiers">{{$t.quantifiers}}</h3>
<p>{{$t.quantifiersText}}</p>
<div class="scroll">{{.Quantifiers}}</div>{{end}}{{else}}<p>{{$t.noClaims}}</p>{{end}}

<footer><h2>{{$t.closing}}</h2><p>{{$t.closingText}}</p></footer>
</main>
</div>
{{end}}
</body>
</html>
`))
