package tmplexec

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
)

// function compiles a call of function name: the caller's first, then
// text/template's builtins and html/template's escapers, as text/template
// looks them up.
func (c *compiler) function(name string, args []parse.Node) (cmdFn, error) {
	argv, err := c.args(args)
	if err != nil {
		return nil, err
	}
	f, ok := c.env.Funcs[name]
	if !ok {
		switch name {
		case "and", "or": // evaluated lazily: stop at the first false (and) or true (or) argument
			if len(argv) == 0 {
				return nil, fmt.Errorf("tmplexec: %s with no arguments", name)
			}
			and := name == "and"
			return func(s *state, dot any, final any, hasFinal bool) (any, error) {
				var v any
				for i, a := range argv {
					var err error
					if v, err = a(s, dot); err != nil {
						return nil, err
					}
					if i == len(argv)-1 && !hasFinal {
						return v, nil
					}
					t, err := isTrue(v)
					if err != nil {
						return nil, err
					}
					if t != and {
						return v, nil
					}
				}
				return final, nil
			}, nil
		}
		if f, ok = builtins[name]; !ok {
			if what, ok := escaperContexts[name]; ok {
				return nil, fmt.Errorf("tmplexec: %s not compiled", what)
			}
			return nil, fmt.Errorf("tmplexec: function %q not compiled", name)
		}
	}
	if e, ok := escapers[name]; ok && len(argv) == 0 {
		return func(s *state, dot any, final any, hasFinal bool) (any, error) {
			if !hasFinal {
				return nil, ErrFallback
			}
			if final == nil { // html/template's escapers skip a nil argument
				return "", nil
			}
			str, ok := plain(final)
			if !ok {
				return nil, ErrFallback
			}
			out := e(str)
			if _, isString := final.(string); isString && out == str {
				return final, nil // nothing escaped: the value as it came, not boxed again
			}
			return out, nil
		}, nil
	}
	return func(s *state, dot any, final any, hasFinal bool) (any, error) {
		vals, mark, err := s.evalArgs(dot, argv, final, hasFinal)
		if err != nil {
			return nil, err
		}
		v, err := f(vals)
		s.popArgs(mark)
		return v, err
	}, nil
}

var builtins map[string]Func

func init() {
	builtins = map[string]Func{
		"not": func(a []any) (any, error) {
			if len(a) != 1 {
				return nil, ErrFallback
			}
			t, err := isTrue(a[0])
			return !t, err
		},
		"len":    length,
		"index":  index,
		"eq":     equal,
		"ne":     func(a []any) (any, error) { return compare2(a, func(c int) bool { return c != 0 }, true) },
		"lt":     func(a []any) (any, error) { return compare2(a, func(c int) bool { return c < 0 }, false) },
		"le":     func(a []any) (any, error) { return compare2(a, func(c int) bool { return c <= 0 }, false) },
		"gt":     func(a []any) (any, error) { return compare2(a, func(c int) bool { return c > 0 }, false) },
		"ge":     func(a []any) (any, error) { return compare2(a, func(c int) bool { return c >= 0 }, false) },
		"print":  func(a []any) (any, error) { return sprint(a, fmt.Sprint) },
		"printf": printf,
	}
	for name, e := range escapers {
		builtins[name] = func(a []any) (any, error) {
			if len(a) != 1 {
				return nil, ErrFallback
			}
			if a[0] == nil {
				return "", nil
			}
			s, ok := plain(a[0])
			if !ok {
				return nil, ErrFallback
			}
			return e(s), nil
		}
	}
}

// basic reports whether v is of a type printed, compared and passed to fmt
// the same whoever holds it.
func basic(v any) bool {
	switch v.(type) {
	case nil, string, int, int64, bool, float64:
		return true
	}
	return false
}

// plain is v as text/template prints it, for the types whose form needs no
// fmt: ok=false for others (and for nil, which the escapers skip).
func plain(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return fmt.Sprint(x), true
	}
	return "", false
}

