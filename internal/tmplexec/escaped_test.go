package tmplexec

import (
	htmltemplate "html/template"
	"reflect"
	"testing"
	texttemplate "text/template"
	"unsafe"
)

// escapedOf returns the text/template under ht, escaped by a first run.
func escapedOf(t *testing.T, ht *htmltemplate.Template) *texttemplate.Template {
	t.Helper()
	f := reflect.ValueOf(ht).Elem().FieldByName("text")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*texttemplate.Template]() {
		t.Skip("html/template keeps its text/template otherwise now")
	}
	return *(**texttemplate.Template)(unsafe.Pointer(f.UnsafeAddr()))
}
