package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCatalog guards the catalog: every key in every language, the same
// format verbs in each language of a key, every key used somewhere in the
// repository, and every key the code names in the catalog.
func TestCatalog(t *testing.T) {
	keys := catalogKeys()

	t.Run("every key in every language", func(t *testing.T) {
		for lang := range catalog {
			if !slices.Contains(Languages, lang) {
				t.Errorf("language %q is not one of %v", lang, Languages)
			}
		}
		for _, k := range keys {
			area, name, ok := strings.Cut(k, ".")
			if !ok || area == "" || name == "" {
				t.Errorf("%q is not area.name", k)
			}
			for _, lang := range Languages {
				if s, ok := catalog[lang][k]; !ok || s == "" {
					t.Errorf("%s has no %s text", k, lang)
				}
			}
		}
	})

	t.Run("the same verbs in every language", func(t *testing.T) {
		for _, k := range keys {
			want, err := verbs(catalog[Fallback][k])
			if err != nil {
				t.Errorf("%s (%s): %v", k, Fallback, err)
				continue
			}
			for _, lang := range Languages {
				got, err := verbs(catalog[lang][k])
				switch {
				case err != nil:
					t.Errorf("%s (%s): %v", k, lang, err)
				case got != want:
					t.Errorf("%s: %s has the verbs %s, %s has %s", k, lang, got, Fallback, want)
				}
			}
		}
	})

	src := sources(t)

	t.Run("every key used", func(t *testing.T) {
		for _, k := range keys {
			if !used(src, k) {
				t.Errorf("%s is used nowhere: remove it, or see used for the ways a key is named", k)
			}
		}
	})

	t.Run("every key named is in the catalog", func(t *testing.T) {
		for _, f := range src {
			for _, m := range named(f) {
				if _, ok := catalog[Fallback][m]; !ok {
					t.Errorf("%s names %s, which the catalog has not", f.path, m)
				}
			}
		}
	})
}

