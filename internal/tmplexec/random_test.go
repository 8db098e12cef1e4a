package tmplexec

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"math/rand/v2"
	"strings"
	"testing"
	texttemplate "text/template"
)

// gen draws random templates over data's fields: actions, pipelines,
// variables, conditions, loops and template calls, of the kinds a message
// template holds and of some it should not.
type gen struct {
	r    *rand.Rand
	vars []string // variables in scope
	dots []string // what dot is: "data", "inner", "any"
}

func (g *gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

// value is an operand: a field of dot or of $, a variable, a constant, or a
// parenthesized call.
func (g *gen) value(depth int) string {
	dot := g.dots[len(g.dots)-1]
	choices := []string{`"x"`, `""`, "0", "3", "-2", "1.5", "true", "false"}
	switch dot {
	case "data":
		choices = append(choices, ".Name", ".Count", ".Ratio", ".Ok", ".In.N", ".In.S", ".In.Any", ".Ptr.S", ".Nil", ".Items", ".In.List", ".Map", ".In", ".Ptr")
	case "inner":
		choices = append(choices, ".N", ".S", ".Any", ".List", ".", ".Method")
	default:
		choices = append(choices, ".")
	}
	choices = append(choices, "$.Name", "$.Count", "$.Items", "$.In.S", "$.Nil")
	choices = append(choices, g.vars...)
	if depth < 2 && g.r.IntN(4) == 0 {
		return "(" + g.call(depth+1) + ")"
	}
	return choices[g.r.IntN(len(choices))]
}

// call is a command with arguments.
func (g *gen) call(depth int) string {
	switch g.r.IntN(12) {
	case 0:
		return "eq " + g.value(depth) + " " + g.value(depth)
	case 1:
		return g.pick("lt ", "le ", "gt ", "ge ", "ne ") + g.value(depth) + " " + g.value(depth)
	case 2:
		return g.pick("and ", "or ") + g.value(depth) + " " + g.value(depth)
	case 3:
		return "not " + g.value(depth)
	case 4:
		return "len " + g.value(depth)
	case 5:
		return "index " + g.value(depth) + " " + g.pick("0", "1", "5", "-1")
	case 6:
		return "print " + g.value(depth) + " " + g.value(depth)
	case 7:
		return `printf "%v-%d" ` + g.value(depth) + " " + g.value(depth)
	case 8:
		return "up " + g.value(depth)
	case 9:
		return "add " + g.value(depth) + " " + g.value(depth)
	}
	return g.value(depth)
}

// pipeline is a call, maybe piped into another.
func (g *gen) pipeline() string {
	p := g.call(0)
	if g.r.IntN(5) == 0 {
		p += " | " + g.pick("print", "up", "len", "not", `printf "<%v>"`, "and 1", "or 0")
	}
	return p
}

func (g *gen) list(depth int) string {
	var b strings.Builder
	for range 1 + g.r.IntN(4) {
		b.WriteString(g.node(depth))
	}
	return b.String()
}

func (g *gen) node(depth int) string {
	k := g.r.IntN(10)
	if depth > 3 {
		k = g.r.IntN(3)
	}
	switch k {
	case 0:
		return g.pick("a", " ", "<b>&'\"", "\n", "ễ")
	case 1, 2:
		return "{{" + g.pipeline() + "}}"
	case 3:
		if len(g.vars) > 0 && g.r.IntN(3) == 0 { // declared again: shadows the outer one to the end of this scope
			return "{{" + g.vars[g.r.IntN(len(g.vars))] + " := " + g.pipeline() + "}}"
		}
		v := fmt.Sprintf("$v%d", len(g.vars))
		s := "{{" + v + " := " + g.pipeline() + "}}"
		g.vars = append(g.vars, v)
		return s
	case 4:
		if len(g.vars) > 0 {
			return "{{" + g.vars[g.r.IntN(len(g.vars))] + " = " + g.pipeline() + "}}"
		}
		return "{{/* c */}}"
	case 5:
		mark := len(g.vars)
		s := "{{if " + g.pipeline() + "}}" + g.list(depth+1)
		g.vars = g.vars[:mark]
		if g.r.IntN(2) == 0 {
			s += "{{else if " + g.pipeline() + "}}" + g.list(depth+1)
			g.vars = g.vars[:mark]
		}
		if g.r.IntN(2) == 0 {
			s += "{{else}}" + g.list(depth+1)
			g.vars = g.vars[:mark]
		}
		return s + "{{end}}"
	case 6:
		mark := len(g.vars)
		s := "{{with " + g.pipeline() + "}}"
		g.dots = append(g.dots, "any")
		s += g.list(depth + 1)
		g.dots = g.dots[:len(g.dots)-1]
		g.vars = g.vars[:mark]
		if g.r.IntN(2) == 0 {
			s += "{{else}}" + g.list(depth+1)
			g.vars = g.vars[:mark]
		}
		return s + "{{end}}"
	case 7:
		mark := len(g.vars)
		over, elem := g.pick("$.Items", "$.In.List", "$.Map", "$.Nil", "$.Count", "$.Name"), "any"
		if over == "$.Items" {
			elem = "inner"
		}
		decl := ""
		switch g.r.IntN(3) {
		case 1:
			decl = fmt.Sprintf("$e%d := ", mark)
			g.vars = append(g.vars, fmt.Sprintf("$e%d", mark))
		case 2:
			decl = fmt.Sprintf("$i%d, $e%d := ", mark, mark)
			g.vars = append(g.vars, fmt.Sprintf("$i%d", mark), fmt.Sprintf("$e%d", mark))
		}
		s := "{{range " + decl + over + "}}"
		g.dots = append(g.dots, elem)
		s += g.list(depth + 1)
		g.dots = g.dots[:len(g.dots)-1]
		g.vars = g.vars[:mark]
		if g.r.IntN(3) == 0 {
			s += "{{else}}" + g.list(depth+1)
			g.vars = g.vars[:mark]
		}
		return s + "{{end}}"
	case 8:
		return `{{template "t" ` + g.value(0) + "}}"
	}
	return `{{template "u" .}}`
}

// TestRandomTemplates draws templates at random and runs each through
// text/template and through its compiled Program: wherever the Program does
// not fall back, it wrote what text/template wrote, and text/template did
// not fail.
func TestRandomTemplates(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var c counts
	for i := range 6000 {
		g := &gen{r: r, dots: []string{"data"}}
		src := `{{define "t"}}[{{if .}}{{print .}}{{end}}]{{end}}{{define "u"}}({{len .Items}}){{end}}` + g.list(0)
		tt, err := texttemplate.New("x").Funcs(funcs).Parse(src)
		if err != nil {
			continue // a variable out of scope and the like: not a template
		}
		var want bytes.Buffer
		werr := tt.Execute(&want, sample)
		p, err := Compile(lookupIn(tt), "x", env)
		if err != nil {
			continue
		}
		c.judge(t, fmt.Sprintf("template %d %q", i, src), p, sample, want.String(), werr)
	}
	c.report(t, 1200)
}

// counts tallies the random templates that ran compiled and those that fell
// back.
type counts struct{ ran, fell int }

// judge runs p on data: it falls back, or writes want where Go's own run
// (which gave want, werr) succeeded.
func (c *counts) judge(t *testing.T, what string, p *Program, data any, want string, werr error) {
	t.Helper()
	var got bytes.Buffer
	gerr := p.Execute(&got, data)
	switch {
	case errors.Is(gerr, ErrFallback):
		c.fell++
	case gerr != nil:
		t.Errorf("%s: %v", what, gerr)
	case werr != nil:
		t.Errorf("%s: compiled wrote %q where Go's template failed: %v", what, got.String(), werr)
	case got.String() != want:
		t.Errorf("%s:\n got %q\nwant %q", what, got.String(), want)
	default:
		c.ran++
	}
}

func (c *counts) report(t *testing.T, least int) {
	t.Helper()
	t.Logf("%d templates ran compiled, %d fell back", c.ran, c.fell)
	if c.ran < least {
		t.Errorf("only %d templates ran compiled", c.ran)
	}
}

// TestRandomHTMLTemplates: the same over html/template's escaped trees, with
// values in text, quoted attributes, URLs and <title>.
func TestRandomHTMLTemplates(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	var c counts
	names := []string{`Nguyễn <b>"A"</b> & 'B' + C`, "javascript:alert(1)", "http://x.vn/a b?c=%41%zz#f", "a\x00b\xff", ""}
	for i := range 1500 {
		g := &gen{r: r, dots: []string{"data"}}
		wrap := g.pick("%s", `<p title="%s">x</p>`, `<a href="%s">x</a>`, `<a href="/u?q=%s">x</a>`, `<title>%s</title>`, `<textarea>%s</textarea>`)
		src := `{{define "t"}}[{{if .}}{{print .}}{{end}}]{{end}}{{define "u"}}({{len .Items}}){{end}}` + fmt.Sprintf(wrap, g.list(1))
		ht, err := htmltemplate.New("x").Funcs(funcs).Parse(src)
		if err != nil {
			continue
		}
		d := sample
		d.Name = names[i%len(names)]
		var want bytes.Buffer
		werr := ht.Execute(&want, d)
		var escErr *htmltemplate.Error
		if errors.As(werr, &escErr) {
			continue // html/template refused the template itself
		}
		p, err := Compile(lookupIn(escapedOf(t, ht)), "x", env)
		if err != nil {
			continue
		}
		c.judge(t, fmt.Sprintf("template %d %q", i, src), p, d, want.String(), werr)
	}
	c.report(t, 300)
}
