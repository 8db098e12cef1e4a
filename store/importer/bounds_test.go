package importer_test

import (
	"reflect"
	"testing"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// Bad input gets one line naming the file, row and column and what is wrong,
// and the import writes nothing: addresses by the rule of package mailaddr.
func TestImportBounds(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"address without a dot in the domain", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,lan@example\n"},
			`units.csv:2: email: "lan@example" is not an email address: no dot in the domain`},
		{"quoted local part", map[string]string{"staff.csv": "code,full_name,unit_code,email\nS9,Võ Văn Chín,P1,\"\"\"lan x\"\"@example.vn\"\n"},
			`staff.csv:2: email: "\"lan x\"@example.vn" is not an email address: quoted local part not accepted`},
		{"markup in an address", map[string]string{"staff.csv": "code,full_name,unit_code,email\nS9,Võ Văn Chín,P1,\"\"\"<script>alert(1)</script>\"\"@example.vn\"\n"},
			`staff.csv:2: email: "\"<script>alert(1)</script>\"@example.vn" is not an email address: quoted local part not accepted`},
		{"a name with the address", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,Phòng mới <p3@example.vn>\n"},
			`units.csv:2: email: "Phòng mới <p3@example.vn>" is not an email address: a name or <…> around the address: give the bare address`},
		{"a one-letter top-level domain", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,p3@example.v\n"},
			`units.csv:2: email: "p3@example.v" is not an email address: top-level domain "v" is not two or more letters`},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/agency")
		before := counts(t, st)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Chdir(t.TempDir())
				writeFiles(t, ".", tc.files)
				if got := importError(t, st, "."); got != tc.want {
					if len(got) > 2000 {
						got = got[:2000] + "…"
					}
					t.Errorf("error:\n%s\nwant:\n%s", got, tc.want)
				}
			})
		}
		if after := counts(t, st); !reflect.DeepEqual(after, before) {
			t.Errorf("failed imports changed the database: %v, was %v", after, before)
		}
	})
}