func (s *state) print(v any) error {
	switch x := v.(type) {
	case string:
		s.w.WriteString(x)
	case int:
		s.w.Write(strconv.AppendInt(s.w.AvailableBuffer(), int64(x), 10))
	case nil: // what text/template prints for a missing value
		s.w.WriteString("<no value>")
	default:
		str, ok := plain(v)
		if !ok {
			return ErrFallback
		}
		s.w.WriteString(str)
	}
	return nil
}

func sprint(a []any, f func(...any) string) (any, error) {
	for _, v := range a {
		if !basic(v) {
			return nil, ErrFallback
		}
	}
	return f(a...), nil
}

func printf(a []any) (any, error) {
	if len(a) == 0 {
		return nil, ErrFallback
	}
	format, ok := a[0].(string)
	if !ok {
		return nil, ErrFallback
	}
	for _, v := range a[1:] {
		if !basic(v) {
			return nil, ErrFallback
		}
	}
	return fmt.Sprintf(format, a[1:]...), nil
}

// isTrue is text/template's truth: false for nil, false, 0, "" and empty
// collections, true for other values.
func isTrue(v any) (bool, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		return x != "", nil
	case int:
		return x != 0, nil
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() > 0, nil
	case reflect.Bool:
		return r.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int() != 0, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return r.Uint() != 0, nil
	case reflect.Float32, reflect.Float64:
		return r.Float() != 0, nil
	case reflect.Complex64, reflect.Complex128:
		return r.Complex() != 0, nil
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !r.IsNil(), nil
	case reflect.Struct:
		return true, nil
	}
	return false, ErrFallback
}

func (s *state) elements(v any) (int, func(int) any, error) {
	if v == nil {
		return 0, nil, nil // text/template: an invalid value ranges over nothing
	}
	if s.env.Slice != nil {
		if n, at, ok := s.env.Slice(v); ok {
			return n, at, nil
		}
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Slice, reflect.Array:
		if e := r.Type().Elem(); e.Kind() == reflect.Interface && e.NumMethod() > 0 {
			return 0, nil, ErrFallback // a nil element would be read as a missing value (valueOf)
		}
		return r.Len(), func(i int) any { return r.Index(i).Interface() }, nil
	}
	return 0, nil, ErrFallback // maps (sorted keys), integers, channels, functions
}

func length(a []any) (any, error) {
	if len(a) != 1 || a[0] == nil {
		return nil, ErrFallback
	}
	if s, ok := a[0].(string); ok {
		return len(s), nil
	}
	r := reflect.ValueOf(a[0])
	switch r.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
		return r.Len(), nil
	}
	return nil, ErrFallback
}

// index is text/template's for one int index into a slice or array; maps,
// several indexes and indexes out of range are left to it.
func index(a []any) (any, error) {
	if len(a) != 2 || a[0] == nil {
		return nil, ErrFallback
	}
	i, ok := a[1].(int)
	if !ok {
		return nil, ErrFallback
	}
	r := reflect.ValueOf(a[0])
	switch r.Kind() {
	case reflect.Slice, reflect.Array:
		if i >= 0 && i < r.Len() {
			return valueOf(r.Index(i))
		}
	}
	return nil, ErrFallback
}

// cmp compares two values of one basic type; ok=false for other pairs,
// which text/template either compares by rules not copied here or refuses.
func cmp(a, b any) (c int, ok bool) {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			return compareOrdered(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case float64:
		if y, ok := b.(float64); ok && x == x && y == y {
			return compareOrdered(x, y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0, true
			}
			return 1, true // unequal; never ordered (eqOnly)
		}
	}
	return 0, false
}

