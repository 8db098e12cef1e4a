package tmplexec

import (
	"bytes"
	"fmt"
	"testing"
	texttemplate "text/template"
)

// nilInterfaces holds nil values of interface types with methods.
// text/template keeps such a value as an interface (evalPipeline only unwraps
// empty interfaces): it prints "<nil>" and cannot be ranged over.
type nilInterfaces struct {
	Err  error
	Str  fmt.Stringer
	Errs []error
	Arr  [1]error
}

// TestNilOfAnInterfaceWithMethods: a nil error or Stringer is not a missing
// value: the compiled program writes what text/template writes, or falls
// back (found by review: it printed "<no value>" and ranged over nothing).
func TestNilOfAnInterfaceWithMethods(t *testing.T) {
	d := nilInterfaces{Errs: []error{nil}}
	for _, src := range []string{
		`{{.Err}}`,                                    // struct field (structField)
		`{{.Str}}`,                                    // any non-empty interface, not only error
		`{{index .Errs 0}}`,                           // index
		`{{range .Errs}}{{.}}{{end}}`,                 // range element (elements)
		`{{range .Arr}}{{.}}{{end}}`,                  // array element
		`{{$x := .Err}}{{$x}}`,                        // through a variable
		`{{or 0 .Err}}`,                               // returned by or
		`{{template "u" .Err}}`,                       // dot of a called template
		`{{with .Err}}x{{else}}{{.Err}}{{end}}`,       // with
		`{{range .Err}}x{{else}}empty{{end}}`,         // text/template fails: range can't iterate over <nil>
		`{{$x := 1}}{{range $x = .Err}}{{end}}{{$x}}`, // the same, with =
	} {
		tt := texttemplate.Must(texttemplate.New("x").Funcs(funcs).Parse(defs + src))
		var want bytes.Buffer
		werr := tt.Execute(&want, d)
		p, err := Compile(lookupIn(tt), "x", env)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		var got bytes.Buffer
		if gerr := p.Execute(&got, d); gerr != nil {
			continue // left to text/template: fine
		}
		if werr != nil {
			t.Errorf("%s: compiled wrote %q where text/template failed: %v", src, got.String(), werr)
		} else if got.String() != want.String() {
			t.Errorf("%s:\n got %q\nwant %q", src, got.String(), want.String())
		}
	}
}
