package interviews

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
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

// Parse decodes and validates an interviews file held in memory; filename
// names the source in error messages. It returns the interviews in file
// order, or nil and an ErrorList.
func Parse(filename string, data []byte) ([]Interview, error) {
	c := &collector{yamlsrc.Collector{File: filename}}
	f := new(file)
	fm := format
	fm.Guide = filepath.Join(filepath.Dir(filename), Guide)
	doc, ok := yamlsrc.DecodeFormat(&c.Collector, data, f, fm)
	if ok {
		attach(f, doc)
		if value(doc, "vocabulary") == nil {
			c.add(f.pos.At, "", ErrMissing, "vocabulary is required (forms, cadences, triggers, not_mentioned, topics; see %s)", fm.Guide)
		} else {
			validateVocabulary(c, &f.Vocabulary)
			validate(c, f)
		}
	}
	attribute(c.Errs, doc)
	if err := c.Err(); err != nil {
		return nil, err
	}
	for i := range f.Interviews {
		f.Interviews[i].Year = f.Year
		f.Interviews[i].Vocabulary = &f.Vocabulary
	}
	return f.Interviews, nil
}

// Guide is the name of the document, next to an interviews file, that
// describes its format and vocabulary for people; unknown keys name it.
const Guide = "INTERVIEWS.md"

// format tailors yamlsrc's decoding messages to interviews files.
var format = yamlsrc.Format{
	Keys:          "format, year, source, pages, vocabulary, interviews",
	DuplicateKeys: true,
}

// deref returns the node an alias stands for, or n itself.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// value returns the value node of key in mapping n, or nil.
func value(n *yaml.Node, key string) *yaml.Node {
	return yamlsrc.Fields(deref(n))[key]
}

// seq returns the elements of a sequence node, or nil.
func seq(n *yaml.Node) []*yaml.Node {
	return yamlsrc.Seq(deref(n))
}

// keyPositions maps the keys of a mapping node to where each key is written.
func keyPositions(n *yaml.Node) map[string]Pos {
	out := map[string]Pos{}
	if n = deref(n); n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = yamlsrc.NodePos(n.Content[i])
	}
	return out
}

// locate records where n (an element, or an alias of one) and each of its
// keys and their values were read.
func (l *located) locate(n *yaml.Node) {
	if n == nil {
		return
	}
	l.Locate(deref(n))
	l.At = yamlsrc.NodePos(n)
	l.keyAt = keyPositions(n)
}

// attach records the file position of every element of f, walking the node
// tree in step with the decoded structure.
func attach(f *file, doc *yaml.Node) {
	f.pos.locate(doc)
	f.Pages.pos.locate(value(doc, "pages"))
	attachVocabulary(&f.Vocabulary, value(doc, "vocabulary"))
	for i, n := range seq(value(doc, "interviews")) {
		if i >= len(f.Interviews) {
			break
		}
		iv := &f.Interviews[i]
		iv.pos.locate(n)
		iv.Organisation.pos.locate(value(n, "organisation"))
		iv.Industry.pos.locate(value(n, "industry"))
		iv.Form.pos.locate(value(n, "form"))
		iv.Size.pos.locate(value(n, "size"))
		iv.Department.pos.locate(value(n, "department"))
		iv.Budget.pos.locate(value(n, "budget"))
		iv.Constituency.pos.locate(value(n, "constituency"))
		topics := value(n, "topics")
		iv.topicPos = keyPositions(topics)
		for id, t := range yamlsrc.Fields(deref(topics)) {
			answers := iv.Topics[id]
			for j, a := range seq(t) {
				if j < len(answers) {
					answers[j].pos.locate(a)
				}
			}
		}
	}
}

// attachVocabulary records the position of every code and topic of v.
func attachVocabulary(v *Vocabulary, n *yaml.Node) {
	v.pos.locate(n)
	codes := func(list []Code, n *yaml.Node) {
		for i, cn := range seq(n) {
			if i < len(list) {
				list[i].at = yamlsrc.NodePos(cn)
			}
		}
	}
	codes(v.Forms, value(n, "forms"))
	codes(v.Cadences, value(n, "cadences"))
	codes(v.Triggers, value(n, "triggers"))
	v.NotMentioned.at = yamlsrc.NodePos(value(n, "not_mentioned"))
	for i, tn := range seq(value(n, "topics")) {
		if i < len(v.Topics) {
			v.Topics[i].pos.locate(tn)
			codes(v.Topics[i].Codes, value(tn, "codes"))
		}
	}
}

// attribute names the team of each error that has no context, from the
// error's line: the last interview that starts at or before it.
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
		if e.Context != "" || e.Line == 0 {
			continue
		}
		team := ""
		for _, s := range starts {
			if s.line <= e.Line {
				team = s.team
			}
		}
		e.Context = teamContext(team)
	}
}
