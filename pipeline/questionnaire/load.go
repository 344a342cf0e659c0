package questionnaire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
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
	c := &collector{file: file}
	q := decode(c, data)
	if q != nil {
		q.File = file
		validate(c, q)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return q, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// decode unmarshals data strictly (unknown keys are errors) and records the
// position of every element. It returns nil when the structure is too broken
// to validate further.
func decode(c *collector, data []byte) *Questionnaire {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return nil
	}
	if len(root.Content) == 0 {
		c.add(Pos{}, "", ErrMissing, "file is empty")
		return nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		c.add(Pos{doc.Line, doc.Column}, "", ErrSyntax, "top level must be a mapping of keys (format, survey, items, ...)")
		return nil
	}

	q := new(Questionnaire)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(q)
	var te *yaml.TypeError
	switch {
	case err == nil || errors.Is(err, io.EOF):
	case errors.As(err, &te):
		fatal := false
		for _, msg := range te.Errors {
			p, text := errPos(msg), errText(msg)
			if m := unknownField.FindStringSubmatch(text); m != nil {
				c.add(p, "", ErrUnknownKey, "unknown key %q (see schemas/README.md for the keys allowed here)", m[1])
				continue
			}
			fatal = true
			c.add(p, "", ErrInvalid, "%s", text)
		}
		if fatal {
			return nil
		}
	default:
		c.add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return nil
	}
	attach(q, doc)
	attribute(c.errs, q)
	return q
}

// attribute names the item that holds each decoding error, found from the
// error's line (items are in file order).
func attribute(errs ErrorList, q *Questionnaire) {
	for _, e := range errs {
		if e.Item != "" || e.Line == 0 {
			continue
		}
		for _, it := range q.Items {
			if it != nil && it.at.Line > 0 && it.at.Line <= e.Line {
				e.Item = it.Number
			}
		}
	}
}

func errPos(msg string) Pos {
	if m := yamlLine.FindStringSubmatch(strings.TrimSpace(msg)); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Pos{Line: n}
	}
	return Pos{}
}

func errText(msg string) string {
	msg = strings.TrimSpace(msg)
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(msg, "yaml: ")
}

// fields maps the keys of a mapping node to their value nodes.
func fields(n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1]
	}
	return out
}

// seq returns the elements of a sequence node, or nil.
func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func locate(l *located, n *yaml.Node) {
	if n == nil {
		return
	}
	l.at = Pos{n.Line, n.Column}
	l.keys = map[string]Pos{}
	for k, v := range fields(n) {
		l.keys[k] = Pos{v.Line, v.Column}
	}
}

func locateOptions(opts []Option, n *yaml.Node) {
	for i, e := range seq(n) {
		if i < len(opts) {
			locate(&opts[i].located, e)
		}
	}
}

func locateGroups(gs []Group, n *yaml.Node) {
	for i, e := range seq(n) {
		if i < len(gs) {
			locate(&gs[i].located, e)
		}
	}
}

func locateCoded(cs []Coded, n *yaml.Node) {
	for i, e := range seq(n) {
		if i < len(cs) {
			locate(&cs[i].located, e)
		}
	}
}

func locateRelevance(r *Relevance, n *yaml.Node) {
	if r != nil {
		locate(&r.located, n)
	}
}

// attach records the file position of every element of q, walking the node
// tree in step with the decoded structure.
func attach(q *Questionnaire, doc *yaml.Node) {
	locate(&q.located, doc)
	top := fields(doc)
	locate(&q.Survey.located, top["survey"])
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
			locate(&s.located, n)
			locateOptions(s.Options, fields(n)["options"])
		}
	}
	for i, n := range seq(top["sections"]) {
		if i < len(q.Sections) {
			locate(&q.Sections[i].located, n)
		}
	}
	for i, n := range seq(top["items"]) {
		if i >= len(q.Items) {
			break
		}
		it := q.Items[i]
		if it == nil {
			it = new(Item)
			q.Items[i] = it
		}
		locate(&it.located, n)
		f := fields(n)
		locateOptions(it.Options, f["options"])
		locateGroups(it.OptionGroups, f["option_groups"])
		locateRelevance(it.Relevance, f["relevance"])
		locateCoded(it.Coded, f["coded"])
		for j, b := range seq(f["bins"]) {
			if j < len(it.Bins) {
				locate(&it.Bins[j].located, b)
			}
		}
		locateGroups(it.RowGroups, f["row_groups"])
		for j, r := range seq(f["rows"]) {
			if j < len(it.Rows) {
				locate(&it.Rows[j].located, r)
			}
		}
		for j, cn := range seq(f["cells"]) {
			if j >= len(it.Cells) {
				break
			}
			cell := &it.Cells[j]
			locate(&cell.located, cn)
			cf := fields(cn)
			locateOptions(cell.Options, cf["options"])
			locateRelevance(cell.Relevance, cf["relevance"])
			locateCoded(cell.Coded, cf["coded"])
		}
	}
}