func compareOrdered[T int | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// equal is eq: true when the first argument equals any of the others.
func equal(a []any) (any, error) {
	if len(a) < 2 {
		return nil, ErrFallback
	}
	for _, b := range a[1:] {
		c, ok := cmp(a[0], b)
		if !ok {
			return nil, ErrFallback
		}
		if c == 0 {
			return true, nil
		}
	}
	return false, nil
}

func compare2(a []any, want func(int) bool, eqOnly bool) (any, error) {
	if len(a) != 2 {
		return nil, ErrFallback
	}
	if _, isBool := a[0].(bool); isBool && !eqOnly {
		return nil, ErrFallback
	}
	c, ok := cmp(a[0], a[1])
	if !ok {
		return nil, ErrFallback
	}
	return want(c), nil
}

// structField reads exported field name of a struct (or pointer to one)
// that has no method of that name, as text/template does; other cases are
// left to it.
func structField(recv any, name string) (any, error) {
	r := reflect.ValueOf(recv)
	for r.Kind() == reflect.Pointer {
		if r.IsNil() {
			return nil, ErrFallback
		}
		r = r.Elem()
	}
	if r.Kind() != reflect.Struct {
		return nil, ErrFallback
	}
	idx := fieldIndex(r.Type(), name)
	if idx == nil {
		return nil, ErrFallback
	}
	f, err := r.FieldByIndexErr(idx)
	if err != nil {
		return nil, ErrFallback
	}
	return valueOf(f)
}

// valueOf is v as a plain interface, except a nil of an interface type with
// methods (a nil error): text/template keeps that one as an interface value
// (it prints "<nil>", not "<no value>"), which a plain nil cannot tell apart
// from a missing value.
func valueOf(v reflect.Value) (any, error) {
	if v.Kind() == reflect.Interface && v.NumMethod() > 0 && v.IsNil() {
		return nil, ErrFallback
	}
	return v.Interface(), nil
}

type fieldKey struct {
	t    reflect.Type
	name string
}

var fieldIndexes sync.Map // fieldKey -> []int (nil: not a plain field)

func fieldIndex(t reflect.Type, name string) []int {
	key := fieldKey{t, name}
	if idx, ok := fieldIndexes.Load(key); ok {
		return idx.([]int)
	}
	var idx []int
	if _, isMethod := reflect.PointerTo(t).MethodByName(name); !isMethod {
		if f, ok := t.FieldByName(name); ok && f.IsExported() {
			idx = f.Index
		}
	}
	fieldIndexes.Store(key, idx)
	return idx
}

// escaperContexts names where html/template puts the escapers not copied
// here, to say why a template does not compile.
var escaperContexts = map[string]string{
	"_html_template_jsvalescaper":     "a value in JavaScript",
	"_html_template_jsstrescaper":     "a value in a JavaScript string",
	"_html_template_jsregexpescaper":  "a value in a JavaScript regular expression",
	"_html_template_jstmpllitescaper": "a value in a JavaScript template literal",
	"_html_template_cssescaper":       "a value in CSS",
	"_html_template_cssvaluefilter":   "a value in CSS",
	"_html_template_nospaceescaper":   "a value in an attribute without quotes",
	"_html_template_srcsetescaper":    "a value in a srcset",
	"_html_template_commentescaper":   "a value in an HTML comment",
	"_html_template_htmlnamefilter":   "a value as an attribute's name",
}

// escapers are html/template's escapers of the contexts it puts plain text
// in, for a plain string (values of its content types are left to it).
var escapers = map[string]func(string) string{
	"_html_template_htmlescaper":   escapeHTML,
	"_html_template_attrescaper":   escapeHTML,
	"_html_template_rcdataescaper": escapeHTML,
	"_html_template_urlfilter":     urlFilter,
	"_html_template_urlnormalizer": func(s string) string { return processURL(s, true) },
	"_html_template_urlescaper":    func(s string) string { return processURL(s, false) },
}

// escapeHTML replaces what html/template's htmlReplacementTable does, NUL
// with U+FFFD; other bytes are kept as they are.
func escapeHTML(s string) string {
	i := strings.IndexAny(s, "\x00\"&'+<>")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case 0:
			b.WriteString("\uFFFD")
		case '"':
			b.WriteString("&#34;")
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// urlFilter is html/template's: a URL of another scheme than http, https or
// mailto becomes "#ZgotmplZ".
func urlFilter(s string) string {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// processURL is html/template's URL normalizer (norm) and escaper: it
// percent-encodes the bytes that are not unreserved (nor, normalizing,
// reserved or a valid escape already).
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
