package plan

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/civil"
)

// A run's notices are spilled to a table and read back in recipient order
// (plan.go); this is how one is written there. The encoding is text, not
// bytes, because PostgreSQL's COPY carries text as it is but bytea doubled
// in hex. Every string is length-prefixed ("12:Nguyễn Văn A"), so nothing in
// it needs escaping; numbers end with ';'. Item.Fields keep their Go types
// through the trip (a template calls date on a civil.Date, num on a float64):
// each value carries a tag, and types beyond the common ones are registered
// by name with RegisterFieldType.
//
// The encoding also outlives the run: a message rendered at send keeps its
// notices in it (delivery_payloads, atsend.go), to be read by a later
// process, perhaps a later version. A change to it must come with a new
// payloadVersion, and the reading of the versions before it kept.

// noticeWriter appends the encoding of notices to b.
type noticeWriter struct {
	b []byte
	// seen numbers the long strings of the notice being written, in the
	// order written (repeatMin).
	seen map[string]int
}

// repeatMin is the length from which a string written again in the same
// notice is a back-reference to its first writing: "^2;" for the notice's
// third long string. An item's note is also its calendar events' (twice
// in a reappointment); the case text, the unit's name come back the same
// way. Payloads from version 2 on have them (payloadVersion).
const repeatMin = 24

func (w *noticeWriter) str(s string) {
	if len(s) >= repeatMin {
		if i, ok := w.seen[s]; ok {
			w.b = append(w.b, '^')
			w.b = strconv.AppendInt(w.b, int64(i), 10)
			w.b = append(w.b, ';')
			return
		}
		if w.seen == nil {
			w.seen = map[string]int{}
		}
		w.seen[s] = len(w.seen)
	}
	w.b = strconv.AppendInt(w.b, int64(len(s)), 10)
	w.b = append(w.b, ':')
	w.b = append(w.b, s...)
}

func (w *noticeWriter) int(n int64) {
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, ';')
}

func (w *noticeWriter) float(f float64) {
	w.b = strconv.AppendFloat(w.b, f, 'g', -1, 64)
	w.b = append(w.b, ';')
}

func (w *noticeWriter) bool(v bool) {
	if v {
		w.b = append(w.b, '1')
	} else {
		w.b = append(w.b, '0')
	}
}

// date writes a date as one number, yyyymmdd (0: no date).
func (w *noticeWriter) date(d civil.Date) {
	w.int(int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day))
}

func (w *noticeWriter) recipient(r notify.Recipient) {
	w.str(r.Name)
	w.str(r.Email)
	w.str(r.StaffCode)
}

// notice writes everything of n that the planner needs, with data standing
// for n.Data (an index into the run's table of them; 0: none).
func (w *noticeWriter) notice(n *notify.Notice, data int) error {
	clear(w.seen) // back-references stay within a notice
	w.recipient(n.To)
	w.int(int64(len(n.Cc)))
	for _, c := range n.Cc {
		w.recipient(c)
	}
	w.int(int64(data))
	return w.item(&n.Item)
}

func (w *noticeWriter) item(it *notify.Item) error {
	w.str(it.Kind)
	w.str(it.Key)
	w.str(it.Step)
	w.date(it.Since)
	w.str(it.StaffCode)
	w.str(it.StaffName)
	w.str(it.Unit)
	w.str(it.Ref)
	w.str(it.RefName)
	w.date(it.Date)
	w.int(int64(it.Days))
	w.str(it.Note)
	if it.Fields == nil {
		w.int(-1)
		return nil
	}
	w.int(int64(len(it.Fields)))
	for k, v := range it.Fields {
		w.str(k)
		if err := w.value(v); err != nil {
			return fmt.Errorf("item %s: field %q: %w", it.Key, k, err)
		}
	}
	return nil
}

