package packaging_test

import (
	"bytes"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// sink is an SMTP server that, like Mailpit, takes every message without TLS
// or a login and keeps it.
type sink struct {
	mu   sync.Mutex
	msgs []received
	got  chan struct{} // a message arrived
}

type received struct {
	To      []string // RCPT TO
	Subject string
	Links   []string // the answer links in the message
}

// answerLink is an answer link as the stack's reminders carry it.
var answerLink = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/ack/[A-Za-z0-9_-]+`)

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type sinkSession struct {
	sink *sink
	to   []string
}

func (s *sinkSession) Reset()        { s.to = nil }
func (s *sinkSession) Logout() error { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		subject = m.Header.Get("Subject")
	}
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, received{To: s.to, Subject: subject, Links: answerLink.FindAllString(string(b), -1)})
	s.sink.mu.Unlock()
	select {
	case s.sink.got <- struct{}{}:
	default:
	}
	return nil
}

// What `docker compose up` does, without Docker: tickler on examples/compose.yaml
// against an empty PostgreSQL and an SMTP sink in Mailpit's place (the
// service names swapped for local addresses) fills the database with the
// sample agency, and the sink receives the reminders to the sample's people
// and, when the monthly digest is in this build, the digest to leadership.
func TestComposeStackDelivers(t *testing.T) {
	_, dsn := storetest.DSN(t, store.Postgres) // an empty schema; skips without TICKLER_TEST_POSTGRES
	t.Setenv("TICKLER_HTTP_TOKEN", "a-token")  // as docker-compose.yml gives it

	mailpit := &sink{got: make(chan struct{}, 1)}
	srv := smtp.NewServer(mailpit)
	srv.Domain = "mailpit"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, smtpPort, _ := net.SplitHostPort(ln.Addr().String())
	// The answer pages on a free port of loopback, which the links in the
	// reminders must name (TICKLER_PUBLIC_URL, as docker-compose.yml gives it).
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	publicAddr := free.Addr().String()
	free.Close()
	t.Setenv("TICKLER_PUBLIC_URL", "http://"+publicAddr)

	text := readFile(t, "examples/compose.yaml")
	for old, repl := range map[string]string{
		"postgres://tickler:${TICKLER_DB_PASSWORD}@postgres:5432/tickler?sslmode=disable": strconv.Quote(dsn),
		"host: mailpit":               "host: 127.0.0.1",
		"port: 1025":                  "port: " + smtpPort,
		"listen: 0.0.0.0:8080":        "listen: 127.0.0.1:0",
		"public_listen: 0.0.0.0:8081": "public_listen: " + publicAddr,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("examples/compose.yaml has no %q to point at the test's services", old)
		}
		text = strings.Replace(text, old, repl, 1)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "tickler.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, checkOut, _ := tickler(t, nil, "-config", path, "check")
	digest := !regexp.MustCompile(`(?m)^monthly-digest\s+not in this build`).MatchString(checkOut)

	serve := startServe(t, dir, path)
	addr, ok := serve.waitFor(listening, 60*time.Second)
	if !ok {
		if strings.Contains(serve.Log(), "not available in this build") {
			t.Skipf("mail.transport smtp is not in this build yet:\n%s", serve.Log())
		}
		t.Fatalf("tickler did not come up on the compose config:\n%s", serve.Log())
	}
	// serve listens first, then migrates and fills the empty database.
	if _, ok := serve.waitFor(regexp.MustCompile(`imported a sample agency`), 60*time.Second); !ok {
		t.Errorf("no sample agency imported into the empty database:\n%s", serve.Log())
	}

	// Messages arrive as the jobs run and the workers send: wait, with a
	// deadline, for a reminder to a person and (if built) the digest.
	people := func(r received) bool {
		for _, to := range r.To {
			if to != "tochuc@example.vn" && to != "lanhdao@example.vn" {
				return true
			}
		}
		return false
	}
	leadership := func(r received) bool { return strings.Contains(strings.Join(r.To, ","), "lanhdao@example.vn") }
	deadline := time.After(90 * time.Second)
	for {
		var toPeople, toLeaders int
		msgs := mailpit.messages()
		for _, m := range msgs {
			if people(m) {
				toPeople++
			}
			if leadership(m) {
				toLeaders++
			}
		}
		if toPeople > 0 && (toLeaders > 0 || !digest) {
			t.Logf("the sink received %d messages: %d to the sample's people, %d to leadership (digest in this build: %v)", len(msgs), toPeople, toLeaders, digest)
			break
		}
		select {
		case <-mailpit.got:
		case <-time.After(time.Second):
		case <-deadline:
			t.Fatalf("after 90s the sink has %d messages (%d to people, %d to leadership, digest expected: %v):\n%s", len(msgs), toPeople, toLeaders, digest, serve.Log())
		}
	}

	resp, err := http.Get("http://" + addr[1] + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz on the compose config: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}

	// A reminder to a person carries answer links to the public listener,
	// which opens them; the status server does not serve them.
	var link string
	for _, m := range mailpit.messages() {
		if people(m) && len(m.Links) > 0 {
			link = m.Links[0]
			break
		}
	}
	if !strings.HasPrefix(link, "http://"+publicAddr+"/ack/") {
		t.Fatalf("no reminder to a person carries a link to http://%s/ack/", publicAddr)
	}
	for _, c := range []struct {
		url  string
		want int
	}{
		{link, http.StatusOK},
		{"http://" + publicAddr + "/healthz", http.StatusOK},
		{"http://" + publicAddr + "/metrics", http.StatusNotFound},
		{"http://" + addr[1] + link[strings.Index(link, "/ack/"):], http.StatusUnauthorized}, // the status server asks its token first
	} {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", c.url, resp.StatusCode, c.want)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+addr[1]+link[strings.Index(link, "/ack/"):], nil)
	req.Header.Set("Authorization", "Bearer a-token")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the status server, with its token, serves %s: %v %v", link, resp, err)
	} else {
		resp.Body.Close()
	}
	serve.stop(t)
}
