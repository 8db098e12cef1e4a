package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to $TICKLER_CPUPROFILE, if set, until the
// returned function is called: how the benchmarks in bench/ find where time goes.
func startProfile() func() {
	path := os.Getenv("TICKLER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
