package tmplexec

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
)

type inner struct {
	N    int
	S    string
	Any  any
	List []string
}

func (inner) Method() string { return "m" }

type data struct {
	Name  string
	Count int
	Ratio float64
	Ok    bool
	In    inner
	Ptr   *inner
	Items []inner
	Map   map[string]int
	Nil   any
}

var sample = data{
	Name: `Nguyễn <b>"A"</b> & 'B' + C`, Count: 3, Ratio: 1e21, Ok: true,
	In:    inner{N: 7, S: "x", Any: "y", List: []string{"a", "b"}},
	Ptr:   &inner{N: 9, S: "p"},
	Items: []inner{{N: 1, S: "one"}, {N: 2, S: "two"}, {N: 0, S: ""}},
	Map:   map[string]int{"b": 2, "a": 1},
}

var funcs = map[string]any{
	"up":  strings.ToUpper,
	"add": func(a, b int) int { return a + b },
}

var env = Env{Funcs: map[string]Func{
	"up": func(a []any) (any, error) {
		if len(a) == 1 {
			if s, ok := a[0].(string); ok {
				return strings.ToUpper(s), nil
			}
		}
		return nil, ErrFallback
	},
	"add": func(a []any) (any, error) {
		if len(a) == 2 {
			x, ok1 := a[0].(int)
			y, ok2 := a[1].(int)
			if ok1 && ok2 {
				return x + y, nil
			}
		}
		return nil, ErrFallback
	},
}}

// cases are run by text/template and by a compiled Program; fallback says
// whether the Program is expected to leave the case to text/template.
var cases = []struct {
	src      string
	fallback bool
}{
	{`{{.Name}} {{.Count}} {{.Ok}} {{.In.N}} {{.In.S}} {{.Ptr.S}} {{.In.Any}} {{.Nil}}`, false},
	{`{{.Ratio}} {{print .Ratio .Count "s" .Ok}} {{printf "%03d|%s|%v" .Count .Name .Ok}}`, false},
	{`{{range .Items}}[{{.N}}:{{.S}}]{{else}}none{{end}}{{range .In.List}}{{.}}{{end}}`, false},
	{`{{range $i, $e := .Items}}{{$i}}={{$e.S}},{{end}}{{range $e := .Items}}{{$e.N}}{{end}}`, false},
	{`{{$x := 1}}{{range $i, $e := .Items}}{{$x = $i}}{{end}}{{$x}}{{$y := .Name}}{{with .In}}{{$y}}{{.S}}{{$.Count}}{{end}}`, false},
	{`{{$v := 1}}{{if true}}{{$v := 2}}{{$v}}{{end}}{{$v}}{{with .Name}}{{$v := 3}}{{end}}{{$v}}{{range .Items}}{{$v := 4}}{{end}}{{$v}}{{range $i, $e := .Items}}{{$v = $i}}{{end}}{{$v}}{{template "u" $v}}`, false}, // scopes
	{`{{$v := 1}}{{range .Items}}{{$v}}{{$v := 4}}{{$v}}{{end}}{{template "w"}}{{$v}}`, false},
	{`{{if and .Ok .Count}}a{{end}}{{if or .Nil .Count}}b{{end}}{{if not .Nil}}c{{end}}{{and .Count .Name}}|{{or .Nil "" 0}}|{{.Count | and 1}}`, false},
	{`{{if eq .Count 1 2 3}}eq{{end}}{{if ne .Name "x"}}ne{{end}}{{if lt .Count 4}}lt{{end}}{{if ge .In.N 7}}ge{{end}}{{if gt .Ratio 1.5}}gt{{end}}{{if eq .Ok true}}t{{end}}`, false},
	{`{{len .Items}} {{len .Name}} {{len .Map}} {{(index .Items 1).N | print}} {{(index .Items 0).S}} {{up .Name}} {{add .Count 2}} {{.Name | up}}`, false},
	{`{{with .Nil}}x{{else with .In.S}}{{.}}{{end}}{{with .Items}}{{len .}}{{end}}{{template "t" .In}}{{template "t" .Ptr}}{{template "t"}}{{template "u"}}{{template "u" .Name}}{{block "b" .Count}}[{{.}}]{{end}}`, false},
	{`{{define "r"}}{{if .}}{{.}}{{template "r" (add . -1)}}{{end}}{{end}}{{template "r" .Count}}`, false},
	{`{{print 0x10 0x1P4 0x1e -0x1e 'a' 1e3 1_000 1.0 -2}} {{eq 0x1P4 16.0}} {{eq 0x10 16}} {{eq 'a' 97}}`, false}, // constants typed as text/template types them
	{`{{.In.Method}}`, true},             // a method of a type with no Member
	{`{{.Map.a}}`, true},                 // a map
	{`{{range .Map}}{{.}}{{end}}`, true}, // a map's sorted keys
	{`{{eq .Count 3.0}}`, true},          // mixed kinds
	{`{{add .Count 1.5}}`, true},         // a function given what it does not take
	{`{{index .Items 9}}`, true},         // out of range: text/template's error
	{`{{print .In}}`, true},              // a struct printed
}

