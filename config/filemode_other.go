//go:build !unix

package config

import "io/fs"

// othersMayRead: file modes do not say who may read a file here.
func othersMayRead(fs.FileInfo) bool { return false }
