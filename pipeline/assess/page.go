package assess

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// pageCSP forbids every request: the page works from file:// with what it holds.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; form-action 'none'; base-uri 'none'"

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Heading}} · {{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<p class="lang"><a href="{{.OtherPage}}">{{.OtherLang}}</a></p>
<h1>{{.Heading}}</h1>
<p class="survey">{{.Title}} ({{.Publisher}}, {{.Year}})</p>
<p>{{.Intro}}</p>
<p class="prov" id="provenance" data-provenance="{{.Provenance}}"><strong>{{.ProvLabel}}:</strong> {{.ProvText}}</p>
</header>
<main id="app"><noscript>JavaScript is needed for the form; the data is in the script element below.</noscript></main>
<script type="application/json" id="assess-data">{{.Data}}</script>
<script>{{.JS}}</script>
</body>
</html>
`))

// page renders one language's page.
func page(m *Model) ([]byte, error) {
	data, err := json.Marshal(m) // escapes <, > and & : the JSON cannot close its script element
	if err != nil {
		return nil, err
	}
	t := m.Text
	other := PageEN
	if m.Lang == "en" {
		other = PageJA
	}
	var prov string
	switch m.Provenance {
	case survey.Collected:
		prov = t["prov_collected"]
	case survey.Reconstructed:
		prov = t["prov_reconstructed"]
	case survey.Synthetic:
		prov = t["prov_synthetic"]
	default:
		prov = t["prov_none"]
	}
	var b bytes.Buffer
	err = pageTmpl.Execute(&b, map[string]any{
		"Lang": m.Lang, "CSP": pageCSP, "Heading": t["heading"], "Title": m.Title, "Publisher": m.Publisher,
		"Year": m.Year, "Intro": t["intro"], "OtherPage": other, "OtherLang": t["other_lang"],
		"Provenance": m.Provenance, "ProvLabel": t["provenance"], "ProvText": prov,
		"CSS":  template.CSS(pageCSS),
		"Data": template.JS(data),
		"JS":   template.JS(pageJS),
	})
	if err != nil {
		return nil, fmt.Errorf("page template: %w", err)
	}
	return b.Bytes(), nil
}
