package notify

import (
	"fmt"
	"reflect"
	"sync"
)

// fieldTypes are the registered types of Item.Fields values.
var fieldTypes = struct {
	sync.RWMutex
	byName map[string]reflect.Type
	byType map[reflect.Type]string
}{byName: map[string]reflect.Type{}, byType: map[reflect.Type]string{}}

// RegisterFieldType lets values of sample's type travel in Item.Fields (a
// job's own struct, or a slice of them). Strings, int, int64, float64,
// booleans, civil.Date, time.Time (its instant and offset), []string and
// []Deadline need no registration. Name must be unique and stable within a
// build; a job registers its types in init.
func RegisterFieldType(name string, sample any) {
	t := reflect.TypeOf(sample)
	fieldTypes.Lock()
	defer fieldTypes.Unlock()
	if old, ok := fieldTypes.byName[name]; ok && old != t {
		panic(fmt.Sprintf("notify: field type name %q registered twice", name))
	}
	fieldTypes.byName[name] = t
	fieldTypes.byType[t] = name
}

// FieldType returns the type registered under name.
func FieldType(name string) (reflect.Type, bool) {
	fieldTypes.RLock()
	defer fieldTypes.RUnlock()
	t, ok := fieldTypes.byName[name]
	return t, ok
}

// FieldTypeName returns the name t is registered under.
func FieldTypeName(t reflect.Type) (string, bool) {
	fieldTypes.RLock()
	defer fieldTypes.RUnlock()
	n, ok := fieldTypes.byType[t]
	return n, ok
}