// value writes a tagged value of Item.Fields.
func (w *noticeWriter) value(v any) error {
	switch x := v.(type) {
	case nil:
		w.b = append(w.b, 'n')
	case string:
		w.b = append(w.b, 's')
		w.str(x)
	case int:
		w.b = append(w.b, 'i')
		w.int(int64(x))
	case int64:
		w.b = append(w.b, 'l')
		w.int(x)
	case float64:
		w.b = append(w.b, 'f')
		w.float(x)
	case bool:
		w.b = append(w.b, 'b')
		w.bool(x)
	case civil.Date:
		w.b = append(w.b, 'd')
		w.date(x)
	case time.Time:
		w.b = append(w.b, 't')
		w.str(x.Format(time.RFC3339Nano))
	case []string:
		w.b = append(w.b, 'S')
		if x == nil {
			w.int(-1)
			break
		}
		w.int(int64(len(x)))
		for _, s := range x {
			w.str(s)
		}
	case []notify.Deadline:
		w.b = append(w.b, 'D')
		if x == nil {
			w.int(-1)
			break
		}
		w.int(int64(len(x)))
		for _, d := range x {
			w.str(d.Key)
			w.date(d.Date)
			w.str(d.Title)
			w.str(d.Note)
		}
	default:
		rv := reflect.ValueOf(v)
		name, ok := notify.FieldTypeName(rv.Type())
		if !ok {
			return fmt.Errorf("%T is not a registered field type (notify.RegisterFieldType)", v)
		}
		w.b = append(w.b, 'r')
		w.str(name)
		return w.reflect(rv)
	}
	return nil
}

var timeType = reflect.TypeOf(time.Time{})

