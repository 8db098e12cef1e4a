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
	if err := answerTemplate.Execute(&b, answerView{Lang: "en", L: answerLabels["en"]}); err != nil {
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
	L       map[string]string
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
	claims, err := p.Signer.Verify(r.PathValue("token"), now)
	switch {
	case errors.Is(err, answers.ErrExpired):
		p.Log.Info("answer link expired", "obligation", claims.Obligation, "staff", claims.StaffCode, "remote", ClientAddr(r))
		p.fail(w, lang, http.StatusGone, "expired")
		return
	case err != nil:
		p.Log.Warn("answer link refused: not signed by tickler", "remote", ClientAddr(r))
		p.fail(w, lang, http.StatusForbidden, "forged")
		return
	}
	ob, err := answers.Find(r.Context(), p.Store, claims.Obligation, claims.StaffCode)
	switch {
	case errors.Is(err, answers.ErrNoObligation):
		p.fail(w, lang, http.StatusNotFound, "missing")
		return
	case err != nil:
		p.Log.Error("answer page", "obligation", claims.Obligation, "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "failure")
		return
	}
	if r.Method == http.MethodPost {
		p.post(w, r, lang, today, ob)
		return
	}
	p.show(r.Context(), w, lang, today, ob, http.StatusOK, "", false)
}

// show answers with the obligation, the answer given, and the form while
// the records hold it open; msg, when set, comes first (bad: an error).
func (p *AnswerPage) show(ctx context.Context, w http.ResponseWriter, lang string, today civil.Date, ob answers.Obligation, code int, msg string, bad bool) {
	v := p.view(lang, today, &ob)
	v.Message, v.Bad = msg, bad
	a, ok, err := ob.Answer(ctx, p.Store)
	if err != nil {
		p.Log.Error("answer page", "obligation", ob.Key(), "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "failure")
		return
	}
	if ok {
		v.Current = describe(lang, a)
	}
	switch {
	case !ob.Open() || (ok && a.State == store.AnswerConfirmed):
		if v.Message == "" {
			v.Message = v.L["closed"]
		}
	default:
		v.Form = true
	}
	p.write(w, code, v)
}

// post stores the answer the form sent.
func (p *AnswerPage) post(w http.ResponseWriter, r *http.Request, lang string, today civil.Date, ob answers.Obligation) {
	l := labelsOf(lang)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			p.fail(w, lang, http.StatusRequestEntityTooLarge, "too_large")
			return
		}
		p.fail(w, lang, http.StatusBadRequest, "bad_form")
		return
	}
	if !ob.Open() {
		p.show(r.Context(), w, lang, today, ob, http.StatusConflict, l["closed"], false)
		return
	}
	a, err := answers.Check(answers.InputOf(r.PostForm), today)
	if err != nil {
		var pr *answers.Problem
		msg := l["bad_form"]
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
		p.fail(w, lang, http.StatusInternalServerError, "failure")
		return
	}
	p.Log.Info("answer", "id", saved.ID, "obligation", ob.Key(), "staff", ob.StaffCode, "choice", saved.Choice,
		"saved", savedName(outcome), "revision", saved.Revision, "remote", by.RemoteAddr, "user_agent", by.UserAgent)
	v := p.view(lang, today, &ob)
	v.Current = describe(lang, saved)
	switch outcome {
	case store.SavedNew:
		v.Heading, v.Message = l["saved"], l["saved_new"]
	case store.SavedUpdated:
		v.Heading, v.Message = l["saved"], l["saved_updated"]
	default:
		v.Message = l["closed"]
	}
	p.write(w, http.StatusOK, v)
}

// view is the page's frame for ob.
func (p *AnswerPage) view(lang string, today civil.Date, ob *answers.Obligation) answerView {
	l := labelsOf(lang)
	v := answerView{Lang: lang, L: l, Heading: l["heading"], Ob: ob,
		Today: today.String(), DoneMin: today.AddYears(-5).String(),
		StartMin: today.AddYears(-1).String(), StartMax: today.AddYears(2).String()}
	if d := ob.Deadline(); !d.IsZero() {
		v.Deadline, v.DeadlineLabel = d.Format(lang), l["due"]
		if ob.Subject == store.SubjectCertificate {
			v.DeadlineLabel = l["expires"]
		}
	}
	return v
}

