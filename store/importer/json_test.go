package importer

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tickler-dev/tickler/civil"
)

// appendJSON writes what encoding/json reads back as the same values.
func TestAppendJSON(t *testing.T) {
	row := []any{nil, "Nguyễn \"Văn\" A\\B\n\t\x01", civil.MustParse("0999-03-04"), civil.Date{}, 40.5, 1e21, int64(-12), true, []any{"x"}}
	b := appendJSON(nil, row)
	var got []any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	want := []any{nil, "Nguyễn \"Văn\" A\\B\n\t\x01", "0999-03-04", nil, 40.5, 1e21, -12.0, true, []any{"x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %#v\nwant %#v", got, want)
	}
}
