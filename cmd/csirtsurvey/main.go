// Command csirtsurvey builds the csirt-survey datasets and reports.
//
//	csirtsurvey build      rebuild processed/ and reports/ from schemas/ and raw/
//	csirtsurvey validate   check questionnaire files and report every problem
//
// Exit codes: 0 success, 1 internal failure (I/O and the like), 2 usage error,
// 3 invalid input (a questionnaire, table spec, transcription or raw data has
// errors; nothing was written), 4 reconciliation failure (computed tables
// differ from the published ones for a reason the audit does not explain;
// nothing was written).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitInvalid  = 3
	exitMismatch = 4
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := newRootCmd(stdout, stderr)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if perr := stopProfiling(); perr != nil && err == nil {
		err = perr
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, err)
	var usage *usageError
	var list questionnaire.ErrorList
	switch {
	case errors.As(err, &usage):
		return exitUsage
	case errors.Is(err, reconcile.ErrUnexplained):
		return exitMismatch
	case errors.As(err, &list), errors.Is(err, build.ErrInvalidInput):
		return exitInvalid
	default:
		return exitFailure
	}
}
