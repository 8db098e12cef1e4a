package config

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder walks a yaml.Node tree and a Go value side by side. yaml.v3's own
// Decode stops at the first unknown key and reports lines only for some
// errors; walking the nodes ourselves gives every error a file:line and a key
// path, rejects unknown keys also inside `yaml:",inline"` structs, and expands
// ${VAR} in every scalar before it is converted.
type decoder struct {
	file   string
	lookup func(string) (string, bool) // os.LookupEnv in production

	lines map[string]int    // key path -> line of the key (or list item)
	raws  map[string]string // key path -> the scalar as written, when it held ${VAR}
	bad   map[string]bool   // key paths that already have an error
	errs  Errors
}

func newDecoder(file string, lookup func(string) (string, bool)) *decoder {
	return &decoder{
		file:   file,
		lookup: lookup,
		lines:  map[string]int{},
		raws:   map[string]string{},
		bad:    map[string]bool{},
	}
}

// errorAt records a problem at a line; the first problem of a key wins, so a
// value that failed to decode is not reported again by validation.
func (d *decoder) errorAt(line int, path, format string, args ...any) {
	if path != "" && d.bad[path] {
		return
	}
	d.bad[path] = true
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: path, Msg: fmt.Sprintf(format, args...)})
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping of keys"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode sets v from n. A null value (`key:` or `key: ~`) leaves v as it is,
// which is its default.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if isNull(n) {
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.errorAt(n.Line, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.String:
		if s, ok := d.scalar(n, path); ok {
			v.SetString(s)
		}
	case reflect.Int, reflect.Int64:
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			d.errorAt(n.Line, path, "%s is not a whole number", d.show(path, s))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.errorAt(n.Line, path, "%s is not a number", d.show(path, s))
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.errorAt(n.Line, path, "%s is not true or false", d.show(path, s))
		}
	default:
		// A field type this decoder does not know is a bug in this package.
		panic(fmt.Sprintf("config: cannot decode %s into %s", path, v.Type()))
	}
}

// scalar returns the text of a single value with ${VAR} expanded.
func (d *decoder) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorAt(n.Line, path, "expected a single value, got %s", kindName(n))
		return "", false
	}
	s, err := expandEnv(n.Value, d.lookup)
	if err != nil {
		d.errorAt(n.Line, path, "%v", err)
		return "", false
	}
	if s != n.Value {
		d.raws[path] = n.Value
	}
	return s, true
}

// show quotes a value for an error message: the text as written in the file
// when it came from ${VAR}, so that a value from the environment is never
// echoed.
func (d *decoder) show(path, value string) string {
	if raw, ok := d.raws[path]; ok {
		return strconv.Quote(raw)
	}
	return strconv.Quote(value)
}

// field is one YAML key of a struct, with its index (through inline structs).
type field struct {
	name  string
	index []int
}

// fieldsOf lists the YAML keys of a struct type in declaration order, with the
// keys of `yaml:",inline"` embedded structs in place.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "inline" {
			for _, in := range fieldsOf(f.Type) {
				in.index = append([]int{i}, in.index...)
				out = append(out, in)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name: name, index: []int{i}})
	}
	return out
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorAt(n.Line, path, "expected a mapping of keys, got %s", kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	byName := make(map[string]field, len(fields))
	known := make([]string, len(fields))
	for i, f := range fields {
		byName[f.name] = f
		known[i] = f.name
	}
	// Merge keys (<<: *anchor) first, so that the keys written here override them.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Tag == "!!merge" {
			d.decodeMerge(n.Content[i+1], v, path)
		}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorAt(k.Line, path, "a key must be a single value, got %s", kindName(k))
			continue
		}
		p := joinPath(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.errorAt(k.Line, p, "duplicate key (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		f, ok := byName[k.Value]
		if !ok {
			what := "unknown key"
			if path == "jobs" {
				what = "unknown job"
			}
			d.errorAt(k.Line, p, "%s (known: %s)", what, strings.Join(known, ", "))
			continue
		}
		d.lines[p] = k.Line
		d.decode(val, v.FieldByIndex(f.index), p)
	}
}

// decodeMerge applies `<<: *anchor` or `<<: [*a, *b]`; in a list, earlier
// mappings win, so they are applied last.
func (d *decoder) decodeMerge(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.SequenceNode {
		for i := len(n.Content) - 1; i >= 0; i-- {
			d.decodeMerge(n.Content[i], v, path)
		}
		return
	}
	d.decodeStruct(n, v, path)
}

// decodeMap decodes a mapping into a map with string keys, adding to (and
// replacing entries of) the default map.
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.errorAt(n.Line, path, "expected a mapping of keys, got %s", kindName(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			d.errorAt(k.Line, path, "a key must be a name, got %s", kindName(k))
			continue
		}
		p := joinPath(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.errorAt(k.Line, p, "duplicate key (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		d.lines[p] = k.Line
		key := reflect.ValueOf(k.Value)
		elem := reflect.New(v.Type().Elem()).Elem()
		if old := v.MapIndex(key); old.IsValid() {
			elem.Set(old)
		}
		d.decode(val, elem, p)
		v.SetMapIndex(key, elem)
	}
}

// decodeSlice replaces the slice (and so the default list) with the items.
func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.errorAt(n.Line, path, "expected a list (like [a, b]), got %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.lines[p] = item.Line
		if isNull(item) {
			d.errorAt(item.Line, p, "empty list entry")
			continue
		}
		d.decode(item, s.Index(i), p)
	}
	v.Set(s)
}

// expandEnv replaces each ${NAME} with the environment variable NAME. An
// unset variable is an error that names it; "$${" writes a literal "${". A
// "$" not followed by "{" is kept as is, so a literal password with "$" in it
// survives. Errors never contain a value.
func expandEnv(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' { // $${ is a literal ${
			b.WriteString(s[:i])
			b.WriteString("{")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed ${ (write $${ for a literal ${)")
		}
		name := s[i+2 : i+end]
		if !isEnvName(name) {
			// The text is not echoed: it may be part of a literal password.
			return "", fmt.Errorf("a ${...} reference must hold an environment variable name (letters, digits, _); write $${ for a literal ${")
		}
		val, ok := lookup(name)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		b.WriteString(val)
		s = s[i+end+1:]
	}
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
