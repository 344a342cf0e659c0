package interviews

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

// Load reads and validates the interviews file at path. On any problem it
// returns no interviews and an ErrorList naming file, line, column and team
// of every problem found (a file that cannot be read gives that error
// instead, wrapped).
func Load(path string) ([]Interview, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("interviews: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates an interviews file held in memory; file names
// the source in error messages. It returns the interviews in file order, or
// nil and an ErrorList.
func Parse(file string, data []byte) ([]Interview, error) {
	c := &collector{file: file}
	f, doc := decode(c, data)
	if f != nil {
		attach(f, doc)
		validate(c, f)
	}
	attribute(c.errs, doc)
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	for i := range f.Interviews {
		f.Interviews[i].Year = f.Year
	}
	return f.Interviews, nil
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	dupKey       = regexp.MustCompile(`^mapping key (.*) already defined at line \d+$`)
)

// decode unmarshals data strictly (unknown keys are errors). It returns the
// decoded file and the document node, or a nil file when the input is too
// broken to validate (the node may still be set, for attributing errors to
// teams).
func decode(c *collector, data []byte) (*file, *yaml.Node) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return nil, nil
	}
	if len(root.Content) == 0 {
		c.add(Pos{}, "", ErrMissing, "file is empty")
		return nil, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		c.add(Pos{doc.Line, doc.Column}, "", ErrSyntax, "top level must be a mapping of keys (format, year, source, pages, interviews)")
		return nil, nil
	}
	f := new(file)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(f)
	var te *yaml.TypeError
	switch {
	case err == nil || errors.Is(err, io.EOF):
	case errors.As(err, &te):
		fatal := false
		for _, msg := range te.Errors {
			p, text := errPos(msg), errText(msg)
			if m := unknownField.FindStringSubmatch(text); m != nil {
				c.add(p, "", ErrUnknownKey, "unknown key %q (see raw/2015/INTERVIEWS.md for the keys allowed here)", m[1])
				continue
			}
			fatal = true
			if m := dupKey.FindStringSubmatch(text); m != nil {
				c.add(p, "", ErrDuplicate, "key %s is given twice", m[1])
				continue
			}
			c.add(p, "", ErrInvalid, "%s", text)
		}
		if fatal {
			return nil, doc
		}
	default:
		c.add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return nil, doc
	}
	return f, doc
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

// fields maps the keys of a mapping node to their key and value nodes.
func fields(n *yaml.Node) map[string][2]*yaml.Node {
	out := map[string][2]*yaml.Node{}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = [2]*yaml.Node{n.Content[i], n.Content[i+1]}
	}
	return out
}

// value returns the value node of key in mapping n, or nil.
func value(n *yaml.Node, key string) *yaml.Node {
	return fields(n)[key][1]
}

// seq returns the elements of a sequence node, or nil.
func seq(n *yaml.Node) []*yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func nodePos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{n.Line, n.Column}
}

func locate(l *located, n *yaml.Node) {
	if n == nil {
		return
	}
	l.at = nodePos(n)
	l.keys = map[string]Pos{}
	l.keyAt = map[string]Pos{}
	for k, kv := range fields(n) {
		l.keys[k] = nodePos(kv[1])
		l.keyAt[k] = nodePos(kv[0])
	}
}

// attach records the file position of every element of f, walking the node
// tree in step with the decoded structure.
func attach(f *file, doc *yaml.Node) {
	locate(&f.pos, doc)
	locate(&f.Pages.pos, value(doc, "pages"))
	for i, n := range seq(value(doc, "interviews")) {
		if i >= len(f.Interviews) {
			break
		}
		iv := &f.Interviews[i]
		locate(&iv.pos, n)
		locate(&iv.Organisation.pos, value(n, "organisation"))
		locate(&iv.Industry.pos, value(n, "industry"))
		locate(&iv.Form.pos, value(n, "form"))
		locate(&iv.Size.pos, value(n, "size"))
		locate(&iv.Department.pos, value(n, "department"))
		locate(&iv.Budget.pos, value(n, "budget"))
		locate(&iv.Constituency.pos, value(n, "constituency"))
		iv.topicPos = map[string]Pos{}
		for id, kv := range fields(value(n, "topics")) {
			iv.topicPos[id] = nodePos(kv[0])
			answers := iv.Topics[id]
			for j, a := range seq(kv[1]) {
				if j < len(answers) {
					locate(&answers[j].pos, a)
				}
			}
		}
	}
}

// attribute names the team of each error that has none, from the error's
// line: the last interview that starts at or before it.
func attribute(errs ErrorList, doc *yaml.Node) {
	type start struct {
		line int
		team string
	}
	var starts []start
	for _, n := range seq(value(doc, "interviews")) {
		team := ""
		if t := value(n, "team"); t != nil && t.Kind == yaml.ScalarNode {
			team = t.Value
		}
		starts = append(starts, start{n.Line, team})
	}
	for _, e := range errs {
		if e.Team != "" || e.Line == 0 {
			continue
		}
		for _, s := range starts {
			if s.line <= e.Line {
				e.Team = s.team
			}
		}
	}
}
