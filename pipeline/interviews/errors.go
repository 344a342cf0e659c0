package interviews

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors classify every problem Parse reports; test with errors.Is.
var (
	ErrSyntax      = errors.New("invalid YAML")
	ErrUnknownKey  = errors.New("unknown key")
	ErrMissing     = errors.New("missing value")
	ErrDuplicate   = errors.New("duplicate")
	ErrUnknownCode = errors.New("unknown code")
	ErrInvalid     = errors.New("invalid value")
)

// Kinds lists every sentinel error, for tests and tools that classify errors.
var Kinds = []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrUnknownCode, ErrInvalid}

// Pos is a position in an interviews file (1-based line and column; 0 when
// unknown).
type Pos struct {
	Line, Column int
}

// Error is one located problem in an interviews file.
type Error struct {
	File   string
	Line   int
	Column int
	// Team is the team of the interview the problem is in, if any.
	Team string
	// Kind is one of the sentinel errors above.
	Kind error
	Msg  string
}

// Error formats the problem as "file:line:col: team T: message".
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
	if e.Team != "" {
		fmt.Fprintf(&b, "team %s: ", e.Team)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the error's kind so that errors.Is(err, ErrDuplicate) works.
func (e *Error) Unwrap() error { return e.Kind }

// ErrorList is every problem found in one file, in the order found.
type ErrorList []*Error

// Error joins the messages, one per line.
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

// collector accumulates the errors of one file.
type collector struct {
	file string
	errs ErrorList
}

func (c *collector) add(p Pos, team string, kind error, format string, args ...any) {
	c.errs = append(c.errs, &Error{
		File: c.file, Line: p.Line, Column: p.Column, Team: team, Kind: kind,
		Msg: fmt.Sprintf(format, args...),
	})
}
