package web

import (
	"encoding/binary"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
)

// A list's download may outlast the listener's WriteTimeout (15 s, made for
// the answer pages): at a million staff a list is 5 to 7 MB, more than a
// client slower than some 450 KB/s takes in 15 s. ServeList gives each
// download the WriteTimeout plus the time to send the list at
// ListFloorRate, up to ListMaxWrite: a client that reads at least that fast
// gets it whole.
const (
	// ListFloorRate is the slowest rate, in bytes a second, at which a
	// client still gets a whole list: 32 KiB/s, a poor mobile link; a 7 MB
	// list then has some 3.6 minutes more.
	ListFloorRate = 32 << 10
	// ListMaxWrite caps a download's time (a list of about 19 MB and more
	// is cut for clients at the floor rate), so that a client that stalls
	// does not hold its connection for ever.
	ListMaxWrite = 10 * time.Minute
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
// mail gateway's link scanner makes them). A download's write deadline is
// stretched to the list's size (ListFloorRate). A list kept compressed goes
// as it is kept (Content-Encoding: gzip) to a client that takes gzip, and
// uncompressed to one that does not (its HEAD then has no Content-Length).
func (p *AnswerPage) ServeList(w http.ResponseWriter, r *http.Request) {
	lang := p.Lang()
	claims, ok := p.verify(w, r, answers.ListSigner(p.Signer), "list", lang, p.Now(), "message", "")
	if !ok {
		return
	}
	head := r.Method == http.MethodHead
	get := p.Store.List
	if head {
		get = p.Store.ListHead
	}
	f, err := get(r.Context(), claims.Obligation)
	switch {
	case errors.Is(err, store.ErrNoRows):
		p.fail(w, lang, http.StatusNotFound, "web.missing")
		return
	case err != nil:
		p.Log.Error("list link", "message", claims.Obligation, "err", err)
		p.fail(w, lang, http.StatusInternalServerError, "web.failure")
		return
	}
	// A list is kept compressed (store.ListFile.Encoding) and sent as it is
	// kept to a client that takes gzip (every browser); another client
	// gets it uncompressed, its size read from the gzip trailer.
	plain := f.Encoding == "gzip" && !takesGzip(r)
	var list io.Reader
	if plain && !head {
		if list, err = f.Open(); err != nil {
			p.Log.Error("list link", "message", claims.Obligation, "err", err)
			p.fail(w, lang, http.StatusInternalServerError, "web.failure")
			return
		}
	}
	size := f.Size
	if plain && !head {
		size = int64(gzipSize(f.Data))
	}
	if head {
		p.Log.Info("list checked, not downloaded (HEAD)", "message", claims.Obligation, "bytes", f.Size, "remote", ClientAddr(r))
	} else {
		p.Log.Info("list downloaded", "message", claims.Obligation, "bytes", size, "remote", ClientAddr(r))
		if deadline, ok := listDeadline(r, int(size), time.Now()); ok {
			if err := http.NewResponseController(w).SetWriteDeadline(deadline); err != nil && !errors.Is(err, http.ErrNotSupported) {
				p.Log.Warn("list link: the download keeps the listener's write timeout", "message", claims.Obligation, "err", err)
			}
		}
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	if f.Encoding != "" {
		h.Add("Vary", "Accept-Encoding")
	}
	if !plain {
		if f.Encoding != "" {
			h.Set("Content-Encoding", f.Encoding)
		}
		h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
		w.WriteHeader(http.StatusOK)
		if !head {
			w.Write(f.Data)
		}
		return
	}
	if head { // the size is in the list's last bytes, which HEAD does not read
		w.WriteHeader(http.StatusOK)
		return
	}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, list); err != nil {
		p.Log.Warn("list link: download cut short", "message", claims.Obligation, "err", err)
	}
}

// gzipSize is the size of what a gzip member holds, from its trailer (RFC
// 1952: modulo 2^32; a list is far smaller).
func gzipSize(data []byte) uint32 {
	if len(data) < 4 {
		return 0
	}
	return binary.LittleEndian.Uint32(data[len(data)-4:])
}

// takesGzip reports whether the request's Accept-Encoding takes gzip
// (RFC 9110, 12.5.3): named with a weight other than 0, or, when not named,
// "*" with a weight other than 0.
func takesGzip(r *http.Request) bool {
	named, any := -1, -1 // -1: not said; 0: refused; 1: taken
	for _, h := range r.Header.Values("Accept-Encoding") {
		for _, e := range strings.Split(h, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(e), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			taken := 1
			for _, prm := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(prm), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q <= 0 {
						taken = 0
					}
				}
			}
			switch name {
			case "gzip", "x-gzip":
				named = taken
			case "*":
				any = taken
			}
		}
	}
	if named >= 0 {
		return named == 1
	}
	return any == 1
}

// listDeadline is the write deadline of a download of size bytes that
// starts at now: the WriteTimeout of the server that serves r, plus the
// time to send size bytes at ListFloorRate, at most ListMaxWrite (and never
// less than the WriteTimeout). false: the server has no WriteTimeout, so
// nothing cuts the download.
func listDeadline(r *http.Request, size int, now time.Time) (time.Time, bool) {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil || srv.WriteTimeout <= 0 {
		return time.Time{}, false
	}
	d := srv.WriteTimeout + time.Duration(size)*time.Second/ListFloorRate
	return now.Add(max(srv.WriteTimeout, min(d, ListMaxWrite))), true
}
