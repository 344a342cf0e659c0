package claims

import (
	"errors"
	"fmt"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Sentinel errors classify every problem Parse reports; test with errors.Is.
var (
	ErrSyntax          = yamlsrc.ErrSyntax
	ErrUnknownKey      = yamlsrc.ErrUnknownKey
	ErrMissing         = yamlsrc.ErrMissing
	ErrDuplicate       = yamlsrc.ErrDuplicate
	ErrUnknownKind     = errors.New("unknown statistic kind")
	ErrUnknownRelation = errors.New("unknown relation")
	ErrInvalid         = yamlsrc.ErrInvalid
)

// errorKinds lists every sentinel, for tests that check an error is classified.
var errorKinds = []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrUnknownKind, ErrUnknownRelation, ErrInvalid}

// Error is one located problem in a claims file; its Context names the claim
// the problem is in, by id ("claim p27-advise") or, for a claim without one,
// by its 1-based position in the file ("claim #3").
type Error = yamlsrc.Error

// ErrorList is every problem found in one file, in file order.
type ErrorList = yamlsrc.ErrorList

// Pos is a position in a claims file.
type Pos = yamlsrc.Pos

// claimContext is the context of an error in the claim with the given id and
// 1-based position; index 0 is outside the claims list.
func claimContext(id string, index int) string {
	switch {
	case id != "":
		return "claim " + id
	case index > 0:
		return fmt.Sprintf("claim #%d", index)
	}
	return ""
}
