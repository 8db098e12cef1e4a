package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
)

// ServeList serves /lists/{token}: the whole list of a message whose lists
// were cut to mail.list_limit, which the message links to instead of
// carrying it (answers.ListLinks). The token names the message and its
// recipient and is the only credential, as on the answer pages: it is
// signed under its own context (an answer link's token opens no list, and a
// list link's no answer page) and expires with link_ttl. Each download is
// logged with the message, its recipient and the client's address. HEAD
// answers as GET does (the same status and headers, Content-Length
// included) without the list, and is logged as a check, not a download (a
// mail gateway's link scanner makes them).
func (p *AnswerPage) ServeList(w http.ResponseWriter, r *http.Request) {
	lang := p.Lang()
	claims, ok := p.verify(w, r, answers.ListSigner(p.Signer), "list", lang, p.Now(), "message", "")
	if !ok {
		return
	}
	f, err := p.Store.List(r.Context(), claims.Obligation)
	switch {
	case errors.Is(err, store.ErrNoRows):
		p.fail(w, lang, http.StatusNotFound, "web.missing")
		return
	case err != nil:
		p.Log.Error("list link", "message", claims.Obligation, "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "web.failure")
		return
	}
	head := r.Method == http.MethodHead
	if head {
		p.Log.Info("list checked, not downloaded (HEAD)", "message", claims.Obligation, "bytes", len(f.Data), "remote", ClientAddr(r))
	} else {
		p.Log.Info("list downloaded", "message", claims.Obligation, "bytes", len(f.Data), "remote", ClientAddr(r))
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.WriteHeader(http.StatusOK)
	if !head {
		w.Write(f.Data)
	}
}
