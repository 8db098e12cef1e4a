// Package i18n is the one place for the phrases tickler writes in the
// configured language (vi or en): the notes and calendar titles the jobs put
// in items, the notes of the data to fix, the digest's words, the status
// page's, the answer page's, the answer form's errors, and the names of the
// days off. One file per area (jobs.go, digest.go, status.go, web.go,
// answers.go, calendar.go, codes.go), each key prefixed by its area:
// "jobs.term_note", "digest.workforce", "status.never".
//
// T is the lookup: T(lang, "jobs.pl_left", date) is the phrase in lang,
// English where lang has none, filled in by fmt.Sprintf when arguments are
// given. A template that reads its words as a map (the status page's and the
// answer page's .L) gets its area's from Area.
//
// Three things are not here, on purpose:
//
//   - The labels of coded values (a rank, a level of education, a rating):
//     they are package codes', because the same labels are the import's
//     vocabulary ("Chuyên viên chính" parses to principal_specialist), so
//     the label printed and the label accepted are one string. Coded names a
//     coded value through codes; the catalog copies none of them.
//   - The message templates (notify/message/templates/{vi,en}/*.tmpl): they
//     are whole texts per language, not phrases, and stay with the renderer
//     (a template directory may replace them, mail.templates_dir).
//   - How each language writes numbers, dates and months (civil.Date.Format,
//     message.FormatNumber, the digest's separators): rules, not words.
//
// Still outside, to be moved: notify/message writes the column heads of the
// list attachment (list.csv, danh-sach.csv) and the attachments' names in
// Go, by language.
//
// TestCatalog guards the catalog: every key in both languages, the same
// format verbs in both, and no key that nothing in the repository uses.
package i18n

import (
	"fmt"
	"strings"

	"github.com/tickler-dev/tickler/codes"
)

// The languages of the catalog; Fallback is the one a missing text falls
// back to.
const (
	VI       = "vi"
	EN       = "en"
	Fallback = EN
)

// Languages are the languages every key has.
var Languages = []string{VI, EN}

// Catalog holds texts by language, then key ("area.name").
type Catalog map[string]map[string]string

// Lookup returns the text of key in lang, or in English when lang has none,
// and whether the key is in the catalog at all.
func (c Catalog) Lookup(lang, key string) (string, bool) {
	if s, ok := c[lang][key]; ok {
		return s, true
	}
	s, ok := c[Fallback][key]
	return s, ok
}

// T returns the text of key in lang (English when lang has none), filled in
// with args by fmt.Sprintf when there are any, as written when there are
// none. A key the catalog lacks comes back as is, so it shows where it is
// missing.
func (c Catalog) T(lang, key string, args ...any) string {
	s, ok := c.Lookup(lang, key)
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// catalog is every area's texts.
var catalog = merge(jobsTexts, digestTexts, statusTexts, webTexts, answersTexts, calendarTexts, codesTexts)

// merge joins the areas' catalogs; a key defined twice is a mistake.
func merge(areas ...Catalog) Catalog {
	out := Catalog{}
	for _, a := range areas {
		for lang, texts := range a {
			if out[lang] == nil {
				out[lang] = map[string]string{}
			}
			for k, s := range texts {
				if _, dup := out[lang][k]; dup {
					panic("i18n: " + k + " is defined twice in " + lang)
				}
				out[lang][k] = s
			}
		}
	}
	return out
}

// T returns the catalog's text of key in lang: see Catalog.T.
func T(lang, key string, args ...any) string { return catalog.T(lang, key, args...) }

// Lookup returns the catalog's text of key in lang: see Catalog.Lookup.
func Lookup(lang, key string) (string, bool) { return catalog.Lookup(lang, key) }

// areas holds, by language then area, the area's texts keyed by name
// without the area's prefix ("title" for "status.title"), English where the
// language has none; made once, for Area.
var areas = func() map[string]map[string]map[string]string {
	out := map[string]map[string]map[string]string{}
	for _, lang := range Languages {
		out[lang] = map[string]map[string]string{}
		for key := range catalog[Fallback] {
			area, name, _ := strings.Cut(key, ".")
			if out[lang][area] == nil {
				out[lang][area] = map[string]string{}
			}
			out[lang][area][name], _ = catalog.Lookup(lang, key)
		}
	}
	return out
}()

// Area returns the texts of area in lang (English for a language the
// catalog has not), keyed by their name within the area: the map a
// template reads as .L ({{.L.title}} is "status.title"). The map is shared:
// read it, never change it.
func Area(lang, area string) map[string]string {
	if a, ok := areas[lang]; ok {
		return a[area]
	}
	return areas[Fallback][area]
}

// Coded names a coded value of the records (codes.Rank, codes.Education
// ...) in lang: its label in package codes, which keeps them, since the same
// labels are what the import reads; "" (nothing recorded) is
// "codes.not_recorded".
func Coded(set codes.Set, code, lang string) string {
	if code == "" {
		return T(lang, "codes.not_recorded")
	}
	return set.Label(code, lang)
}
