package questionnaire

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Load reads and validates the questionnaire at path. On any problem it
// returns a nil questionnaire and an ErrorList naming file, line and item of
// every problem found.
func Load(path string) (*Questionnaire, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a questionnaire held in memory; file names the
// source in error messages.
func Parse(file string, data []byte) (*Questionnaire, error) {
	c := &collector{yamlsrc.Collector{File: file}}
	q := new(Questionnaire)
	doc := yamlsrc.Decode(&c.Collector, data, q)
	if doc != nil {
		q.File = file
		attach(q, doc)
		attribute(c.Errs, q)
		validate(c, q)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return q, nil
}

// attribute names the item that holds each decoding error, found from the
// error's line (items are in file order).
func attribute(errs ErrorList, q *Questionnaire) {
	for _, e := range errs {
		if e.Context != "" || e.Line == 0 {
			continue
		}
		for _, it := range q.Items {
			if it != nil && it.At.Line > 0 && it.At.Line <= e.Line {
				e.Context = "item " + it.Number
			}
		}
	}
}

func locateOptions(opts []Option, n *yaml.Node) {
	yamlsrc.LocateEach(n, len(opts), func(i int) *yamlsrc.Located { return &opts[i].Located })
}

func locateGroups(gs []Group, n *yaml.Node) {
	yamlsrc.LocateEach(n, len(gs), func(i int) *yamlsrc.Located { return &gs[i].Located })
}

func locateCoded(cs []Coded, n *yaml.Node) {
	yamlsrc.LocateEach(n, len(cs), func(i int) *yamlsrc.Located { return &cs[i].Located })
}

func locateRelevance(r *Relevance, n *yaml.Node) {
	if r != nil {
		r.Locate(n)
	}
}

// attach records the file position of every element of q, walking the node
// tree in step with the decoded structure.
func attach(q *Questionnaire, doc *yaml.Node) {
	q.Locate(doc)
	top := yamlsrc.Fields(doc)
	q.Survey.Locate(top["survey"])
	locateOptions(q.Missing, top["missing"])
	if sets := top["option_sets"]; sets != nil && sets.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(sets.Content); i += 2 {
			name, n := sets.Content[i].Value, sets.Content[i+1]
			s := q.OptionSets[name]
			if s == nil {
				s = new(OptionSet)
				q.OptionSets[name] = s
			}
			s.Name = name
			q.SetOrder = append(q.SetOrder, name)
			s.Locate(n)
			locateOptions(s.Options, yamlsrc.Fields(n)["options"])
		}
	}
	yamlsrc.LocateEach(top["sections"], len(q.Sections), func(i int) *yamlsrc.Located { return &q.Sections[i].Located })
	for i, n := range yamlsrc.Seq(top["items"]) {
		if i >= len(q.Items) {
			break
		}
		it := q.Items[i]
		if it == nil {
			it = new(Item)
			q.Items[i] = it
		}
		it.Locate(n)
		f := yamlsrc.Fields(n)
		locateOptions(it.Options, f["options"])
		locateGroups(it.OptionGroups, f["option_groups"])
		locateRelevance(it.Relevance, f["relevance"])
		locateCoded(it.Coded, f["coded"])
		yamlsrc.LocateEach(f["bins"], len(it.Bins), func(j int) *yamlsrc.Located { return &it.Bins[j].Located })
		locateGroups(it.RowGroups, f["row_groups"])
		yamlsrc.LocateEach(f["rows"], len(it.Rows), func(j int) *yamlsrc.Located { return &it.Rows[j].Located })
		for j, cn := range yamlsrc.Seq(f["cells"]) {
			if j >= len(it.Cells) {
				break
			}
			cell := &it.Cells[j]
			cell.Locate(cn)
			cf := yamlsrc.Fields(cn)
			locateOptions(cell.Options, cf["options"])
			locateRelevance(cell.Relevance, cf["relevance"])
			locateCoded(cell.Coded, cf["coded"])
		}
	}
}
