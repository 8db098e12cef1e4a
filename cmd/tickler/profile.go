package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to $TICKLER_CPUPROFILE, if set, until the
// returned function is called, and then the allocations to
// $TICKLER_MEMPROFILE: how the benchmarks in bench/ find where time and
// memory go.
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
		if mem := os.Getenv("TICKLER_MEMPROFILE"); mem != "" {
			if m, err := os.Create(mem); err == nil {
				pprof.Lookup("allocs").WriteTo(m, 0)
				m.Close()
			}
		}
	}
}
