package plan

import (
	"bytes"
	"compress/gzip"
	"strings"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/store"
)

// longNotices is how many notices of one recipient planning holds before it
// takes the message for a long list: HR's list of a province's terms ending
// (fifteen thousand) or overdue trainings (thirty thousand). Held whole, such
// a list is most of a run's memory and makes it grow with the agency: its
// notices, its items, its CSV. A long list is read once instead: each notice
// is decoded as the spill gives it, its item written to the list's CSV
// (compressed as it goes) and kept whole only when the message can show it;
// the others are kept as outlines (message.View.Partial), shared, with the
// keys the outbox records of each item in one block (itemKeys). A var:
// tests lower it.
var longNotices = 4096

// headWhole is how many of a long list's first items are kept whole at
// least (with those each list can show).
const headWhole = 100

// longList is a long list being read (group.long).
type longList struct {
	// items are the items taken, in order: those kept whole, each on its
	// own, and shared outlines; keys has the key of each.
	items    message.List
	keys     itemKeys
	rd       noticeReader
	buf      bytes.Buffer
	gz       *gzip.Writer
	csv      *message.ListWriter
	outline  message.Outliner
	whole    map[shownClass]int // items kept whole, per class
	limit    int
	lang     string
	ref      bool // a notice had the run's data
	outlined int  // items kept as outlines
}

// shownClass is a list a template can show: the items of one kind about the
// recipient, or about others (View.Of, Mine, Others and the calendar take
// their first items from these).
type shownClass struct {
	kind string
	mine bool
}

// linksLists reports whether the planner links to the lists it cuts: only
// then can a message be drawn from part of its items.
func (p *Planner) linksLists() bool { return p.ListLink != nil && p.ListLimit > 0 }

// hold puts one spilled notice in the group being read: held as it is, or,
// past longNotices for a planner that links its lists, read at once
// (long).
func (p *Planner) hold(g *group, notice string, data []any) error {
	if g.long != nil {
		return g.long.add(g, notice, data)
	}
	g.notices = append(g.notices, notice)
	g.size += len(notice)
	if len(g.notices) <= longNotices || !p.linksLists() {
		return nil
	}
	l := &longList{whole: map[shownClass]int{}, limit: p.ListLimit, lang: p.Lang}
	l.gz, _ = gzip.NewWriterLevel(&l.buf, gzip.BestSpeed) // a valid level: no error
	l.csv = message.NewListWriter(l.gz, p.Lang)
	g.long = l
	notices := g.notices
	g.notices, g.size = nil, 0
	g.seen = make(map[uint64]int32, 2*longNotices)
	for _, s := range notices {
		if err := l.add(g, s, data); err != nil {
			return err
		}
	}
	return nil
}

// add reads one more notice of the long list.
func (l *longList) add(g *group, notice string, data []any) error {
	it, fresh, ref, err := g.take(&l.rd, notice, true, data)
	if err != nil {
		return err
	}
	l.ref = l.ref || ref
	if !fresh {
		return nil
	}
	l.csv.Add(it)
	l.keys.add(it.Key, it.Step, it.Since)
	c := shownClass{kind: it.Kind, mine: g.to.StaffCode != "" && it.StaffCode == g.to.StaffCode}
	// Every item about the recipient is whole (Answerable lists them all),
	// and so are the message's first items whatever their kind (a template
	// may print the first few of .Items: delivery-failures its first 30).
	if c.mine || l.whole[c] < l.limit || len(l.items) < max(l.limit, headWhole) {
		l.whole[c]++
		whole := it
		l.items = append(l.items, &whole)
		return nil
	}
	l.outlined++
	l.items = append(l.items, l.outline.Outline(&it))
	return nil
}

// ended is called when the spill has given the group's last notice: a long
// list's CSV is closed and kept in g.list, compressed.
func (g *group) ended() error {
	l := g.long
	if l == nil {
		return nil
	}
	if err := l.csv.Flush(); err != nil {
		return err
	}
	if err := l.gz.Close(); err != nil {
		return err
	}
	l.gz, l.csv = nil, nil // the compressor's megabyte goes now, not when the message is written
	name, ctype := message.ListFile(l.lang)
	g.list = &notify.Attachment{Filename: name, ContentType: ctype, Data: l.buf.Bytes()}
	g.seen, g.seenOther = nil, nil
	l.keys.done()
	return nil
}

// itemKeys are what the outbox records of each item of a long list (its
// key, step and the day its step began: store.NewItem), in one block: the
// keys' bytes one after the other, and three numbers an item.
type itemKeys struct {
	bytes  []byte
	text   string // bytes, once the list is read (done)
	at     []keyAt
	steps  []string
	sinces []civil.Date
	stepOf map[string]uint32
	dayOf  map[civil.Date]uint32
}

// keyAt is one item of itemKeys: where its key ends in bytes, its step in
// steps and its day in sinces.
type keyAt struct{ end, step, since uint32 }

// add records the next item's key, step and day.
func (k *itemKeys) add(key, step string, since civil.Date) {
	k.bytes = append(k.bytes, key...)
	if k.stepOf == nil {
		k.stepOf, k.dayOf = map[string]uint32{}, map[civil.Date]uint32{}
	}
	s, ok := k.stepOf[step]
	if !ok {
		s = uint32(len(k.steps))
		k.steps = append(k.steps, strings.Clone(step))
		k.stepOf[k.steps[s]] = s
	}
	d, ok := k.dayOf[since]
	if !ok {
		d = uint32(len(k.sinces))
		k.sinces = append(k.sinces, since)
		k.dayOf[since] = d
	}
	k.at = append(k.at, keyAt{end: uint32(len(k.bytes)), step: s, since: d})
}

// is reports whether the i-th item is key at step.
func (k *itemKeys) is(i int, key, step string) bool {
	a := k.at[i]
	start := uint32(0)
	if i > 0 {
		start = k.at[i-1].end
	}
	return k.steps[a.step] == step && string(k.bytes[start:a.end]) == key
}

// done ends the adding: the keys become one string, which the items the
// outbox records share (newItems).
func (k *itemKeys) done() {
	k.text, k.bytes = string(k.bytes), nil
	k.stepOf, k.dayOf = nil, nil
}

// newItems returns the items to record.
func (k *itemKeys) newItems() []store.NewItem {
	out := make([]store.NewItem, len(k.at))
	start := uint32(0)
	for i, a := range k.at {
		out[i] = store.NewItem{Key: k.text[start:a.end], Step: k.steps[a.step], Since: k.sinces[a.since]}
		start = a.end
	}
	return out
}
