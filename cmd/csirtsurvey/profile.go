package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfileFlags adds the hidden --cpuprofile and --memprofile flags to
// root: they write pprof profiles of any command, for `go tool pprof`
// (BENCHMARKS.md says how they were used).
func addProfileFlags(root *cobra.Command) {
	var cpu, mem string
	var cpuFile *os.File
	f := root.PersistentFlags()
	f.StringVar(&cpu, "cpuprofile", "", "write a CPU profile to this file")
	f.StringVar(&mem, "memprofile", "", "write a heap profile (after the command) to this file")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cpu == "" {
			return nil
		}
		var err error
		if cpuFile, err = os.Create(cpu); err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
		return pprof.StartCPUProfile(cpuFile)
	}
	stopProfiling = func() error { return stopProfiles(cpuFile, mem) }
}

// stopProfiling ends the profiles after the command, whether it failed or
// not (the benchmark build on synthetic data ends in exit 4).
var stopProfiling = func() error { return nil }

func stopProfiles(cpuFile *os.File, mem string) error {
	if cpuFile != nil {
		pprof.StopCPUProfile()
		if err := cpuFile.Close(); err != nil {
			return fmt.Errorf("cpuprofile: %w", err)
		}
	}
	if mem == "" {
		return nil
	}
	f, err := os.Create(mem)
	if err != nil {
		return fmt.Errorf("memprofile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memprofile: %w", err)
	}
	return f.Close()
}
