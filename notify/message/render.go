package message

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
)

//go:embed all:templates
var embedded embed.FS

// View is what a message template sees.
type View struct {
	Lang  string
	Job   string
	Date  civil.Date // the run's date, in the agency's zone
	To    notify.Recipient
	Items List
	Data  any
	// Office signs the message: the display name of mail.from.
	Office string
	// ListLimit is the most items of one list the message shows (0: all);
	// the full list goes as an attached CSV (mail.list_limit), or behind
	// ListURL when it is set.
	ListLimit int
	// ListURL, when set, is the link to the whole list of a message whose
	// lists are cut: the message says so instead of attaching the list,
	// which Render returns in Content.List for the planner to keep.
	ListURL string
	// ListUntil is the last day ListURL works.
	ListUntil civil.Date
	// IDDomain names the installation in calendar UIDs (mail.from's domain).
	IDDomain string
	// Partial is set for a message whose list is too long to hold whole
	// (the planner read it once, writing its CSV as it went, and links to
	// it): the items a list can show are whole (the first ListLimit of
	// each kind about the recipient and about others, every item about the
	// recipient, and the message's first hundred or ListLimit), the others
	// are outlines (Outliner): enough to count
	// them and to filter them by kind, by person and by whether a field is
	// set, with no names, notes, dates or field values. Render returns no
	// list then: the planner has it.
	Partial bool

	capped bool
	// Of's, Mine's and Others' answers: templates ask for the same lists
	// many times.
	of, mine, others map[string]List

	// calendar caches the .ics attachment: the text, the HTML and the
	// message itself all ask for it.
	calendar *notify.Attachment
	calDone  bool

	// to and office are To and Office as the templates get them (an
	// interface made once, not at every {{.To}} and {{.Office}}).
	to, office any
}

// List is a list of a message's items (View.Items, and what its filters
// give: Of, Mine, Others, Answerable, having, Shown): pointers to the
// items, read by a template as it reads the items themselves. A list can be
// a province's (HR's thirty thousand, View.Partial), and a template filters
// it several times: each filtered list is then 8 bytes an item, not a copy
// of its items, and outlines are shared (Outliner).
type List []*notify.Item

