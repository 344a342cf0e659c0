package ingest

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Mapping maps the column names and values of a raw file that does not follow
// the contract onto it (raw/<year>/mapping.yaml):
//
//	columns:              # raw column name: contract column name
//	  組織ID: respondent_id
//	  Q1-1: kind
//	values:               # contract column: {raw value: contract value}
//	  kind:
//	    甲: a
//	  sources__a:
//	    ○: "1"
//
// Column names are matched after trimming spaces. Values are matched on the
// trimmed raw cell; for a multi item's list column each ;-separated element is
// mapped. Unmapped values are validated as they are.
type Mapping struct {
	File    string                       `yaml:"-"`
	Columns map[string]string            `yaml:"columns"`
	Values  map[string]map[string]string `yaml:"values"`
}

// LoadMapping reads and checks a mapping file strictly: unknown keys, empty
// names, and two raw columns mapped onto the same contract column are errors,
// reported with file and line as a yamlsrc.ErrorList.
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return ParseMapping(path, data)
}

// ParseMapping is LoadMapping for a mapping held in memory; file names the
// source in error messages.
func ParseMapping(file string, data []byte) (*Mapping, error) {
	c := &yamlsrc.Collector{File: file}
	m := &Mapping{File: file}
	doc := yamlsrc.Decode(c, data, m)
	if doc != nil {
		top := yamlsrc.Fields(doc)
		if top["columns"] == nil && top["values"] == nil {
			c.Add(yamlsrc.NodePos(doc), "", yamlsrc.ErrMissing, "a mapping needs columns: or values:")
		}
		targets := map[string]yamlsrc.Pos{}
		eachPair(top["columns"], func(k, v *yaml.Node) {
			raw, to := strings.TrimSpace(k.Value), strings.TrimSpace(v.Value)
			switch {
			case raw == "":
				c.Add(yamlsrc.NodePos(k), "columns", yamlsrc.ErrMissing, "empty raw column name")
			case to == "":
				c.Add(yamlsrc.NodePos(v), "columns", yamlsrc.ErrMissing, "raw column %q is mapped to an empty name", raw)
			case v.Kind != yaml.ScalarNode:
				c.Add(yamlsrc.NodePos(v), "columns", yamlsrc.ErrInvalid, "raw column %q must map to a column name", raw)
			default:
				if first, dup := targets[to]; dup {
					c.Add(yamlsrc.NodePos(v), "columns", yamlsrc.ErrDuplicate,
						"raw column %q is mapped to %q, which line %d already maps to", raw, to, first.Line)
				} else {
					targets[to] = yamlsrc.NodePos(v)
				}
			}
		})
		eachPair(top["values"], func(k, v *yaml.Node) {
			col := strings.TrimSpace(k.Value)
			if col == "" {
				c.Add(yamlsrc.NodePos(k), "values", yamlsrc.ErrMissing, "empty column name")
			}
			eachPair(v, func(rk, rv *yaml.Node) {
				if strings.TrimSpace(rv.Value) == "" {
					c.Add(yamlsrc.NodePos(rv), "values "+col, yamlsrc.ErrMissing, "raw value %q is mapped to an empty value", rk.Value)
				}
			})
		})
		// Normalise: names are matched trimmed.
		cols := make(map[string]string, len(m.Columns))
		for k, v := range m.Columns {
			cols[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		m.Columns = cols
		vals := make(map[string]map[string]string, len(m.Values))
		for k, v := range m.Values {
			vm := make(map[string]string, len(v))
			for rk, rv := range v {
				vm[strings.TrimSpace(rk)] = strings.TrimSpace(rv)
			}
			vals[strings.TrimSpace(k)] = vm
		}
		m.Values = vals
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

func eachPair(n *yaml.Node, f func(k, v *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		f(n.Content[i], n.Content[i+1])
	}
}

// column returns the contract name of a raw column.
func (m *Mapping) column(raw string) string {
	if m != nil {
		if to, ok := m.Columns[raw]; ok {
			return to
		}
	}
	return raw
}

// value maps a trimmed raw value of a contract column.
func (m *Mapping) value(col, raw string) string {
	if m != nil {
		if vm := m.Values[col]; vm != nil {
			if to, ok := vm[raw]; ok {
				return to
			}
		}
	}
	return raw
}