// fail answers with a plain page that says what went wrong, and nothing
// about anyone.
func (p *AnswerPage) fail(w http.ResponseWriter, lang string, code int, what string) {
	l := labelsOf(lang)
	p.write(w, code, answerView{Lang: lang, L: l, Heading: l["error"], Message: l[what], Bad: true})
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
	l := labelsOf(lang)
	var s string
	switch a.Choice {
	case answers.ChoiceDone:
		s = l["done"] + " " + l["on"] + " " + a.DoneOn.Format(lang)
		if a.CertificateNo != "" {
			s += ", " + l["certificate"] + " " + a.CertificateNo
		}
	case answers.ChoiceRegistered:
		s = l["registered"] + ", " + l["starts"] + " " + a.StartsOn.Format(lang)
	default:
		s = l["not_applicable"] + ": " + a.Reason
	}
	state := l["state_"+a.State]
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

func labelsOf(lang string) map[string]string {
	if l, ok := answerLabels[lang]; ok {
		return l
	}
	return answerLabels["en"]
}

// answerLabels are the page's words.
var answerLabels = map[string]map[string]string{
	"vi": {
		"title": "Báo cáo tình hình thực hiện", "heading": "Báo cáo về khóa đào tạo, bồi dưỡng",
		"saved": "Đã ghi nhận báo cáo", "error": "Không mở được trang",
		"person": "Cán bộ", "course": "Khóa học", "due": "Hạn hoàn thành", "expires": "Chứng chỉ hết hiệu lực",
		"current": "Đã báo cáo",
		"intro":   "Chọn một trong ba nội dung dưới đây và bấm gửi. Sau khi đồng chí báo cáo, hệ thống tạm dừng nhắc việc về nội dung này trong khi bộ phận tổ chức cán bộ cập nhật hồ sơ.",
		"done":    "Đã hoàn thành", "done_on": "Ngày hoàn thành", "certificate_no": "Số chứng chỉ (nếu có)", "send_done": "Gửi: đã hoàn thành",
		"registered": "Đã đăng ký học", "starts_on": "Ngày khóa học bắt đầu", "send_registered": "Gửi: đã đăng ký",
		"not_applicable": "Không thuộc diện phải thực hiện", "reason": "Lý do", "send_not_applicable": "Gửi: không thuộc diện",
		"on": "ngày", "certificate": "chứng chỉ số", "starts": "khóa học bắt đầu ngày",
		"state_pending": "chờ cập nhật hồ sơ", "state_confirmed": "hồ sơ đã cập nhật", "state_rejected": "bộ phận tổ chức cán bộ chưa chấp nhận",
		"saved_new":     "Đã ghi nhận báo cáo của đồng chí. Hệ thống tạm dừng nhắc việc về nội dung này; bộ phận tổ chức cán bộ sẽ kiểm tra và cập nhật hồ sơ.",
		"saved_updated": "Đã cập nhật báo cáo trước đó của đồng chí bằng nội dung mới.",
		"closed":        "Hồ sơ đã ghi nhận nội dung này; đồng chí không cần báo cáo thêm.",
		"forged":        "Đường dẫn không hợp lệ. Đề nghị dùng đúng đường dẫn trong thư nhắc việc gửi cho đồng chí.",
		"expired":       "Đường dẫn đã hết hạn. Thư nhắc việc tiếp theo sẽ có đường dẫn mới; đồng chí cũng có thể liên hệ bộ phận tổ chức cán bộ.",
		"missing":       "Không tìm thấy nội dung mà đường dẫn này nêu; có thể hồ sơ đã thay đổi. Đề nghị liên hệ bộ phận tổ chức cán bộ.",
		"busy":          "Có quá nhiều yêu cầu từ địa chỉ này; xin thử lại sau ít phút.",
		"too_large":     "Nội dung gửi quá dài.",
		"bad_form":      "Không đọc được nội dung gửi.",
		"failure":       "Hệ thống tạm thời chưa ghi nhận được; xin thử lại sau.",
		"footer":        "Đường dẫn này dành riêng cho đồng chí; xin không chuyển cho người khác.",
	},
	"en": {
		"title": "Tell the office", "heading": "About your training",
		"saved": "Answer recorded", "error": "This page cannot be shown",
		"person": "Name", "course": "Course", "due": "Due", "expires": "Certificate expires",
		"current": "Your answer",
		"intro":   "Choose one of the three below and send it. Once you have, the reminders about this stop while the office updates the records.",
		"done":    "Completed", "done_on": "Completed on", "certificate_no": "Certificate number (if any)", "send_done": "Send: completed",
		"registered": "Registered for a course", "starts_on": "The course starts on", "send_registered": "Send: registered",
		"not_applicable": "Does not apply to me", "reason": "Why", "send_not_applicable": "Send: does not apply",
		"on": "on", "certificate": "certificate no.", "starts": "starts on",
		"state_pending": "awaiting the records", "state_confirmed": "recorded", "state_rejected": "not accepted by the office",
		"saved_new":     "Your answer is recorded. The reminders about this stop; the office will check it and update the records.",
		"saved_updated": "Your earlier answer is updated with this one.",
		"closed":        "The records already show this: there is nothing more to answer.",
		"forged":        "This link is not valid. Please use the link in the reminder you received.",
		"expired":       "This link has expired. Your next reminder carries a new one; you may also contact the office.",
		"missing":       "What this link refers to is no longer in the records. Please contact the office.",
		"busy":          "Too many requests from your address; please try again in a few minutes.",
		"too_large":     "What was sent is too long.",
		"bad_form":      "What was sent could not be read.",
		"failure":       "Your answer could not be recorded just now; please try again later.",
		"footer":        "This link is yours alone; please do not pass it on.",
	},
}
