//go:build unix

package config

import (
	"io/fs"
	"syscall"
)

// othersMayRead reports whether a secret file is open to others than its
// owner: any group or world access, except a root-owned file its group may
// read (0640: root:tickler, as the systemd setup installs them).
func othersMayRead(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	if !fi.Mode().IsRegular() || perm&0o077 == 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || st.Uid != 0 || perm&0o037 != 0
}
