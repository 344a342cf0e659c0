package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/schollz/progressbar/v3"
)

// newLogger returns the structured logger for stderr: text for people, JSON
// for log collectors.
func newLogger(w io.Writer, format string, verbose, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	switch {
	case verbose:
		level = slog.LevelDebug
	case quiet:
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgress returns a callback that shows respondents read on an
// interactive terminal, or nil (in CI, cron, pipes, or with --quiet).
func newProgress(w io.Writer, quiet bool) func(year int, rows int64) {
	if quiet || !isTerminal(w) {
		return nil
	}
	bars := map[int]*progressbar.ProgressBar{}
	return func(year int, rows int64) {
		bar := bars[year]
		if bar == nil {
			bar = progressbar.NewOptions64(-1,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(fmt.Sprintf("%d: reading responses", year)),
				progressbar.OptionShowCount(),
				progressbar.OptionSpinnerType(14),
				progressbar.OptionClearOnFinish(),
			)
			bars[year] = bar
		}
		bar.Set64(rows)
	}
}
