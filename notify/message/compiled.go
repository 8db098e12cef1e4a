package message

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"io"
	"reflect"
	"slices"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unsafe"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/tmplexec"
	"github.com/tickler-dev/tickler/notify"
)

// compiled is a template file's parts compiled for tmplexec, which runs them
// without text/template's reflection; a nil part (one that does not compile)
// is always run by its template. A compiled part that meets a case it does
// not handle exactly as text/template does is run again by its template, so
// the bytes out are the templates' in every case.
type compiled struct {
	subject, text, html *tmplexec.Program
	// why says, for each part that did not compile, what stopped it.
	why []string
}

// compile compiles the parts of a template file. The HTML part is compiled
// from html/template's escaped trees, which it makes by running the part once:
// an HTML part that html/template cannot escape (it would refuse every
// message) is an error.
func compile(lang string, tt *texttemplate.Template, ht *htmltemplate.Template) (compiled, error) {
	env := compiledEnv(lang)
	var c compiled
	lookup := func(t *texttemplate.Template) func(string) *parse.Tree {
		return func(name string) *parse.Tree {
			if x := t.Lookup(name); x != nil {
				return x.Tree
			}
			return nil
		}
	}
	part := func(name string, t *texttemplate.Template) *tmplexec.Program {
		if t == nil {
			c.why = append(c.why, name+": html/template did not escape it")
			return nil
		}
		p, err := tmplexec.Compile(lookup(t), name, env)
		if err != nil {
			c.why = append(c.why, name+": "+strings.TrimPrefix(err.Error(), "tmplexec: "))
		}
		return p
	}
	escaped, err := escapedText(ht)
	if err != nil {
		return c, err
	}
	c.subject = part("subject", tt)
	c.text = part("text", tt)
	c.html = part("html", escaped)
	return c, nil
}

// Uncompiled lists the parts of the templates that always run through
// text/template or html/template (about half as fast), with why: "vi/
// course-reminders html: a value in JavaScript not compiled". The embedded
// templates have none.
func (t *Templates) Uncompiled() []string {
	var out []string
	for key, c := range t.fast {
		for _, why := range c.why {
			out = append(out, key+" "+why)
		}
	}
	slices.Sort(out)
	return out
}

// escapedText returns the text/template that html/template keeps under ht,
// once it has escaped the "html" part and the templates it calls (those
// called in another context are derived copies, found only there); nil if it
// cannot be reached, and html/template's error if it cannot escape them.
func escapedText(ht *htmltemplate.Template) (*texttemplate.Template, error) {
	err := ht.ExecuteTemplate(io.Discard, "html", &View{})
	var escErr *htmltemplate.Error
	if errors.As(err, &escErr) {
		return nil, err
	}
	if h := ht.Lookup("html"); h == nil || h.Tree == nil {
		return nil, nil
	}
	f := reflect.ValueOf(ht).Elem().FieldByName("text")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*texttemplate.Template]() {
		return nil, nil // html/template changed: the HTML part is run by it
	}
	return *(**texttemplate.Template)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// run runs part p of a message into w, and the template's own run (slow)
// when p is nil or leaves the case to it.
func (t *Templates) run(p *tmplexec.Program, w *bytes.Buffer, v *View, slow func() error) error {
	if p != nil {
		if p.Execute(w, v) == nil {
			return nil
		}
		w.Reset()
		t.fallbacks.Add(1)
	}
	return slow()
}

// Fallbacks is how many message parts the compiled templates left to
// text/template or html/template since they were loaded.
func (t *Templates) Fallbacks() int64 { return t.fallbacks.Load() }

// Interpreted returns the same templates run by text/template and
// html/template alone, to compare the compiled ones with.
func (t *Templates) Interpreted() *Templates {
	return &Templates{text: t.text, html: t.html, custom: t.custom, fast: map[string]compiled{}}
}

