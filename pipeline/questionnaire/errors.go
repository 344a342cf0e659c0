package questionnaire

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors classify every problem Load reports; test with errors.Is.
var (
	ErrSyntax       = errors.New("invalid YAML")
	ErrUnknownKey   = errors.New("unknown key")
	ErrMissing      = errors.New("missing value")
	ErrDuplicate    = errors.New("duplicate")
	ErrUnknownType  = errors.New("unknown type")
	ErrUndefinedSet = errors.New("undefined option set")
	ErrUnknownRef   = errors.New("unknown reference")
	ErrInvalid      = errors.New("invalid value")
)

// Error is one located problem in a questionnaire file.
type Error struct {
	File   string
	Line   int
	Column int
	// Item is the printed number (or id) of the item the problem is in, if any.
	Item string
	// Kind is one of the sentinel errors above.
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
	if e.Item != "" {
		fmt.Fprintf(&b, "item %s: ", e.Item)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error's kind so that errors.Is(err, ErrDuplicate) works.
func (e *Error) Unwrap() error { return e.Kind }

// ErrorList is every problem found in one file, in file order.
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

// collector accumulates errors for one file.
type collector struct {
	file string
	errs ErrorList
}

func (c *collector) add(p Pos, item string, kind error, format string, args ...any) {
	c.errs = append(c.errs, &Error{
		File: c.file, Line: p.Line, Column: p.Column, Item: item, Kind: kind,
		Msg: fmt.Sprintf(format, args...),
	})
}
