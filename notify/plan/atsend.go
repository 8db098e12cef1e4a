package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/store"
)

// Rendering at send time. A planned message is, most of the time, a few
// notices about one recipient; its wire form is twenty times their size.
// With RenderAtSend, a run keeps for such a message only what rendering it
// takes: its notices, as the spill held them (delivery_payloads), and its
// run's render set (render_sets: the language, the date, the envelope, and
// the template files as they were at planning). The subject is drawn at
// planning, for the outbox's listings. The deliverer draws the rest when it
// claims the row (AtSend), on every core, while its connections send what
// it claimed before.
//
// What stays the same: the run is planned once, in one transaction (items,
// keys and payloads with it); a message is sent once (leases, as before);
// what was sent stays answerable, since the row and its set hold every
// input, the templates included, and rendering is deterministic (Wire
// draws its boundaries from the message): Show renders a row again, to the
// bytes that were sent, with the same version of tickler.
//
// What is still rendered at planning: a dry run (it shows and checks every
// message), a message whose lists are cut behind a link (the whole list is
// kept with it), one carrying a run's shared data (the digest's figures),
// and every message of PlanStream.

// payloadVersion is the first number of a payload: what follows is its
// notices, each a string in the spill's encoding. Version 2 has
// back-references to long strings repeated within a notice (repeatMin);
// version 1 has none, and reads the same.
const payloadVersion = 2

// renderSpec is a render set: what rendering a run's messages takes
// besides their notices.
type renderSpec struct {
	Lang      string            `json:"lang"`
	Job       string            `json:"job"`
	Date      civil.Date        `json:"date"`
	Office    string            `json:"office"`
	ListLimit int               `json:"list_limit"`
	IDDomain  string            `json:"id_domain"`
	From      string            `json:"from"`
	ReplyTo   string            `json:"reply_to"`
	Zone      string            `json:"zone"`
	Templates map[string]string `json:"templates"`
}

// renderSet is a spec ready to render with: its id, its zone, and its
// templates parsed.
type renderSet struct {
	id, spec  string
	s         renderSpec
	loc       *time.Location
	templates *message.Templates
	atSend    bool // the run keeps messages to render at send under this set
}

// newRenderSet returns the render set of a run of job on date, drawn by the
// planner's templates; atSend: one to keep with the run's messages (its
// spec and id made).
func (p *Planner) newRenderSet(job string, date civil.Date, atSend bool) (*renderSet, error) {
	s := renderSpec{Lang: p.Lang, Job: job, Date: date, Office: p.Office, ListLimit: p.ListLimit, IDDomain: p.IDDomain,
		From: p.From, ReplyTo: p.ReplyTo, Zone: p.Loc.String(), Templates: map[string]string{}}
	if !atSend {
		return &renderSet{s: s, loc: p.Loc, templates: p.Templates}, nil
	}
	files := p.Templates.Files(job, p.Lang)
	if len(files) == 0 { // a job drawn by a Renderer of its own: rendered at planning
		return &renderSet{s: s, loc: p.Loc, templates: p.Templates}, nil
	}
	for _, b := range files {
		if !utf8.Valid(b) { // JSON would not keep it as it is: rendered at planning
			return &renderSet{s: s, loc: p.Loc, templates: p.Templates}, nil
		}
	}
	for name, b := range files {
		s.Templates[name] = string(b)
	}
	spec, err := json.Marshal(s) // map keys sorted: the same set, the same text
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(spec)
	return &renderSet{id: hex.EncodeToString(sum[:16]), spec: string(spec), s: s, loc: p.Loc, templates: p.Templates, atSend: true}, nil
}

// parseRenderSet reads a set kept in the outbox.
func parseRenderSet(id, spec string) (*renderSet, error) {
	rs := &renderSet{id: id, spec: spec}
	if err := json.Unmarshal([]byte(spec), &rs.s); err != nil {
		return nil, fmt.Errorf("render set %s: %w", id, err)
	}
	loc, err := time.LoadLocation(rs.s.Zone)
	if err != nil {
		return nil, fmt.Errorf("render set %s: %w", id, err)
	}
	rs.loc = loc
	files := make(map[string][]byte, len(rs.s.Templates))
	for name, body := range rs.s.Templates {
		files[name] = []byte(body)
	}
	if rs.templates, err = message.ParseTemplates(files); err != nil {
		return nil, fmt.Errorf("render set %s: %w", id, err)
	}
	return rs, nil
}

// view is the template view of a message of the set.
func (rs *renderSet) view(g *group) *message.View {
	return &message.View{Lang: rs.s.Lang, Job: rs.s.Job, Date: rs.s.Date, To: g.to, Items: g.viewItems(), Data: g.data,
		Office: rs.s.Office, ListLimit: rs.s.ListLimit, IDDomain: rs.s.IDDomain}
}

// wire renders g's message whole: its content (kept in g.content) and its
// wire form.
func (rs *renderSet) wire(g *group, view *message.View, messageID string, created time.Time) ([]byte, error) {
	m, err := rs.message(g, view, messageID, created)
	if err != nil {
		return nil, err
	}
	wire, err := message.Wire(m, rs.envelope())
	if err != nil {
		return nil, fmt.Errorf("message to %s: %w", g.email, err)
	}
	return wire, nil
}