func compiledEnv(lang string) tmplexec.Env {
	funcs := map[string]tmplexec.Func{}
	for name, f := range commonFuncs(lang) {
		g := wrapFunc(f)
		if g == nil {
			// Not adapted here: it still hides a builtin of its name, as it
			// does in the templates, and leaves each call to them.
			g = func([]any) (any, error) { return nil, tmplexec.ErrFallback }
		}
		funcs[name] = g
	}
	members := map[string]tmplexec.Member{}
	for _, name := range memberNames {
		members[name] = func(recv any, args []any) (any, bool, error) { return memberOf(recv, name, args) }
	}
	return tmplexec.Env{Funcs: funcs, Members: members, Slice: itemSlice}
}

// itemSlice ranges over a list of items: each element is a pointer to an
// item, read as the item itself by every function and member here.
func itemSlice(v any) (int, func(int) any, bool) {
	switch items := v.(type) {
	case []notify.Item:
		return len(items), func(i int) any { return &items[i] }, true
	case List:
		return len(items), func(i int) any { return items[i] }, true
	}
	return 0, nil, false
}

var memberNames = []string{
	// View
	"Lang", "Job", "Date", "To", "Items", "Data", "Office", "ListLimit", "ListURL", "ListUntil", "IDDomain",
	"Of", "Has", "First", "Shown", "Capped", "Calendar", "Mine", "Others", "Answerable",
	// notify.Item
	"Kind", "Key", "Step", "Since", "StaffCode", "StaffName", "Unit", "Ref", "RefName", "Days", "Note", "Fields",
	// notify.Recipient
	"Name", "Email",
	// civil.Date
	"Year", "Month", "Day", "IsZero",
}

// memberOf reads a field, or calls a method, of the types a message template
// sees; handled=false for other types and names.
func memberOf(recv any, name string, args []any) (any, bool, error) {
	switch r := recv.(type) {
	case *View:
		return viewMember(r, name, args)
	case *notify.Item:
		return itemMember(r, name, args)
	case notify.Item:
		return itemMember(&r, name, args)
	case notify.Recipient:
		if len(args) > 0 {
			return nil, false, nil
		}
		switch name {
		case "Name":
			return r.Name, true, nil
		case "Email":
			return r.Email, true, nil
		case "StaffCode":
			return r.StaffCode, true, nil
		}
	case civil.Date:
		if len(args) > 0 {
			return nil, false, nil
		}
		switch name {
		case "Year":
			return r.Year, true, nil
		case "Month":
			return r.Month, true, nil
		case "Day":
			return r.Day, true, nil
		case "IsZero":
			return r.IsZero(), true, nil
		}
	}
	return nil, false, nil
}

func viewMember(v *View, name string, args []any) (any, bool, error) {
	if len(args) == 0 {
		switch name {
		case "Lang":
			return v.Lang, true, nil
		case "Job":
			return v.Job, true, nil
		case "Date":
			return v.Date, true, nil
		case "To":
			if v.to == nil {
				v.to = v.To
			}
			return v.to, true, nil
		case "Items":
			return v.Items, true, nil
		case "Data":
			return v.Data, true, nil
		case "Office":
			if v.office == nil {
				v.office = v.Office
			}
			return v.office, true, nil
		case "ListLimit":
			return v.ListLimit, true, nil
		case "ListURL":
			return v.ListURL, true, nil
		case "ListUntil":
			return v.ListUntil, true, nil
		case "IDDomain":
			return v.IDDomain, true, nil
		case "Capped":
			return v.Capped(), true, nil
		case "Calendar":
			return v.Calendar(), true, nil
		case "Answerable":
			return v.Answerable(), true, nil
		}
	}
	switch name {
	case "Of", "Has", "First", "Mine", "Others":
		kinds := make([]string, len(args))
		for i, a := range args {
			s, ok := a.(string)
			if !ok {
				return nil, false, tmplexec.ErrFallback
			}
			kinds[i] = s
		}
		switch name {
		case "Of":
			return v.Of(kinds...), true, nil
		case "Has":
			return v.Has(kinds...), true, nil
		case "First":
			return v.First(kinds...), true, nil
		case "Mine":
			return v.Mine(kinds...), true, nil
		}
		return v.Others(kinds...), true, nil
	case "Shown":
		if len(args) == 1 {
			if isList(args[0]) {
				l, err := v.Shown(args[0])
				return l, true, err
			}
		}
	}
	return nil, false, nil
}

