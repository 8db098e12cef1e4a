//go:build !unix

package store

import "os"

// Without flock the lock is not enforced.
func tryLock(f *os.File) (bool, error) { return true, nil }

func unlock(f *os.File) {}