// ListOf returns a List of items.
func ListOf(items []notify.Item) List {
	if len(items) == 0 {
		return nil
	}
	out := make(List, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// calendarAttachment returns the message's .ics attachment, made once.
func (v *View) calendarAttachment() (notify.Attachment, bool) {
	if !v.calDone {
		if a, ok := calendarFor(v); ok {
			v.calendar = &a
		}
		v.calDone = true
	}
	if v.calendar == nil {
		return notify.Attachment{}, false
	}
	return *v.calendar, true
}

// listOf takes a list as a template passes it: a List, or items (in a
// job's data).
func listOf(v any) (List, bool) {
	switch l := v.(type) {
	case List:
		return l, true
	case []notify.Item:
		return ListOf(l), true
	}
	return nil, false
}

// isList reports whether v is a list listOf takes.
func isList(v any) bool {
	switch v.(type) {
	case List, []notify.Item:
		return true
	}
	return false
}

// Of returns the items of the given kinds, in order.
func (v *View) Of(kinds ...string) List {
	key := strings.Join(kinds, "\x00")
	if out, ok := v.of[key]; ok {
		return out
	}
	out := keep(v.Items, func(it *notify.Item) bool { return slices.Contains(kinds, it.Kind) })
	v.of = remember(v.of, key, out)
	return out
}

// remember keeps a list under key in m, made when nil.
func remember(m map[string]List, key string, items List) map[string]List {
	if m == nil {
		m = map[string]List{}
	}
	m[key] = items
	return m
}

// keep returns the items that pass, in order: items itself when all pass,
// else a list of their exact number, without the garbage of growing one.
func keep(items List, pass func(*notify.Item) bool) List {
	n := 0
	for _, it := range items {
		if pass(it) {
			n++
		}
	}
	switch n {
	case len(items):
		return items
	case 0:
		return nil
	}
	out := make(List, 0, n)
	for _, it := range items {
		if pass(it) {
			out = append(out, it)
		}
	}
	return out
}

// Has reports whether any item is of one of the kinds.
func (v *View) Has(kinds ...string) bool { return len(v.Of(kinds...)) > 0 }

// First returns the first item of the given kinds, or a zero Item.
func (v *View) First(kinds ...string) notify.Item {
	if items := v.Of(kinds...); len(items) > 0 {
		return *items[0]
	}
	return notify.Item{}
}

// Shown returns the first ListLimit items of a list, the part of it the
// message shows; when it cuts, the message carries the whole list as a CSV
// file and says so (Capped).
func (v *View) Shown(items any) (List, error) {
	l, ok := listOf(items)
	if !ok {
		return nil, fmt.Errorf("Shown: %T is not a list of items", items)
	}
	if v.ListLimit > 0 && len(l) > v.ListLimit {
		v.capped = true
		return l[:v.ListLimit], nil
	}
	return l, nil
}

// Capped reports whether a list of the message was cut to ListLimit.
func (v *View) Capped() bool { return v.capped }

// Calendar reports whether the message carries a calendar attachment (some
// item has a deadline still ahead), so the text can point to it.
func (v *View) Calendar() bool {
	_, ok := v.calendarAttachment()
	return ok
}

// Mine returns the items of the given kinds that are about the recipient
// themself (a person told of their own refresher hours), in order.
func (v *View) Mine(kinds ...string) List {
	key := strings.Join(kinds, "\x00")
	if out, ok := v.mine[key]; ok {
		return out
	}
	out := keep(v.Of(kinds...), func(it *notify.Item) bool { return v.To.StaffCode != "" && it.StaffCode == v.To.StaffCode })
	v.mine = remember(v.mine, key, out)
	return out
}

// Others returns the items of the given kinds about other people than the
// recipient (the list that HR or a unit head gets), in order.
func (v *View) Others(kinds ...string) List {
	key := strings.Join(kinds, "\x00")
	if out, ok := v.others[key]; ok {
		return out
	}
	out := keep(v.Of(kinds...), func(it *notify.Item) bool { return v.To.StaffCode == "" || it.StaffCode != v.To.StaffCode })
	v.others = remember(v.others, key, out)
	return out
}

// Answerable returns the items of the message that carry an answer link
// (notify.FieldAnswerURL) and are about the recipient themself, in order:
// an item about someone else never shows its link.
func (v *View) Answerable() List {
	if v.To.StaffCode == "" {
		return nil
	}
	return keep(v.Items, func(it *notify.Item) bool {
		u, _ := it.Fields[notify.FieldAnswerURL].(string)
		return u != "" && it.StaffCode == v.To.StaffCode
	})
}

// Renderer renders one recipient's message of a run.
type Renderer interface {
	Render(v *View) (notify.Content, error)
}

// Templates renders messages from template files, one per job and language
// ("vi/course-reminders.tmpl"), each defining "subject", "text" and "html".
// The same file is parsed by text/template (subject, text) and by html/template
// (html), so every value in the HTML part is escaped. Files starting with "_"
// are shared partials. Jobs that draw their own messages (the digest) register
// a Renderer instead.
type Templates struct {
	text   map[string]*texttemplate.Template // "vi/course-reminders"
	html   map[string]*htmltemplate.Template
	custom map[string]Renderer
	fast   map[string]compiled
	// fallbacks counts the parts a compiled program left to its template.
	fallbacks atomic.Int64
	files     map[string][]byte // what was parsed, by name
}

// Files returns the template files that draw job's messages in lang (its
// file and the language's partials), by name: what a render set keeps so
// that a message rendered later is drawn by the templates of its planning.
// None for a job drawn by a Renderer of its own.
func (t *Templates) Files(job, lang string) map[string][]byte {
	out := map[string][]byte{}
	if _, custom := t.custom[job]; custom {
		return out
	}
	for name, b := range t.files {
		if name == lang+"/"+job+".tmpl" || strings.HasPrefix(name, lang+"/_") {
			out[name] = b
		}
	}
	return out
}

// LoadTemplates parses the embedded templates, then the files of dir (if not
// empty) on top: a file there replaces the embedded one of the same name.
func LoadTemplates(dir string) (*Templates, error) {
	files := map[string][]byte{} // "vi/x.tmpl" -> content
	err := fs.WalkDir(embedded, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		b, err := embedded.ReadFile(p)
		files[strings.TrimPrefix(p, "templates/")] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	if dir != "" {
		err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
				return err
			}
			b, err := os.ReadFile(path.Join(dir, p))
			files[p] = b
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("templates_dir: %w", err)
		}
	}
	return ParseTemplates(files)
}

// ParseTemplates parses template files given by name ("vi/x.tmpl",
// "vi/_partial.tmpl"): LoadTemplates's files, or those a render set kept.
func ParseTemplates(files map[string][]byte) (*Templates, error) {
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, custom: map[string]Renderer{},
		fast: map[string]compiled{}, files: files}
	for name, body := range files {
		lang, base := path.Split(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		key := lang + strings.TrimSuffix(base, ".tmpl")
		lang = strings.TrimSuffix(lang, "/")
		tt := texttemplate.New(key).Funcs(textFuncs(lang))
		ht := htmltemplate.New(key).Funcs(htmlFuncs(lang))
		for pname, pbody := range files { // shared partials of the language
			if strings.HasPrefix(pname, lang+"/_") {
				if _, err := tt.New(pname).Parse(string(pbody)); err != nil {
					return nil, fmt.Errorf("template %s: %w", pname, err)
				}
				if _, err := ht.New(pname).Parse(string(pbody)); err != nil {
					return nil, fmt.Errorf("template %s: %w", pname, err)
				}
			}
		}
		if _, err := tt.New(name).Parse(string(body)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		if _, err := ht.New(name).Parse(string(body)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		for _, part := range []string{"subject", "text", "html"} {
			if tt.Lookup(part) == nil {
				return nil, fmt.Errorf("template %s: no {{define %q}}", name, part)
			}
		}
		t.text[key], t.html[key] = tt, ht
		var err error
		if t.fast[key], err = compile(lang, tt, ht); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
	}
	return t, nil
}

// Register makes r draw the messages of job, instead of a template file.
func (t *Templates) Register(job string, r Renderer) { t.custom[job] = r }

// Has reports whether job's messages can be rendered in lang.
func (t *Templates) Has(job, lang string) bool {
	if _, ok := t.custom[job]; ok {
		return true
	}
	_, ok := t.text[lang+"/"+job]
	return ok
}

// Render draws the message of v.Job in v.Lang.
func (t *Templates) Render(v *View) (notify.Content, error) {
	if r, ok := t.custom[v.Job]; ok {
		return r.Render(v)
	}
	key := v.Lang + "/" + v.Job
	tt, ok := t.text[key]
	if !ok {
		return notify.Content{}, fmt.Errorf("no template for job %s in language %s", v.Job, v.Lang)
	}
	fast := t.fast[key]
	bufs := partBuffers.Get().(*[3]bytes.Buffer)
	defer putPartBuffers(bufs)
	subject, text, html := &bufs[0], &bufs[1], &bufs[2]
	subject.Reset()
	text.Reset()
	html.Reset()
	if err := t.run(fast.subject, subject, v, func() error { return tt.ExecuteTemplate(subject, "subject", v) }); err != nil {
		return notify.Content{}, fmt.Errorf("render %s subject: %w", key, err)
	}
	if err := t.run(fast.text, text, v, func() error { return tt.ExecuteTemplate(text, "text", v) }); err != nil {
		return notify.Content{}, fmt.Errorf("render %s text: %w", key, err)
	}
	if err := t.run(fast.html, html, v, func() error { return t.html[key].ExecuteTemplate(html, "html", v) }); err != nil {
		return notify.Content{}, fmt.Errorf("render %s html: %w", key, err)
	}
	c := notify.Content{
		Subject: oneLine(subject.Bytes()),
		Text:    tidyText(text.Bytes()),
		HTML:    html.String(),
	}
	if cal, ok := v.calendarAttachment(); ok {
		c.Attachments = append(c.Attachments, cal)
	}
	if v.capped && v.Partial {
		if v.ListURL == "" {
			return notify.Content{}, fmt.Errorf("render %s: a list too long to hold needs its link (ListURL)", key)
		}
	} else if v.capped {
		list := listCSV(v)
		if v.ListURL != "" {
			c.List = &list
		} else {
			c.Attachments = append(c.Attachments, list)
		}
	}
	return c, nil
}

// partBuffers hold a rendering's subject, text and HTML as the templates
// write them: kept from one message to the next, they are not grown again
// for each.
var partBuffers = sync.Pool{New: func() any { return new([3]bytes.Buffer) }}

// putPartBuffers gives bufs back unless a long list grew one of them: those
// are let go rather than held for the short messages that follow.
func putPartBuffers(bufs *[3]bytes.Buffer) {
	for i := range bufs {
		if bufs[i].Cap() > 256<<10 {
			return
		}
	}
	partBuffers.Put(bufs)
}

// Subject draws only the subject of v.Job's message in v.Lang (a message
// rendered whole at send time keeps its subject in the outbox from
// planning). Only template files have it apart: a job with its own
// Renderer gives an error.
func (t *Templates) Subject(v *View) (string, error) {
	key := v.Lang + "/" + v.Job
	tt, ok := t.text[key]
	if _, custom := t.custom[v.Job]; custom || !ok {
		return "", fmt.Errorf("no template for job %s in language %s", v.Job, v.Lang)
	}
	var subject bytes.Buffer
	if err := t.run(t.fast[key].subject, &subject, v, func() error { return tt.ExecuteTemplate(&subject, "subject", v) }); err != nil {
		return "", fmt.Errorf("render %s subject: %w", key, err)
	}
	return oneLine(subject.Bytes()), nil
}

// oneLine is strings.Join(strings.Fields(s), " ") for the bytes a subject
// template wrote: its words on one line, one space apart.
func oneLine(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for f := range bytes.FieldsSeq(s) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(f)
	}
	return b.String()
}

// tidyText drops the blank lines that template actions leave, keeping single
// empty lines between paragraphs.
func tidyText(s []byte) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	blank := 0
	for rest, more := s, true; more; {
		var line []byte
		line, rest, more = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, " \t")
		if len(line) == 0 {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.Write(line)
	}
	b.WriteByte('\n')
	return b.String()
}

func commonFuncs(lang string) map[string]any {
	return map[string]any{
		"date": func(d civil.Date) string { return d.Format(lang) },
		"label": func(set, code string) string {
			s, ok := codeSets[set]
			if !ok {
				return code
			}
			return s.Label(code, lang)
		},
		"abs": func(n int) int {
			if n < 0 {
				return -n
			}
			return n
		},
		"num":   func(f float64) string { return FormatNumber(f, lang) },
		"field": func(it notify.Item, k string) any { return it.Fields[k] },
		// fdate formats a date field, "" when the item has none.
		"fdate": func(it notify.Item, k string) string {
			if d, ok := it.Fields[k].(civil.Date); ok {
				return d.Format(lang)
			}
			return ""
		},
		// having keeps the items whose field k is set: true, a non-zero
		// number, a non-empty string or list.
		"having": func(items any, k string) (List, error) {
			l, ok := listOf(items)
			if !ok {
				return nil, fmt.Errorf("having: %T is not a list of items", items)
			}
			return keep(l, func(it *notify.Item) bool { return isSet(it.Fields[k]) }), nil
		},
		// joined gathers the strings of the items' field k (a []string
		// each: who else was told of an overdue training), each once, in
		// order, joined with ", ".
		"joined": func(items any, k string) (string, error) {
			l, ok := listOf(items)
			if !ok {
				return "", fmt.Errorf("joined: %T is not a list of items", items)
			}
			var out []string
			for _, it := range l {
				list, _ := it.Fields[k].([]string)
				for _, s := range list {
					if !slices.Contains(out, s) {
						out = append(out, s)
					}
				}
			}
			return strings.Join(out, ", "), nil
		},
		"capital": func(s string) string {
			r, n := utf8.DecodeRuneInString(s)
			return string(unicode.ToUpper(r)) + s[n:]
		},
		"lower": strings.ToLower,
	}
}

// isSet reports whether a field value is set: not nil, false, zero or empty.
func isSet(v any) bool {
	if v == nil {
		return false
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Slice, reflect.Map, reflect.String:
		return r.Len() > 0
	}
	return !r.IsZero()
}

func textFuncs(lang string) texttemplate.FuncMap { return commonFuncs(lang) }
func htmlFuncs(lang string) htmltemplate.FuncMap { return commonFuncs(lang) }

var codeSets = map[string]codes.Set{
	"gender": codes.Gender, "rank": codes.Rank, "education": codes.Education,
	"political_theory": codes.PoliticalTheory, "rating": codes.Rating,
	"training_status": codes.TrainingStatus, "category": codes.Category,
}

// FormatNumber prints f with at most two decimals, with a decimal comma in
// Vietnamese (12,5) and a point in English (12.5).
func FormatNumber(f float64, lang string) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