func itemMember(it *notify.Item, name string, args []any) (any, bool, error) {
	if len(args) > 0 {
		return nil, false, nil
	}
	switch name {
	case "Kind":
		return it.Kind, true, nil
	case "Key":
		return it.Key, true, nil
	case "Step":
		return it.Step, true, nil
	case "Since":
		return it.Since, true, nil
	case "StaffCode":
		return it.StaffCode, true, nil
	case "StaffName":
		return it.StaffName, true, nil
	case "Unit":
		return it.Unit, true, nil
	case "Ref":
		return it.Ref, true, nil
	case "RefName":
		return it.RefName, true, nil
	case "Date":
		return it.Date, true, nil
	case "Days":
		return it.Days, true, nil
	case "Note":
		return it.Note, true, nil
	case "Fields":
		return it.Fields, true, nil
	}
	return nil, false, nil
}

// wrapFunc adapts a template function of commonFuncs to tmplexec, taking
// exactly the argument types text/template would pass it (an item also by
// pointer, as itemSlice gives it); nil for a signature not known here.
func wrapFunc(f any) tmplexec.Func {
	switch f := f.(type) {
	case func(civil.Date) string:
		return one(f, exact[civil.Date])
	case func(string) string:
		return one(f, exact[string])
	case func(int) int:
		return one(f, exact[int])
	case func(float64) string:
		return one(f, exact[float64])
	case func(string, string) string:
		return two(f, exact[string], exact[string])
	case func(notify.Item, string) any:
		return two(f, asItem, exact[string])
	case func(notify.Item, string) string:
		return two(f, asItem, exact[string])
	case func(any, string) (List, error):
		return listFunc(f)
	case func(any, string) (string, error):
		return listFunc(f)
	}
	return nil
}

// one and two call f when each argument converts; otherwise the call is
// left to text/template.
func one[A, R any](f func(A) R, ca func(any) (A, bool)) tmplexec.Func {
	return func(a []any) (any, error) {
		if len(a) == 1 {
			if x, ok := ca(a[0]); ok {
				return f(x), nil
			}
		}
		return nil, tmplexec.ErrFallback
	}
}

func two[A, B, R any](f func(A, B) R, ca func(any) (A, bool), cb func(any) (B, bool)) tmplexec.Func {
	return func(a []any) (any, error) {
		if len(a) == 2 {
			x, ok1 := ca(a[0])
			y, ok2 := cb(a[1])
			if ok1 && ok2 {
				return f(x, y), nil
			}
		}
		return nil, tmplexec.ErrFallback
	}
}

// listFunc calls f, a function of a list of items and a string, when its
// list is one (listOf); otherwise the call is left to text/template.
func listFunc[R any](f func(any, string) (R, error)) tmplexec.Func {
	return func(a []any) (any, error) {
		if len(a) == 2 {
			k, ok := a[1].(string)
			if ok && isList(a[0]) {
				return f(a[0], k)
			}
		}
		return nil, tmplexec.ErrFallback
	}
}

// exact takes a value of type T itself, as text/template's assignability
// does for the types here.
func exact[T any](v any) (T, bool) {
	t, ok := v.(T)
	return t, ok
}

func asItem(v any) (notify.Item, bool) {
	switch it := v.(type) {
	case notify.Item:
		return it, true
	case *notify.Item:
		return *it, true
	}
	return notify.Item{}, false
}
