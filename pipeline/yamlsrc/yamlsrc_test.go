package yamlsrc

import (
	"errors"
	"strings"
	"testing"
)

type doc struct {
	Name  string `yaml:"name"`
	Items []struct {
		ID      string `yaml:"id"`
		Located `yaml:"-"`
	} `yaml:"items"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		kind     error
		line     int
		ok       bool // a document node is returned
	}{
		{"valid", "name: x\nitems:\n  - id: a\n", nil, 0, true},
		{"unknown key", "name: x\ncolour: red\n", ErrUnknownKey, 2, true},
		{"wrong type", "name: [1]\n", ErrInvalid, 1, false},
		{"syntax", "name: [x\n", ErrSyntax, 1, false},
		{"empty", "", ErrMissing, 0, false},
		{"not a mapping", "- a\n", ErrSyntax, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Collector{File: "f.yaml"}
			var d doc
			n := Decode(c, []byte(tc.in), &d)
			if (n != nil) != tc.ok {
				t.Errorf("document returned = %v, want %v", n != nil, tc.ok)
			}
			err := c.Err()
			if tc.kind == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				LocateEach(Fields(n)["items"], len(d.Items), func(i int) *Located { return &d.Items[i].Located })
				if p := d.Items[0].At; p.Line != 3 || p.Column != 5 {
					t.Errorf("item position = %+v, want 3:5", p)
				}
				if p := d.Items[0].KeyPos("id"); p.Line != 3 || p.Column != 9 {
					t.Errorf("id position = %+v, want 3:9", p)
				}
				return
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if got := c.Errs[0].Line; got != tc.line {
				t.Errorf("line = %d, want %d (%v)", got, tc.line, err)
			}
		})
	}
}

func TestDecodeFormat(t *testing.T) {
	f := Format{Keys: "name, items", Guide: "FORMAT.md", DuplicateKeys: true}
	tests := []struct {
		name, in string
		kind     error
		msg      string
		ok       bool
	}{
		{"not a mapping", "- a\n", ErrSyntax, "top level must be a mapping of keys (name, items)", false},
		{"unknown key", "name: x\ncolour: red\n", ErrUnknownKey, `unknown key "colour" (see FORMAT.md for the keys allowed here)`, true},
		{"duplicate key", "name: x\nname: y\n", ErrDuplicate, `key "name" is given twice`, false},
		{"wrong type", "name: [1]\n", ErrInvalid, "cannot unmarshal", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Collector{File: "f.yaml"}
			var d doc
			n, ok := DecodeFormat(c, []byte(tc.in), &d, f)
			if ok != tc.ok || (n == nil) != (tc.kind == ErrSyntax) {
				t.Errorf("DecodeFormat = %v, %v; want ok %v and a document unless the top level is not a mapping", n != nil, ok, tc.ok)
			}
			if len(c.Errs) != 1 || !errors.Is(c.Errs[0], tc.kind) || !strings.Contains(c.Errs[0].Msg, tc.msg) {
				t.Fatalf("errors = %v, want one %v containing %q", c.Err(), tc.kind, tc.msg)
			}
		})
	}
	// Without DuplicateKeys, a repeated key stays yaml's invalid value.
	c := &Collector{File: "f.yaml"}
	if n := Decode(c, []byte("name: x\nname: y\n"), new(doc)); n != nil || !errors.Is(c.Err(), ErrInvalid) || errors.Is(c.Err(), ErrDuplicate) {
		t.Errorf("Decode of a repeated key = %v, %v", n != nil, c.Err())
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{File: "a.yaml", Line: 3, Column: 7, Context: "table 2.8", Kind: ErrInvalid, Msg: "bad"}
	if got, want := e.Error(), "a.yaml:3:7: table 2.8: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "a.yaml", Kind: ErrMissing, Msg: "file is empty"}
	if got, want := e.Error(), "a.yaml: file is empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