// reflect writes a value of a registered type: its fields and elements in
// order, each by its kind.
func (w *noticeWriter) reflect(v reflect.Value) error {
	if v.Type() == timeType {
		w.str(v.Interface().(time.Time).Format(time.RFC3339Nano))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		w.str(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.int(int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		w.float(v.Float())
	case reflect.Bool:
		w.bool(v.Bool())
	case reflect.Slice:
		if v.IsNil() {
			w.int(-1)
			return nil
		}
		fallthrough
	case reflect.Array:
		w.int(int64(v.Len()))
		for i := range v.Len() {
			if err := w.reflect(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("%s: map keys must be strings", v.Type())
		}
		if v.IsNil() {
			w.int(-1)
			return nil
		}
		w.int(int64(v.Len()))
		for it := v.MapRange(); it.Next(); {
			w.str(it.Key().String())
			if err := w.reflect(it.Value()); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				return fmt.Errorf("%s: unexported field %s", t, t.Field(i).Name)
			}
			if err := w.reflect(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			w.bool(false)
			return nil
		}
		w.bool(true)
		return w.reflect(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			w.b = append(w.b, 'n')
			return nil
		}
		return w.value(v.Elem().Interface())
	default:
		return fmt.Errorf("%s cannot be kept in a field", v.Type())
	}
	return nil
}

// noticeReader reads what noticeWriter wrote. Strings are slices of s, not
// copies. The first error sticks; reads after it return zero values.
type noticeReader struct {
	s   string
	err error
	// long holds the long strings of the notice being read, in order:
	// what back-references name (repeatMin).
	long []string
}

var errCorrupt = errors.New("corrupt spilled notice")

func (r *noticeReader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.s = ""
}

// number reads digits (and a sign) up to the terminator end.
func (r *noticeReader) number(end byte) int64 {
	i := 0
	for i < len(r.s) && r.s[i] != end {
		i++
	}
	if i == len(r.s) {
		r.fail()
		return 0
	}
	n, err := strconv.ParseInt(r.s[:i], 10, 64)
	if err != nil {
		r.fail()
		return 0
	}
	r.s = r.s[i+1:]
	return n
}

func (r *noticeReader) str() string {
	if len(r.s) > 0 && r.s[0] == '^' {
		r.s = r.s[1:]
		i := r.number(';')
		if i < 0 || i >= int64(len(r.long)) {
			r.fail()
			return ""
		}
		return r.long[i]
	}
	n := r.number(':')
	if n < 0 || int64(len(r.s)) < n {
		r.fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	if len(s) >= repeatMin {
		r.long = append(r.long, s)
	}
	return s
}

func (r *noticeReader) int() int64 { return r.number(';') }

func (r *noticeReader) float() float64 {
	i := 0
	for i < len(r.s) && r.s[i] != ';' {
		i++
	}
	if i == len(r.s) {
		r.fail()
		return 0
	}
	f, err := strconv.ParseFloat(r.s[:i], 64)
	if err != nil {
		r.fail()
	}
	r.s = r.s[i+1:]
	return f
}

func (r *noticeReader) byte() byte {
	if len(r.s) == 0 {
		r.fail()
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

func (r *noticeReader) bool() bool { return r.byte() == '1' }

func (r *noticeReader) date() civil.Date {
	n := r.int()
	if n == 0 {
		return civil.Date{}
	}
	return civil.Date{Year: int(n / 10000), Month: time.Month(n / 100 % 100), Day: int(n % 100)}
}

func (r *noticeReader) recipient() notify.Recipient {
	return notify.Recipient{Name: r.str(), Email: r.str(), StaffCode: r.str()}
}

// notice reads a notice; data is its index into the run's Data table.
func (r *noticeReader) notice() (n notify.Notice, data int, err error) {
	r.long = r.long[:0] // back-references stay within a notice
	n.To = r.recipient()
	if c := r.int(); c > int64(len(r.s)) {
		r.fail()
	} else if c > 0 {
		n.Cc = make([]notify.Recipient, c)
		for i := range n.Cc {
			n.Cc[i] = r.recipient()
		}
	}
	data = int(r.int())
	n.Item = r.item()
	return n, data, r.err
}

func (r *noticeReader) item() notify.Item {
	it := notify.Item{Kind: r.str(), Key: r.str(), Step: r.str(), Since: r.date(), StaffCode: r.str(), StaffName: r.str(),
		Unit: r.str(), Ref: r.str(), RefName: r.str(), Date: r.date(), Days: int(r.int()), Note: r.str()}
	n := r.int()
	if n < 0 || r.err != nil {
		return it
	}
	if n > int64(len(r.s)) { // every field takes a byte at least
		r.fail()
		return it
	}
	it.Fields = make(map[string]any, n)
	for range n {
		k := r.str()
		it.Fields[k] = r.value()
		if r.err != nil {
			break
		}
	}
	return it
}

func (r *noticeReader) value() any {
	switch r.byte() {
	case 'n':
		return nil
	case 's':
		return r.str()
	case 'i':
		return int(r.int())
	case 'l':
		return r.int()
	case 'f':
		return r.float()
	case 'b':
		return r.bool()
	case 'd':
		return r.date()
	case 't':
		t, err := time.Parse(time.RFC3339Nano, r.str())
		if err != nil {
			r.fail()
		}
		return t
	case 'S':
		n := r.int()
		if n < 0 {
			return []string(nil)
		}
		out := make([]string, 0, min(n, int64(len(r.s))))
		for range n {
			if out = append(out, r.str()); r.err != nil {
				return nil
			}
		}
		return out
	case 'D':
		n := r.int()
		if n < 0 {
			return []notify.Deadline(nil)
		}
		out := make([]notify.Deadline, 0, min(n, int64(len(r.s))))
		for range n {
			if out = append(out, notify.Deadline{Key: r.str(), Date: r.date(), Title: r.str(), Note: r.str()}); r.err != nil {
				return nil
			}
		}
		return out
	case 'r':
		name := r.str()
		t, ok := notify.FieldType(name)
		if !ok {
			r.fail()
			return nil
		}
		v := reflect.New(t).Elem()
		r.reflect(v)
		return v.Interface()
	}
	r.fail()
	return nil
}

func (r *noticeReader) reflect(v reflect.Value) {
	if r.err != nil {
		return
	}
	if v.Type() == timeType {
		t, err := time.Parse(time.RFC3339Nano, r.str())
		if err != nil {
			r.fail()
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(r.str())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(r.int()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(r.float())
	case reflect.Bool:
		v.SetBool(r.bool())
	case reflect.Slice:
		n := r.int()
		if n < 0 {
			return // nil
		}
		if n > int64(len(r.s)) { // every element takes a byte at least
			r.fail()
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), int(n), int(n)))
		for i := range int(n) {
			if r.reflect(v.Index(i)); r.err != nil {
				return
			}
		}
	case reflect.Array:
		if n := r.int(); int(n) != v.Len() {
			r.fail()
			return
		}
		for i := range v.Len() {
			r.reflect(v.Index(i))
		}
	case reflect.Map:
		n := r.int()
		if n < 0 {
			return
		}
		if n > int64(len(r.s)) { // every entry takes a byte at least
			r.fail()
			return
		}
		v.Set(reflect.MakeMapWithSize(v.Type(), int(n)))
		for range n {
			k := reflect.ValueOf(r.str()).Convert(v.Type().Key())
			e := reflect.New(v.Type().Elem()).Elem()
			r.reflect(e)
			if r.err != nil {
				return
			}
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			r.reflect(v.Field(i))
		}
	case reflect.Pointer:
		if r.bool() {
			e := reflect.New(v.Type().Elem())
			r.reflect(e.Elem())
			v.Set(e)
		}
	case reflect.Interface:
		if x := r.value(); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		r.fail()
	}
}
