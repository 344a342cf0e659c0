package questionnaire

import (
	"errors"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Sentinel errors classify every problem Load reports; test with errors.Is.
var (
	ErrSyntax       = yamlsrc.ErrSyntax
	ErrUnknownKey   = yamlsrc.ErrUnknownKey
	ErrMissing      = yamlsrc.ErrMissing
	ErrDuplicate    = yamlsrc.ErrDuplicate
	ErrInvalid      = yamlsrc.ErrInvalid
	ErrUnknownType  = errors.New("unknown type")
	ErrUndefinedSet = errors.New("undefined option set")
	ErrUnknownRef   = errors.New("unknown reference")
)

// Error is one located problem in a questionnaire file; its Context names the
// item ("item 2.4.1") when the problem is inside one.
type Error = yamlsrc.Error

// ErrorList is every problem found in one file.
type ErrorList = yamlsrc.ErrorList

// Pos is a position in a questionnaire file.
type Pos = yamlsrc.Pos

// collector adds the item context to yamlsrc's collector.
type collector struct{ yamlsrc.Collector }

func (c *collector) add(p Pos, item string, kind error, format string, args ...any) {
	ctx := ""
	if item != "" {
		ctx = "item " + item
	}
	c.Add(p, ctx, kind, format, args...)
}
