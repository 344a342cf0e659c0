package report

import (
	"bytes"
	"fmt"
	"html/template"
)

// trends.html: both editions (日本語, English) in one page switched by CSS,
// like report.html: no script, no external resource, every string from data
// escaped by html/template (tables by grid.htmlNA, charts by escXML).

type trendsConceptHTML struct {
	ID, Concept, Item, Question string
	QuestionJA, QuestionEN      string
	Items, NLine                string
	Notes                       []string
	Table, Chart                template.HTML
}

type trendsEdition struct {
	Lang, Prefix string
	T            map[string]string
	Caveats      []string
	Status       string
	Overview     []kv
	OverviewData template.HTML
	ConceptsText string
	Concepts     []trendsConceptHTML
	SingleText   string
	Single       template.HTML
}

type trendsPageData struct {
	Lang, Title, Brand string
	Editions           []trendsEdition
}

func trendsEditionOf(m *trendsModel, l lang) trendsEdition {
	t := map[string]string{}
	for k, v := range trendsUI {
		t[k] = v.in(l)
	}
	e := trendsEdition{Lang: l.code(), Prefix: l.code() + "-", T: t, Caveats: m.caveats(l), Status: m.status(l),
		Overview: m.overview(l), OverviewData: template.HTML(m.overviewGrid(l).htmlNA(htmlNA)),
		SingleText: fmt.Sprintf(t["singleText"], len(m.single)), Single: template.HTML(m.singleGrid(l).htmlNA(htmlNA))}
	e.ConceptsText = t["noConcepts"]
	if len(m.compared) > 0 {
		e.ConceptsText = fmt.Sprintf(t["conceptsText"], len(m.compared))
	}
	for _, c := range m.compared {
		nLine := t["nMatrix"]
		if n := c.nByYear(); n != "" {
			nLine = t["nPerYear"] + ": " + n
		}
		e.Concepts = append(e.Concepts, trendsConceptHTML{
			ID: l.code() + "-" + c.ID, Concept: c.Concept, Item: c.Items[c.Latest].Number, Question: c.Question.in(l),
			QuestionJA: c.Question.JA, QuestionEN: c.Question.EN, Items: c.itemsByYear(), NLine: nLine, Notes: c.notes(l),
			Table: template.HTML(c.grid(m.years, l).htmlNA(htmlNA)),
			Chart: template.HTML(m.charts[chartKey(l, c.ID)].SVG),
		})
	}
	return e
}

func trendsPage(m *trendsModel) ([]byte, error) {
	data := trendsPageData{Lang: "ja", Title: trendsUI["title"].JA, Brand: trendsUI["brand"].JA,
		Editions: []trendsEdition{trendsEditionOf(m, ja), trendsEditionOf(m, en)}}
	var b bytes.Buffer
	if err := trendsTemplate.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("report: trends html: %w", err)
	}
	return b.Bytes(), nil
}

const trendsCSS = `
h3 code { font-size: .8em; color: #555; font-weight: normal; }
.status { font-weight: bold; }
`

var trendsTemplate = template.Must(template.New("trends").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{.Title}}</title>
<style>` + pageCSS + trendsCSS + `</style>
</head>
<body>
<input type="radio" name="lang" id="lang-ja" class="lang" checked>
<input type="radio" name="lang" id="lang-en" class="lang">
<header class="bar"><span class="brand">{{.Brand}}</span><span><label for="lang-ja">日本語</label><label for="lang-en">English</label></span></header>
{{range .Editions}}{{$p := .Prefix}}{{$t := .T}}
<div class="ed ed-{{.Lang}}" lang="{{.Lang}}">
<main>
<h1>{{$t.title}}</h1>
{{range .Caveats}}<p class="warning">{{.}}</p>
{{end}}<p class="status">{{.Status}}</p>
<p class="lead">{{$t.leadHTML}}</p>
<nav class="toc"><b>{{$t.contents}}</b>
<ol>
<li><a href="#{{$p}}overview">{{$t.overview}}</a></li>
<li><a href="#{{$p}}concepts">{{$t.concepts}}</a>{{if .Concepts}}
<ul class="keys">{{range .Concepts}}<li><a href="#{{.ID}}">{{.Concept}}</a></li>{{end}}</ul>{{end}}</li>
<li><a href="#{{$p}}single">{{$t.single}}</a></li>
</ol></nav>

<h2 id="{{$p}}overview">{{$t.overview}}</h2>
<dl class="kv">{{range .Overview}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>
<div class="scroll">{{.OverviewData}}</div>

<h2 id="{{$p}}concepts">{{$t.concepts}}</h2>
<p>{{.ConceptsText}}</p>
{{range .Concepts}}<article class="tbl" id="{{.ID}}">
<h3>{{.Item}} {{.Question}} <code>{{.Concept}}</code></h3>
<p class="q"><b>問</b> {{.QuestionJA}}</p>
<p class="q"><b>Q</b> {{.QuestionEN}}</p>
<p class="meta">{{$t.items}}: {{.Items}}<br>{{.NLine}}</p>
<div class="scroll">{{.Table}}</div>
<figure>{{.Chart}}</figure>
{{with .Notes}}<details><summary>{{$t.notes}} ({{len .}})</summary><ul>{{range .}}<li>{{.}}</li>{{end}}</ul></details>{{end}}
</article>
{{end}}
<h2 id="{{$p}}single">{{$t.single}}</h2>
<p>{{.SingleText}}</p>
<div class="scroll">{{.Single}}</div>

<footer><h2>{{$t.closing}}</h2><p>{{$t.closingText}}</p></footer>
</main>
</div>
{{end}}
</body>
</html>
`))