// wireString is wire as the outbox keeps it.
func (rs *renderSet) wireString(g *group, view *message.View, messageID string, created time.Time) (string, error) {
	m, err := rs.message(g, view, messageID, created)
	if err != nil {
		return "", err
	}
	wire, err := message.WireString(m, rs.envelope())
	if err != nil {
		return "", fmt.Errorf("message to %s: %w", g.email, err)
	}
	return wire, nil
}

// message renders g's content (kept in g.content) into the message to
// write.
func (rs *renderSet) message(g *group, view *message.View, messageID string, created time.Time) (*notify.Message, error) {
	var err error
	g.content, err = rs.templates.Render(view)
	if err != nil {
		return nil, err
	}
	g.list = g.content.List
	g.content.Subject = notify.CleanHeader(g.content.Subject)
	return &notify.Message{MessageID: messageID, Job: rs.s.Job, To: g.to, Cc: g.cc, Subject: g.content.Subject,
		Text: g.content.Text, HTML: g.content.HTML, Attachments: g.content.Attachments, Created: created}, nil
}

func (rs *renderSet) envelope() message.Envelope {
	return message.Envelope{From: rs.s.From, ReplyTo: rs.s.ReplyTo, Loc: rs.loc}
}

// payload encodes a group's notices for delivery_payloads (a notice told
// twice is, like any long string repeated, a back-reference: repeatMin).
func payload(notices []string) string {
	n := 8
	for _, s := range notices {
		n += len(s) + 8
	}
	w := noticeWriter{b: make([]byte, 0, n)}
	w.int(payloadVersion)
	for _, s := range notices {
		w.str(s)
	}
	return string(w.b)
}

// unpayload returns the notices of a payload.
func unpayload(s string) ([]string, error) {
	r := noticeReader{s: s}
	if v := r.int(); r.err != nil || v < 1 || v > payloadVersion {
		return nil, fmt.Errorf("payload: version %d not known (a newer tickler planned it?)", v)
	}
	var out []string
	for r.err == nil && r.s != "" {
		out = append(out, r.str())
	}
	if r.err != nil {
		return nil, fmt.Errorf("payload: %w", r.err)
	}
	return out, nil
}

// AtSend renders, for a deliverer, the messages planned to be rendered when
// they are sent (deliver.Deliverer.Render), from their rows alone: their
// payload and their render set, read from the outbox once and kept.
type AtSend struct {
	Store *store.Store

	mu   sync.Mutex
	sets map[string]*pendingSet
}

// pendingSet is a render set being read, then read.
type pendingSet struct {
	ready chan struct{}
	rs    *renderSet
	err   error
	retry bool // err is the database's: not kept
}

// keptSets bounds the render sets kept, each one job's templates parsed: a
// run's set is the same for all its messages, and a day has a few runs.
const keptSets = 16

// Render sets m.Wire to the message m's row describes. retry is true when
// its render set could not be read (the database did not answer).
func (a *AtSend) Render(ctx context.Context, m *notify.Message) (retry bool, err error) {
	rs, retry, err := a.set(ctx, m.RenderSet)
	if err != nil {
		return retry, err
	}
	wire, err := rs.render(m)
	if err != nil {
		return false, err
	}
	m.Wire = wire
	return false, nil
}

// Show returns the wire form of the row m, as Render made it when it was
// sent: for a row planned to be rendered at send; nil for one that kept
// its wire form (m.Wire is what was sent).
func (a *AtSend) Show(ctx context.Context, m *notify.Message) ([]byte, error) {
	if m.Payload == "" {
		return nil, nil
	}
	rs, _, err := a.set(ctx, m.RenderSet)
	if err != nil {
		return nil, err
	}
	return rs.render(m)
}

func (rs *renderSet) render(m *notify.Message) ([]byte, error) {
	notices, err := unpayload(m.Payload)
	if err != nil {
		return nil, err
	}
	if len(notices) == 0 {
		return nil, errors.New("payload: no notice")
	}
	g := &group{notices: notices}
	var rd noticeReader
	if _, err := g.merge(&rd, nil); err != nil {
		return nil, err
	}
	return rs.wire(g, rs.view(g), m.MessageID, m.Created)
}

func (a *AtSend) set(ctx context.Context, id string) (*renderSet, bool, error) {
	a.mu.Lock()
	if a.sets == nil {
		a.sets = map[string]*pendingSet{}
	}
	ps, ok := a.sets[id]
	if !ok {
		if len(a.sets) >= keptSets {
			clear(a.sets)
		}
		ps = &pendingSet{ready: make(chan struct{})}
		a.sets[id] = ps
		a.mu.Unlock()
		spec, err := a.Store.RenderSet(ctx, id)
		switch {
		case errors.Is(err, store.ErrNoRows):
			ps.err = fmt.Errorf("render set %q is not in the outbox", id)
		case err != nil:
			ps.err, ps.retry = err, true
		default:
			ps.rs, ps.err = parseRenderSet(id, spec)
		}
		close(ps.ready)
		if ps.retry { // not kept: the next message asks the database again
			a.mu.Lock()
			if a.sets[id] == ps {
				delete(a.sets, id)
			}
			a.mu.Unlock()
		}
		return ps.rs, ps.retry, ps.err
	}
	a.mu.Unlock()
	select {
	case <-ps.ready:
	case <-ctx.Done():
		return nil, true, ctx.Err()
	}
	return ps.rs, ps.retry, ps.err
}
