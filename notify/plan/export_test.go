package plan

// SetLongNotices sets longNotices for a test, and returns what puts it back.
func SetLongNotices(n int) (restore func()) {
	old := longNotices
	longNotices = n
	return func() { longNotices = old }
}
