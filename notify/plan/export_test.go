package plan

// SetLongNotices sets longNotices for a test, and returns what puts it back.
func SetLongNotices(n int) (restore func()) {
	old := longNotices
	longNotices = n
	return func() { longNotices = old }
}

// SetItemHash sets the hash by which a group finds the items it has taken,
// and returns what puts it back.
func SetItemHash(h func(key, step string) uint64) (restore func()) {
	old := itemHash
	itemHash = h
	return func() { itemHash = old }
}
