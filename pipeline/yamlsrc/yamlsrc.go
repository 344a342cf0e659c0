// Package yamlsrc decodes hand-written YAML inputs (questionnaires, table specs,
// transcriptions) strictly and reports problems with their position in the
// file.
//
// Decode rejects unknown keys and type mismatches and returns the document's
// node tree, so that callers can record where each element was read and name
// that position in later validation errors. Every problem goes to a Collector,
// which gathers all of them (validation does not stop at the first) into an
// ErrorList of located errors: "file:line:col: <context>: message".
package yamlsrc

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Kinds of problems shared by every YAML input; packages add their own.
var (
	ErrSyntax     = errors.New("invalid YAML")
	ErrUnknownKey = errors.New("unknown key")
	ErrMissing    = errors.New("missing value")
	ErrDuplicate  = errors.New("duplicate")
	ErrInvalid    = errors.New("invalid value")
)

// Pos is a position in a file (1-based line and column; 0 when unknown).
type Pos struct {
	Line, Column int
}

// NodePos returns the position of n.
func NodePos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{n.Line, n.Column}
}

// Error is one located problem.
type Error struct {
	File   string
	Line   int
	Column int
	// Context names the element the problem is in, such as "item 2.4.1" or
	// "table 2.9.a"; it may be empty.
	Context string
	// Kind is a sentinel error (ErrDuplicate, ...) that errors.Is matches.
	Kind error
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Context != "" {
		b.WriteString(e.Context + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error's kind.
func (e *Error) Unwrap() error { return e.Kind }

// ErrorList is every problem found in one input, in the order found.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the individual errors to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Collector gathers the errors of one file.
type Collector struct {
	File string
	Errs ErrorList
}

// Add records a problem at p.
func (c *Collector) Add(p Pos, context string, kind error, format string, args ...any) {
	c.Errs = append(c.Errs, &Error{
		File: c.File, Line: p.Line, Column: p.Column, Context: context, Kind: kind,
		Msg: fmt.Sprintf(format, args...),
	})
}

// Err returns the collected errors, or nil when there are none.
func (c *Collector) Err() error {
	if len(c.Errs) == 0 {
		return nil
	}
	return c.Errs
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	dupKey       = regexp.MustCompile(`^mapping key (.*) already defined at line \d+$`)
)

// Decode unmarshals data into v, rejecting unknown keys, and returns the
// document's top-level node for position lookups. It returns nil when the
// input is too broken to validate further (syntax errors, wrong value types,
// a document that is not a mapping); unknown keys are reported but do not
// stop decoding.
func Decode(c *Collector, data []byte, v any) *yaml.Node {
	doc, ok := DecodeFormat(c, data, v, Format{})
	if !ok {
		return nil
	}
	return doc
}

// Format adapts Decode's messages to one kind of file.
type Format struct {
	// Keys lists the top-level keys, named when the document is not a
	// mapping ("format, year, items").
	Keys string
	// Guide is where the allowed keys are documented, named for an unknown
	// key; "the format's README" when empty.
	Guide string
	// DuplicateKeys reports a key given twice in a mapping as ErrDuplicate
	// ("key \"x\" is given twice") rather than as ErrInvalid in yaml's words.
	DuplicateKeys bool
}

// DecodeFormat is Decode with messages adapted to f. Where Decode returns
// nil after a wrong value type, DecodeFormat still returns the document's
// top-level node, with ok false, so that the errors can be attributed to
// elements; doc is nil only when there is no top-level mapping.
func DecodeFormat(c *Collector, data []byte, v any, f Format) (doc *yaml.Node, ok bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.Add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return nil, false
	}
	if len(root.Content) == 0 {
		c.Add(Pos{}, "", ErrMissing, "file is empty")
		return nil, false
	}
	doc = root.Content[0]
	if doc.Kind != yaml.MappingNode {
		msg := "top level must be a mapping of keys"
		if f.Keys != "" {
			msg += " (" + f.Keys + ")"
		}
		c.Add(NodePos(doc), "", ErrSyntax, "%s", msg)
		return nil, false
	}
	guide := cmp.Or(f.Guide, "the format's README")
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	var te *yaml.TypeError
	switch {
	case err == nil || errors.Is(err, io.EOF):
	case errors.As(err, &te):
		fatal := false
		for _, msg := range te.Errors {
			p, text := errPos(msg), errText(msg)
			if m := unknownField.FindStringSubmatch(text); m != nil {
				c.Add(p, "", ErrUnknownKey, "unknown key %q (see %s for the keys allowed here)", m[1], guide)
				continue
			}
			fatal = true
			if m := dupKey.FindStringSubmatch(text); m != nil && f.DuplicateKeys {
				c.Add(p, "", ErrDuplicate, "key %s is given twice", m[1])
				continue
			}
			c.Add(p, "", ErrInvalid, "%s", text)
		}
		if fatal {
			return doc, false
		}
	default:
		c.Add(errPos(err.Error()), "", ErrSyntax, "%s", errText(err.Error()))
		return doc, false
	}
	return doc, true
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

// Fields maps the keys of a mapping node to their value nodes.
func Fields(n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1]
	}
	return out
}

// Seq returns the elements of a sequence node, or nil.
func Seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// Located remembers where an element and each of its keys were read. Embed
// it (with the tag `yaml:"-"`) in decoded structs and fill it with Locate.
type Located struct {
	At   Pos
	Keys map[string]Pos
}

// Locate records the position of n and of each of its keys' values.
func (l *Located) Locate(n *yaml.Node) {
	if n == nil {
		return
	}
	l.At = NodePos(n)
	l.Keys = map[string]Pos{}
	for k, v := range Fields(n) {
		l.Keys[k] = NodePos(v)
	}
}

// KeyPos returns the position of key's value, or of the element itself when
// the key is absent.
func (l Located) KeyPos(key string) Pos {
	if p, ok := l.Keys[key]; ok {
		return p
	}
	return l.At
}

// LocateEach calls Locate for the i-th element of a sequence node on the
// i-th element of elems (as returned by at), for as many as both have.
func LocateEach(n *yaml.Node, count int, at func(i int) *Located) {
	for i, e := range Seq(n) {
		if i >= count {
			return
		}
		at(i).Locate(e)
	}
}
