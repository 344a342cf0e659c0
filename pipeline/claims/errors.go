package claims

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors classify every problem Parse reports; test with errors.Is.
var (
	ErrSyntax          = errors.New("invalid YAML")
	ErrUnknownKey      = errors.New("unknown key")
	ErrMissing         = errors.New("missing value")
	ErrDuplicate       = errors.New("duplicate")
	ErrUnknownKind     = errors.New("unknown statistic kind")
	ErrUnknownRelation = errors.New("unknown relation")
	ErrInvalid         = errors.New("invalid value")
)

// errorKinds lists every sentinel, for tests that check an error is classified.
var errorKinds = []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrUnknownKind, ErrUnknownRelation, ErrInvalid}

// Error is one located problem in a claims file.
type Error struct {
	File   string
	Line   int
	Column int
	// Claim is the id of the claim the problem is in, if it has one.
	Claim string
	// Index is the 1-based position of that claim in the file (0 when the
	// problem is outside the claims list).
	Index int
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
	switch {
	case e.Claim != "":
		fmt.Fprintf(&b, "claim %s: ", e.Claim)
	case e.Index > 0:
		fmt.Fprintf(&b, "claim #%d: ", e.Index)
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

// pos is a position in the file (1-based line and column; 0 = unknown).
type pos struct{ line, col int }

// where names the claim a problem belongs to.
type where struct {
	id    string
	index int
}

// collector accumulates errors for one file.
type collector struct {
	file string
	errs ErrorList
}

func (c *collector) add(p pos, w where, kind error, format string, args ...any) {
	c.errs = append(c.errs, &Error{
		File: c.file, Line: p.line, Column: p.col, Claim: w.id, Index: w.index, Kind: kind,
		Msg: fmt.Sprintf(format, args...),
	})
}