// catalogKeys are the keys of every language, sorted.
func catalogKeys() []string {
	var keys []string
	for _, texts := range catalog {
		for k := range texts {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// verbs lists the arguments a format string reads, by position: "1:s 2:d"
// (flags, width and precision may differ between languages: "%02d" and
// "%d" are the same verb).
func verbs(s string) (string, error) {
	read := map[int][]byte{}
	arg := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		for i < len(s) && strings.IndexByte("+-# 0", s[i]) >= 0 {
			i++
		}
		for i < len(s) && (s[i] == '[' || s[i] == '.' || s[i] == '*' || s[i] >= '0' && s[i] <= '9') {
			switch s[i] {
			case '*':
				return "", errString("a * width or precision")
			case '[':
				j := strings.IndexByte(s[i:], ']')
				if j < 0 {
					return "", errString("an unclosed [")
				}
				n := 0
				for _, c := range s[i+1 : i+j] {
					if c < '0' || c > '9' {
						return "", errString("a bad argument index")
					}
					n = n*10 + int(c-'0')
				}
				arg = n - 1
				i += j
			}
			i++
		}
		if i == len(s) {
			return "", errString("a % at the end")
		}
		if s[i] == '%' {
			continue
		}
		read[arg] = append(read[arg], s[i])
		arg++
	}
	var out []string
	for n := range len(s) + 1 {
		if v, ok := read[n]; ok {
			out = append(out, strconv.Itoa(n+1)+":"+string(v))
		}
	}
	return strings.Join(out, " "), nil
}

type errString string

func (e errString) Error() string { return string(e) }

// file is a source file of the repository: Go (not a test) or a template.
type file struct {
	path string // slash-separated, from the repository's root
	area string // the top directory: the catalog's area of the same name
	text string
	tmpl bool // in a templates directory
}

// sources reads the repository's Go files (not tests, not this package's
// catalog files, which define the keys) and templates (anything in a
// directory named templates).
func sources(t *testing.T) []file {
	t.Helper()
	var out []file
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
		if d.IsDir() {
			if name := d.Name(); p != ".." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		tmpl := strings.Contains("/"+rel, "/templates/")
		goFile := strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		if !tmpl && !goFile || strings.HasPrefix(rel, "i18n/") && rel != "i18n/i18n.go" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		area, _, _ := strings.Cut(rel, "/")
		out = append(out, file{path: rel, area: area, text: string(b), tmpl: tmpl})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("read %d files from the repository: not its root?", len(out))
	}
	return out
}

// used reports whether a file names key area.name in one of three ways:
//
//   - whole and quoted: "digest.workforce" (Go: T, say ...; templates: t, tf);
//   - as .L.name in a template of the area's own directory: the status page
//     and the answer page read their area as a map (Area);
//   - built from a quoted prefix ending in _ or :, followed by the value:
//     "digest.case_"+c, (print "answers.choice_" .Answer), and in the area's
//     own templates (print "overlap_" .Overlap), (printf "s:%s" .StateText).
//     Every key of such a family counts as used.
func used(src []file, key string) bool {
	area, name, _ := strings.Cut(key, ".")
	lName := regexp.MustCompile(`\.L\.` + regexp.QuoteMeta(name) + `\b`)
	var prefixes []string
	for i := len(area) + 1; i < len(key)-1; i++ {
		if key[i] == '_' || key[i] == ':' {
			prefixes = append(prefixes, key[:i+1])
		}
	}
	for _, f := range src {
		own := f.tmpl && f.area == area
		if strings.Contains(f.text, `"`+key+`"`) || own && lName.MatchString(f.text) {
			return true
		}
		for _, p := range prefixes {
			if strings.Contains(f.text, `"`+p+`"`) || strings.Contains(f.text, `"`+p+`%s"`) {
				return true
			}
			if bare := strings.TrimPrefix(p, area+"."); own && (strings.Contains(f.text, `"`+bare+`"`) || strings.Contains(f.text, `"`+bare+`%s"`)) {
				return true
			}
		}
	}
	return false
}

// Where the code names a key whole: a call to T, Lookup or a package's
// wrapper (say) with a quoted key, a method t or tf with a quoted key (the
// digest's writers: w.t("digest.total")), t or tf in a template, .L.name in
// an area's template.
var (
	goCall  = regexp.MustCompile(`\b(?:(?:i18n\.T|T|i18n\.Lookup|say)\([^,()]+, |\w+\.tf?\()"([a-z]+\.[A-Za-z0-9_:]+)"[,)]`)
	tmplFn  = regexp.MustCompile(`[({]tf? "([a-z]+\.[A-Za-z0-9_:]+)"`)
	tmplMap = regexp.MustCompile(`\.L\.([A-Za-z0-9_]+)\b`)
)

// named lists the keys f names whole.
func named(f file) []string {
	var out []string
	re := goCall
	if f.tmpl {
		re = tmplFn
	}
	for _, m := range re.FindAllStringSubmatch(f.text, -1) {
		out = append(out, m[1])
	}
	if f.tmpl && Area(Fallback, f.area) != nil {
		for _, m := range tmplMap.FindAllStringSubmatch(f.text, -1) {
			out = append(out, f.area+"."+m[1])
		}
	}
	return out
}

func TestT(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"vi", "jobs.pl_left", []any{"01/02/2026"}, "đã thôi công tác tại cơ quan từ ngày 01/02/2026, đề nghị đưa ra khỏi quy hoạch"},
		{"en", "jobs.pl_left", []any{"2026-02-01"}, "no longer on staff since 2026-02-01: remove from the planning"},
		// A language the catalog has not: English.
		{"fr", "status.never", nil, "none"},
		// No arguments: the text as written, a %% and all.
		{"vi", "jobs.share_note", nil, catalog[VI]["jobs.share_note"]},
		// A key the catalog has not shows itself.
		{"vi", "status.no_such_key", nil, "status.no_such_key"},
	} {
		if got := T(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("T(%s, %s) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	if _, ok := Lookup("vi", "jobs.who_person"); ok {
		t.Error("Lookup found a key the catalog has not")
	}
}

func TestArea(t *testing.T) {
	if got := Area("vi", "status")["never"]; got != "không có" {
		t.Errorf(`Area("vi", "status")["never"] = %q`, got)
	}
	if got := Area("fr", "web")["title"]; got != "Tell the office" {
		t.Errorf(`Area("fr", "web")["title"] = %q, want English`, got)
	}
	for _, lang := range Languages {
		n := 0
		for k := range catalog[lang] {
			if strings.HasPrefix(k, "status.") {
				n++
			}
		}
		if len(Area(lang, "status")) != n {
			t.Errorf("Area(%s, status) has %d texts, the catalog %d", lang, len(Area(lang, "status")), n)
		}
	}
}

func TestVerbs(t *testing.T) {
	for s, want := range map[string]string{
		"%s: %d/%d":           "1:s 2:d 3:d",
		"%02d năm (đến %s)":   "1:d 2:s",
		"%[2]s giờ năm %[1]d": "1:d 2:s",
		"50%% of %v":          "1:v",
		"none":                "",
	} {
		if got, err := verbs(s); err != nil || got != want {
			t.Errorf("verbs(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"%*d", "ends in %", "%[x]d"} {
		if _, err := verbs(s); err == nil {
			t.Errorf("verbs(%q): no error", s)
		}
	}
}
