package interviews

import (
	"errors"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Sentinel errors classify every problem Parse reports; test with errors.Is.
var (
	ErrSyntax      = yamlsrc.ErrSyntax
	ErrUnknownKey  = yamlsrc.ErrUnknownKey
	ErrMissing     = yamlsrc.ErrMissing
	ErrDuplicate   = yamlsrc.ErrDuplicate
	ErrUnknownCode = errors.New("unknown code")
	ErrInvalid     = yamlsrc.ErrInvalid
)

// Kinds lists every sentinel error, for tests and tools that classify errors.
var Kinds = []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrUnknownCode, ErrInvalid}

// Error is one located problem in an interviews file; its Context names the
// team of the interview the problem is in ("team ASY-CSIRT"), if any.
type Error = yamlsrc.Error

// ErrorList is every problem found in one file, in the order found.
type ErrorList = yamlsrc.ErrorList

// Pos is a position in an interviews file (1-based line and column; 0 when
// unknown).
type Pos = yamlsrc.Pos

// collector adds the team context to yamlsrc's collector.
type collector struct{ yamlsrc.Collector }

func (c *collector) add(p Pos, team string, kind error, format string, args ...any) {
	c.Add(p, teamContext(team), kind, format, args...)
}

// addCtx records a problem with a context that is not a team
// ("vocabulary topic exercises").
func (c *collector) addCtx(p Pos, context string, kind error, format string, args ...any) {
	c.Add(p, context, kind, format, args...)
}

// teamContext is the context of an error in the interview of team.
func teamContext(team string) string {
	if team == "" {
		return ""
	}
	return "team " + team
}
