package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/store"
)

// AnswerPage serves the page an answer link leads to, /ack/{token}: GET
// shows the obligation the token names (the course, its date, the person's
// name: nothing else of theirs) with a form, and changes nothing; POST
// stores the answer the form sends, logs it, and says what it did. The
// token in the path is the only credential.
type AnswerPage struct {
	Store  *store.Store
	Signer *answers.Signer
	// Lang and Loc give the configured language and zone (they follow a
	// reload).
	Lang func() string
	Loc  func() *time.Location
	Now  func() time.Time
	Log  *slog.Logger
}

//go:embed templates/answer.html
var answerFiles embed.FS

var answerTemplate = template.Must(template.ParseFS(answerFiles, "templates/answer.html"))

// answerStyle is the CSP source of the page's one style sheet: its hash.
var answerStyle = func() string {
	var b bytes.Buffer
	if err := answerTemplate.Execute(&b, answerView{Lang: "en", L: i18n.Area("en", "web")}); err != nil {
		panic("web: the answer page does not render: " + err.Error())
	}
	_, css, _ := strings.Cut(b.String(), "<style>")
	css, _, ok := strings.Cut(css, "</style>")
	if !ok {
		panic("web: the answer page has no <style> element")
	}
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// answerView is what the page shows.
type answerView struct {
	Lang    string
	L       map[string]string // the page's words: i18n.Area(lang, "web")
	Heading string
	Message string
	Bad     bool // Message is an error
	Ob      *answers.Obligation
	// Deadline is the obligation's date as the language writes it.
	Deadline, DeadlineLabel string
	// Current is the answer already given, in words.
	Current string
	// Form shows the three forms, with their dates' bounds (YYYY-MM-DD).
	Form                               bool
	Today, DoneMin, StartMin, StartMax string
}

// maxUserAgent bounds the user agent kept in the answers' log.
const maxUserAgent = 300

// ServeHTTP implements http.Handler.
func (p *AnswerPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := p.Lang()
	now := p.Now()
	today := civil.In(now, p.Loc())
	claims, ok := p.verify(w, r, p.Signer, "answer", lang, now, "obligation", "staff")
	if !ok {
		return
	}
	ob, err := answers.Find(r.Context(), p.Store, claims.Obligation, claims.StaffCode)
	switch {
	case errors.Is(err, answers.ErrNoObligation):
		p.fail(w, lang, http.StatusNotFound, "web.missing")
		return
	case err != nil:
		p.Log.Error("answer page", "obligation", claims.Obligation, "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "web.failure")
		return
	}
	if r.Method == http.MethodPost {
		p.post(w, r, lang, today, ob)
		return
	}
	p.show(r.Context(), w, lang, today, ob, http.StatusOK, "", false)
}

// verify checks the token in r's path with s: on a token that is forged
// (403) or expired (410) it answers and logs, naming what of the claims
// the link's kind (answer, list) calls them, and returns false.
func (p *AnswerPage) verify(w http.ResponseWriter, r *http.Request, s *answers.Signer, kind, lang string, now time.Time,
	subject, staff string) (answers.Claims, bool) {
	claims, err := s.Verify(r.PathValue("token"), now)
	switch {
	case errors.Is(err, answers.ErrExpired):
		attrs := []any{subject, claims.Obligation, "remote", ClientAddr(r)}
		if staff != "" {
			attrs = append(attrs, staff, claims.StaffCode)
		}
		p.Log.Info(kind+" link expired", attrs...)
		p.fail(w, lang, http.StatusGone, "web.expired")
		return claims, false
	case err != nil:
		p.Log.Warn(kind+" link refused: not signed by tickler", "remote", ClientAddr(r))
		p.fail(w, lang, http.StatusForbidden, "web.forged")
		return claims, false
	}
	return claims, true
}

// show answers with the obligation, the answer given, and the form while
// the records hold it open; msg, when set, comes first (bad: an error).
func (p *AnswerPage) show(ctx context.Context, w http.ResponseWriter, lang string, today civil.Date, ob answers.Obligation, code int, msg string, bad bool) {
	v := p.view(lang, today, &ob)
	v.Message, v.Bad = msg, bad
	a, ok, err := ob.Answer(ctx, p.Store)
	if err != nil {
		p.Log.Error("answer page", "obligation", ob.Key(), "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "web.failure")
		return
	}
	if ok {
		v.Current = describe(lang, a)
	}
	switch {
	case !ob.Open() || (ok && a.State == store.AnswerConfirmed):
		if v.Message == "" {
			v.Message = i18n.T(lang, "web.closed")
		}
	default:
		v.Form = true
	}
	p.write(w, code, v)
}

// post stores the answer the form sent.
func (p *AnswerPage) post(w http.ResponseWriter, r *http.Request, lang string, today civil.Date, ob answers.Obligation) {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			p.fail(w, lang, http.StatusRequestEntityTooLarge, "web.too_large")
			return
		}
		p.fail(w, lang, http.StatusBadRequest, "web.bad_form")
		return
	}
	if !ob.Open() {
		p.show(r.Context(), w, lang, today, ob, http.StatusConflict, i18n.T(lang, "web.closed"), false)
		return
	}
	a, err := answers.Check(answers.InputOf(r.PostForm), today)
	if err != nil {
		var pr *answers.Problem
		msg := i18n.T(lang, "web.bad_form")
		if errors.As(err, &pr) {
			msg = pr.Text(lang)
		}
		p.show(r.Context(), w, lang, today, ob, http.StatusBadRequest, msg, true)
		return
	}
	a.Subject, a.RefID, a.StaffCode, a.ItemKind = ob.Subject, ob.ID, ob.StaffCode, ob.ItemKind(today)
	by := store.Actor{Who: "self", RemoteAddr: ClientAddr(r), UserAgent: clip(r.UserAgent(), maxUserAgent), At: p.Now()}
	saved, outcome, err := p.Store.SaveAnswer(r.Context(), a, by)
	if err != nil {
		p.Log.Error("answer not saved", "obligation", ob.Key(), "staff", ob.StaffCode, "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "web.failure")
		return
	}
	p.Log.Info("answer", "id", saved.ID, "obligation", ob.Key(), "staff", ob.StaffCode, "choice", saved.Choice,
		"saved", savedName(outcome), "revision", saved.Revision, "remote", by.RemoteAddr, "user_agent", by.UserAgent)
	v := p.view(lang, today, &ob)
	v.Current = describe(lang, saved)
	switch outcome {
	case store.SavedNew:
		v.Heading, v.Message = i18n.T(lang, "web.saved"), i18n.T(lang, "web.saved_new")
	case store.SavedUpdated:
		v.Heading, v.Message = i18n.T(lang, "web.saved"), i18n.T(lang, "web.saved_updated")
	default:
		v.Message = i18n.T(lang, "web.closed")
	}
	p.write(w, http.StatusOK, v)
}

// view is the page's frame for ob.
func (p *AnswerPage) view(lang string, today civil.Date, ob *answers.Obligation) answerView {
	v := answerView{Lang: lang, L: i18n.Area(lang, "web"), Heading: i18n.T(lang, "web.heading"), Ob: ob,
		Today: today.String(), DoneMin: today.AddYears(-5).String(),
		StartMin: today.AddYears(-1).String(), StartMax: today.AddYears(2).String()}
	if d := ob.Deadline(); !d.IsZero() {
		v.Deadline, v.DeadlineLabel = d.Format(lang), i18n.T(lang, "web.due")
		if ob.Subject == store.SubjectCertificate {
			v.DeadlineLabel = i18n.T(lang, "web.expires")
		}
	}
	return v
}

// fail answers with a plain page that says what went wrong (what, a key of
// package i18n), and nothing about anyone.
func (p *AnswerPage) fail(w http.ResponseWriter, lang string, code int, what string) {
	p.write(w, code, answerView{Lang: lang, L: i18n.Area(lang, "web"), Heading: i18n.T(lang, "web.error"), Message: i18n.T(lang, what), Bad: true})
}

func (p *AnswerPage) write(w http.ResponseWriter, code int, v answerView) {
	var b bytes.Buffer
	if err := answerTemplate.Execute(&b, v); err != nil {
		p.Log.Error("answer page", "err", err)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// describe says an answer and its state in lang.
func describe(lang string, a store.Answer) string {
	t := func(key string) string { return i18n.T(lang, key) }
	var s string
	switch a.Choice {
	case answers.ChoiceDone:
		s = t("web.done") + " " + t("web.on") + " " + a.DoneOn.Format(lang)
		if a.CertificateNo != "" {
			s += ", " + t("web.certificate") + " " + a.CertificateNo
		}
	case answers.ChoiceRegistered:
		s = t("web.registered") + ", " + t("web.starts") + " " + a.StartsOn.Format(lang)
	default:
		s = t("web.not_applicable") + ": " + a.Reason
	}
	state := t("web.state_" + a.State)
	if a.State == store.AnswerRejected && a.SettleNote != "" {
		state += ": " + a.SettleNote
	}
	return s + " (" + state + ")"
}

func savedName(s store.Saved) string {
	switch s {
	case store.SavedNew:
		return "new"
	case store.SavedUpdated:
		return "updated"
	}
	return "unchanged: confirmed by the records"
}

// clip keeps at most n bytes of s, whole runes only.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
