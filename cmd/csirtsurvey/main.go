// Command csirtsurvey builds the csirt-survey datasets and reports.
//
//	csirtsurvey build      rebuild processed/ and reports/ from schemas/ and raw/
//	csirtsurvey validate   check questionnaire files and report every problem
//
// Exit codes: 0 success, 1 internal failure (I/O and the like), 2 usage error,
// 3 invalid input (a questionnaire, table spec, transcription or raw data has
// errors; nothing was written), 4 reconciliation failure (computed tables
// differ from the published ones for a reason the audit does not explain;
// nothing was written), 130 interrupted (SIGINT or SIGTERM: the command
// stopped at its next batch or stage and replaced nothing; a second signal
// kills it at once).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

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
	// exitInterrupted is the shell's 128 + SIGINT.
	exitInterrupted = 130
)

// exitMeaning says what an exit code means, for the summary line.
var exitMeaning = map[int]string{
	exitOK: "success", exitFailure: "internal error", exitUsage: "usage error",
	exitInvalid: "invalid input", exitMismatch: "reconciliation failure",
	exitInterrupted: "interrupted",
}

func main() {
	// The first SIGINT or SIGTERM cancels the context: the command stops at
	// its next batch or stage, replaces nothing and exits 130. After it the
	// default handling is back, so a second signal kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }()
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context that interrupts the command when
// cancelled.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCmd(stdout, stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if perr := stopProfiling(); perr != nil && err == nil {
		err = perr
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, err)
	return exitCode(err)
}

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	var usage *usageError
	var list questionnaire.ErrorList
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage), strings.HasPrefix(err.Error(), "unknown command "):
		// cobra reports an unknown subcommand with this plain error.
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, reconcile.ErrUnexplained):
		return exitMismatch
	case errors.As(err, &list), errors.Is(err, build.ErrInvalidInput):
		return exitInvalid
	default:
		return exitFailure
	}
}