const defs = `{{define "t"}}<{{if .}}{{.S}}{{end}}>{{end}}{{define "u"}}<{{.}}>{{end}}{{define "w"}}{{$v := 9}}{{end}}`

func lookupIn(t interface {
	Lookup(string) *texttemplate.Template
}) func(string) *parse.Tree {
	return func(name string) *parse.Tree {
		if x := t.Lookup(name); x != nil {
			return x.Tree
		}
		return nil
	}
}

// TestSameAsTextTemplate runs each case through text/template and through
// its compiled Program: the bytes are the same, or the Program falls back
// exactly where expected.
func TestSameAsTextTemplate(t *testing.T) {
	for _, c := range cases {
		tt := texttemplate.Must(texttemplate.New("x").Funcs(funcs).Parse(defs + c.src))
		var want bytes.Buffer
		werr := tt.Execute(&want, sample)
		p, err := Compile(lookupIn(tt), "x", env)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		var got bytes.Buffer
		gerr := p.Execute(&got, sample)
		switch {
		case c.fallback && !errors.Is(gerr, ErrFallback):
			t.Errorf("%s: ran (%q, %v) instead of falling back; text/template gave %q, %v", c.src, got.String(), gerr, want.String(), werr)
		case !c.fallback && gerr != nil:
			t.Errorf("%s: %v; text/template gave %q, %v", c.src, gerr, want.String(), werr)
		case !c.fallback && got.String() != want.String():
			t.Errorf("%s:\n got %q\nwant %q", c.src, got.String(), want.String())
		}
	}
}

// TestSameAsHTMLTemplate: the escaped trees of html/template, compiled, give
// its bytes in text, attributes, URLs and <title>.
func TestSameAsHTMLTemplate(t *testing.T) {
	src := `{{define "t"}}{{.}}{{end}}<title>{{template "t" .Name}}</title><p title="{{.Name}}">{{.Name}} {{.Count}} {{.Nil}}</p>` +
		`<a href="{{.In.S}}">{{range .Items}}<a href="/x/{{.S}}?q={{.S}}&n={{.N}}">{{template "t" .S}}</a>{{end}}` +
		`<a href="{{.Name}}">x</a><a href="javascript:{{.Name}}">`
	for _, name := range []string{`Nguyễn <b>"A"</b> & 'B' + C`, "javascript:alert(1)", "http://x.vn/a b?c=%41%zz", "a\x00b\xff", ""} {
		d := sample
		d.Name = name
		ht := htmltemplate.Must(htmltemplate.New("x").Funcs(funcs).Parse(src))
		var want bytes.Buffer
		if err := ht.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		escaped := escapedOf(t, ht)
		p, err := Compile(lookupIn(escaped), "x", env)
		if err != nil {
			t.Logf("%s", escaped.Lookup("x").Tree.Root)
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := p.Execute(&got, d); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if got.String() != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", name, got.String(), want.String())
		}
	}
}
