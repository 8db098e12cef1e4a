// Package smtp sends the outbox through an SMTP relay with go-mail: TLS
// mandatory by default (STARTTLS), implicit TLS for port 465, opportunistic or
// none only when configured; the SASL mechanisms go-mail offers; a small pool
// of connections reused from message to message and redialled after an idle
// time, a 421 or a broken connection.
package smtp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tickler-dev/tickler/notify/message"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
)

// Options say how to reach the relay. Password is a secret: printed or
// logged, Options shows everything but it (String, GoString, LogValue).
type Options struct {
	Host     string
	Port     int
	TLS      string // mandatory | implicit | opportunistic | none
	Auth     string // "", auto, plain, login, cram-md5, scram-sha-*, xoauth2, none
	Username string
	Password string
	// CAFile is a PEM bundle trusted besides the system's CAs.
	CAFile   string
	HeloName string
	// Timeout bounds a dial, the commands of a message and the writing of
	// its content (mail.delivery.timeout).
	Timeout time.Duration
	// DataTimeout bounds the wait for the answer to the end of a message's
	// content (mail.delivery.data_timeout; default 10 minutes, RFC 5321
	// 4.5.3.2). The relay has the message by then: giving up early would
	// send again a message it may have taken.
	DataTimeout time.Duration
	// IdleTimeout: a connection unused for this long is closed, and not reused.
	IdleTimeout time.Duration
	Envelope    message.Envelope
	// NoPipelining sends one command at a time (go-mail's SMTP client) even
	// where the server offers PIPELINING (tests of both paths).
	NoPipelining bool
}

// FromConfig reads Options from the mail section.
func FromConfig(m config.Mail, env message.Envelope) Options {
	s := m.SMTP
	return Options{
		Host: s.Host, Port: s.Port, TLS: s.TLS, Auth: s.Auth,
		Username: s.Username, Password: s.Password.Reveal(),
		CAFile: s.CAFile, HeloName: s.HeloName,
		Timeout: m.Delivery.Timeout.D(), DataTimeout: m.Delivery.DataTimeout.D(), IdleTimeout: s.IdleTimeout.D(),
		Envelope: env,
	}
}

// String describes the relay without its password.
func (o Options) String() string {
	who := ""
	if o.Username != "" {
		who = o.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s (tls %s)", who, net.JoinHostPort(o.Host, strconv.Itoa(o.Port)), o.TLS)
}

// GoString is String, for %#v.
func (o Options) GoString() string { return o.String() }

// LogValue is String, for slog.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// Relay is a notify.Sender that delivers through one SMTP relay. It is safe
// for concurrent use: each Send takes a connection of its own from the pool.
type Relay struct {
	client  *gomail.Client
	env     message.Envelope
	addr    string
	tls     string
	user    string
	idle    time.Duration
	timeout time.Duration
	// dataTimeout bounds the wait for the answer to the end of DATA.
	dataTimeout time.Duration
	now         func() time.Time

	noPipelining bool

	// from is the envelope sender, parsed once (fromErr if it cannot be).
	fromOnce sync.Once
	from     string
	fromErr  error

	// dialMu serialises dials: go-mail's choice of SASL mechanism writes to
	// the shared client. A dial that failed while others waited for it gives
	// them its error, so a wrong password is tried once, not once per worker.
	dialMu      sync.Mutex
	dialErr     error
	dialErrTime time.Time

	mu     sync.Mutex
	free   []*conn // idle connections, oldest first
	closed bool
	pruner *time.Timer
}

type conn struct {
	smtp       *gosmtp.Client
	used       time.Time
	pipelining bool // the server offers PIPELINING
	eightBit   bool // the server offers 8BITMIME
}

// DefaultDataTimeout is the wait for the answer to the end of DATA that
// RFC 5321 (4.5.3.2) asks a client to allow, and Postfix's
// smtp_data_done_timeout.
const DefaultDataTimeout = 10 * time.Minute

// New checks the options and returns a Relay; it does not dial yet.
func New(o Options) (*Relay, error) {
	if o.Host == "" {
		return nil, errors.New("mail.smtp.host is empty")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.DataTimeout <= 0 {
		o.DataTimeout = DefaultDataTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Second
	}
	tc := &tls.Config{ServerName: o.Host, MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mail.smtp.ca_file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mail.smtp.ca_file: %s holds no PEM certificate", o.CAFile)
		}
		tc.RootCAs = pool
	}
	opts := []gomail.Option{
		gomail.WithPort(o.Port),
		gomail.WithTimeout(o.Timeout),
		gomail.WithTLSConfig(tc),
		// A finished transaction needs no RSET, and a pooled connection is
		// checked by using it: two round trips saved per message.
		gomail.WithoutRset(),
		gomail.WithoutNoop(),
	}
	switch o.TLS {
	case "", "mandatory":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "implicit":
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("mail.smtp.tls: unknown mode %q", o.TLS)
	}
	if o.HeloName != "" {
		opts = append(opts, gomail.WithHELO(o.HeloName))
	}
	authOpts, err := authOptions(o)
	if err != nil {
		return nil, err
	}
	opts = append(opts, authOpts...)
	client, err := gomail.NewClient(o.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return &Relay{
		client: client, env: o.Envelope, addr: net.JoinHostPort(o.Host, strconv.Itoa(o.Port)),
		tls: o.TLS, user: o.Username, idle: o.IdleTimeout, timeout: o.Timeout, dataTimeout: o.DataTimeout, now: time.Now,
		noPipelining: o.NoPipelining,
	}, nil
}

// authOptions maps mail.smtp.auth to go-mail's mechanisms.
func authOptions(o Options) ([]gomail.Option, error) {
	mech := strings.ToLower(o.Auth)
	if mech == "none" || (mech == "" && o.Username == "") {
		return nil, nil
	}
	creds := []gomail.Option{gomail.WithUsername(o.Username), gomail.WithPassword(o.Password)}
	var t gomail.SMTPAuthType
	switch mech {
	case "":
		// PLAIN or LOGIN, whichever the server offers; failing both, the
		// strongest mechanism it offers.
		return append(creds, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin)), nil
	case "auto":
		t = gomail.SMTPAuthAutoDiscover
	case "plain":
		t = gomail.SMTPAuthPlain
	case "login":
		t = gomail.SMTPAuthLogin
	case "cram-md5":
		t = gomail.SMTPAuthCramMD5
	case "scram-sha-1":
		t = gomail.SMTPAuthSCRAMSHA1
	case "scram-sha-1-plus":
		t = gomail.SMTPAuthSCRAMSHA1PLUS
	case "scram-sha-256":
		t = gomail.SMTPAuthSCRAMSHA256
	case "scram-sha-256-plus":
		t = gomail.SMTPAuthSCRAMSHA256PLUS
	case "xoauth2":
		t = gomail.SMTPAuthXOAUTH2
	default:
		return nil, fmt.Errorf("mail.smtp.auth: unknown mechanism %q", o.Auth)
	}
	return append(creds, gomail.WithSMTPAuth(t)), nil
}

// Send delivers m on a pooled connection: the message's wire form, as
// planned, re-encoded in 7 bits for a relay without 8BITMIME. The reply of a
// sent message is the server's ("250 2.0.0 Ok: queued as 4XyZ"). A recipient
// refused while others were accepted (a Cc whose mailbox is gone) does not
// stop the message: it goes to the others, and the refusal is in
// sent.Refused. A 5xx to every RCPT, or to DATA, fails the message; a 4xx, a
// timeout or a broken connection asks for a retry; a failure to connect, to
// start TLS or to log in, or a refused sender, is a *notify.RelayError.
func (r *Relay) Send(ctx context.Context, m *notify.Message) (sent notify.Sent, retry bool, err error) {
	t, err := r.newTx(m)
	if err != nil {
		return notify.Sent{}, false, err
	}
	return r.send(ctx, t, nil, false)
}

// tx is a message ready to go: its envelope, and its content in 8 bits and
// (made when a relay without 8BITMIME needs it) in 7.
type tx struct {
	m        *notify.Message
	wire     []byte
	sevenBit []byte
	data     []byte // what a stream sends: wire or sevenBit
	from     string
	rcpts    []string
}

func (r *Relay) newTx(m *notify.Message) (*tx, error) {
	wire, err := message.WireOf(m, r.env)
	if err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	from, rcpts, err := r.envelopeOf(m)
	if err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	return &tx{m: m, wire: wire, from: from, rcpts: rcpts}, nil
}

// content is the message's bytes for a connection with or without 8BITMIME.
func (t *tx) content(eightBit bool) ([]byte, error) {
	if eightBit {
		return t.wire, nil
	}
	if t.sevenBit == nil {
		b, err := message.SevenBit(t.wire)
		if err != nil {
			return nil, fmt.Errorf("message: %w", err)
		}
		t.sevenBit = b
	}
	return t.sevenBit, nil
}

// send is Send of a prepared message, on c if it is not nil (reused: it
// came from the pool), else on a connection from the pool.
func (r *Relay) send(ctx context.Context, t *tx, c *conn, reused bool) (sent notify.Sent, retry bool, err error) {
	var none notify.Sent
	for try := 0; ; try++ {
		if c == nil {
			if c, reused, err = r.get(ctx); err != nil {
				return none, true, &notify.RelayError{Err: err}
			}
		}
		data, err := t.content(c.eightBit)
		if err != nil {
			r.put(c)
			return none, false, err
		}
		var reply string
		var refused []*txError
		var te *txError
		if canPipeline(c, t.from, t.rcpts) {
			reply, refused, te = pipelined(c, r.timeout, r.dataTimeout, data, t.from, t.rcpts, c.eightBit)
		} else {
			reply, refused, te = stepwise(c, r.timeout, r.dataTimeout, data, t.from, t.rcpts)
		}
		if te == nil {
			r.put(c)
			return notify.Sent{Reply: reply, Refused: r.refusals(t.m, refused)}, false, nil
		}
		keep, stale, retry, err := r.judge(te)
		if keep {
			r.put(c)
		} else {
			r.discard(c)
		}
		if stale && reused && try == 0 {
			// The server closed an idle connection before we noticed; nothing
			// of the message reached it. Try once on a fresh connection.
			c = nil
			continue
		}
		return none, retry, err
	}
}

// judge says what a failed transaction means: whether its connection can
// carry the next message (keep), whether nothing of the message reached the
// server on a connection found dead (stale), whether to retry, and the
// message's error.
func (r *Relay) judge(te *txError) (keep, stale, retry bool, err error) {
	v := classifyTx(te)
	e := fmt.Errorf("%s: %s", r.addr, v.text)
	if v.relay {
		return v.keep, v.stale, true, &notify.RelayError{Err: e}
	}
	return v.keep, v.stale, v.retry, e
}

// refusals are the recipients of m that the relay refused while it accepted
// the message for the others: retried for a 4xx, failed for a 5xx.
func (r *Relay) refusals(m *notify.Message, refused []*txError) []notify.Refusal {
	var out []notify.Refusal
	for _, e := range refused {
		email := strings.Trim(e.Rcpt, "<>")
		for _, to := range append([]notify.Recipient{m.To}, m.Cc...) {
			if (&mail.Address{Address: to.Email}).String() == e.Rcpt {
				email = to.Email
				break
			}
		}
		out = append(out, notify.Refusal{Email: email, Err: fmt.Errorf("%s: %s", r.addr, e.Error()), Retry: e.Code < 500})
	}
	return out
}

// envelopeOf is the SMTP envelope of m, as go-mail writes it: "<a@b.vn>".
func (r *Relay) envelopeOf(m *notify.Message) (from string, rcpts []string, err error) {
	r.fromOnce.Do(func() {
		f, err := mail.ParseAddress(r.env.From)
		if err != nil {
			r.fromErr = fmt.Errorf("mail.from: %w", err)
			return
		}
		r.from = (&mail.Address{Address: f.Address}).String()
	})
	if r.fromErr != nil {
		return "", nil, r.fromErr
	}
	rcpts = make([]string, 0, 1+len(m.Cc))
	rcpts = append(rcpts, (&mail.Address{Address: m.To.Email}).String())
	for _, c := range m.Cc {
		rcpts = append(rcpts, (&mail.Address{Address: c.Email}).String())
	}
	return r.from, rcpts, nil
}

// verdict is what a failed transaction means for the message and the connection.
type verdict struct {
	retry bool   // may succeed later
	relay bool   // the relay refuses every message (our sender address)
	keep  bool   // the connection is still usable
	stale bool   // failed before the message was transmitted, on a network error
	text  string // for the row's reply and the logs
}

// quotedReply is a server reply as net/textproto prints it: 550 "5.1.1 ...".
var quotedReply = regexp.MustCompile(`\b([2-5][0-9][0-9]) ("(?:[^"\\]|\\.)*")`)

// unquoteReplies prints server replies as the server wrote them.
func unquoteReplies(s string) string {
	return quotedReply.ReplaceAllStringFunc(s, func(m string) string {
		code, q, _ := strings.Cut(m, " ")
		if u, err := strconv.Unquote(q); err == nil {
			return code + " " + u
		}
		return m
	})
}

// get returns a live connection: the most recently used idle one, or a new one.
func (r *Relay) get(ctx context.Context) (*conn, bool, error) {
	now := r.now()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, false, errors.New("relay closed")
	}
	var stale []*conn
	var c *conn
	for len(r.free) > 0 {
		last := r.free[len(r.free)-1]
		r.free = r.free[:len(r.free)-1]
		if now.Sub(last.used) < r.idle {
			c = last
			break
		}
		stale = append(stale, last)
	}
	if c == nil {
		// Everything older than the newest stale one is stale too.
		stale = append(stale, r.free...)
		r.free = nil
	}
	r.mu.Unlock()
	for _, s := range stale {
		go quit(s)
	}
	if c != nil {
		return c, true, nil
	}
	c, err := r.dial(ctx)
	return c, false, err
}

// dialCoolDown: a dial that failed this recently is not tried again; its
// error is the answer (workers racing to the same refusal).
const dialCoolDown = time.Second

func (r *Relay) dial(ctx context.Context) (*conn, error) {
	asked := time.Now()
	r.dialMu.Lock()
	defer r.dialMu.Unlock()
	if r.dialErr != nil && (r.dialErrTime.After(asked) || time.Since(r.dialErrTime) < dialCoolDown) {
		return nil, r.dialErr
	}
	sc, err := r.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		r.dialErr, r.dialErrTime = r.dialError(err), time.Now()
		return nil, r.dialErr
	}
	r.dialErr = nil
	pipelining, _ := sc.Extension("PIPELINING")
	pipelining = pipelining && !r.noPipelining
	eightBit, _ := sc.Extension("8BITMIME")
	return &conn{smtp: sc, used: r.now(), pipelining: pipelining, eightBit: eightBit}, nil
}

// dialError says in plain words why the relay could not be used.
func (r *Relay) dialError(err error) error {
	msg := unquoteReplies(err.Error())
	var cv *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case strings.Contains(msg, "does not support STARTTLS"):
		return fmt.Errorf("%s does not offer STARTTLS and mail.smtp.tls is mandatory: refusing to send in clear text "+
			"(use tls: implicit for port 465; opportunistic or none only for a relay you trust)", r.addr)
	case errors.As(err, &cv):
		return fmt.Errorf("%s: TLS certificate not trusted: %v (mail.smtp.ca_file can name a private CA)", r.addr, cv.Err)
	case strings.Contains(msg, "SMTP AUTH failed"):
		return fmt.Errorf("%s: login as %q refused: %s (check mail.smtp.username and mail.smtp.password)",
			r.addr, r.user, strings.TrimPrefix(msg, "SMTP AUTH failed: "))
	case strings.Contains(msg, "server does not support SMTP AUTH"), strings.Contains(msg, "AuthNotSupported"),
		strings.Contains(msg, "not supported by server"):
		return fmt.Errorf("%s: %s (mail.smtp.auth, mail.smtp.tls: many servers offer AUTH only after STARTTLS)", r.addr, msg)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("connect to %s: no answer within mail.delivery.timeout: %w", r.addr, err)
	}
	return fmt.Errorf("connect to %s: %s", r.addr, msg)
}

// put returns a healthy connection to the pool.
func (r *Relay) put(c *conn) {
	c.used = r.now()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		go quit(c)
		return
	}
	r.free = append(r.free, c)
	if r.pruner == nil {
		r.pruner = time.AfterFunc(r.idle, r.prune)
	}
	r.mu.Unlock()
}

// discard drops a connection that cannot be trusted any more.
func (r *Relay) discard(c *conn) { c.smtp.Close() }

// prune closes connections idle for IdleTimeout, so that the relay's own idle
// limit never finds them first.
func (r *Relay) prune() {
	now := r.now()
	r.mu.Lock()
	r.pruner = nil
	i := 0
	for i < len(r.free) && now.Sub(r.free[i].used) >= r.idle {
		i++
	}
	old := append([]*conn(nil), r.free[:i]...)
	r.free = append(r.free[:0], r.free[i:]...)
	if len(r.free) > 0 && !r.closed {
		r.pruner = time.AfterFunc(r.idle-now.Sub(r.free[0].used), r.prune)
	}
	r.mu.Unlock()
	for _, c := range old {
		quit(c)
	}
}

// Close says QUIT on every idle connection. Sends after Close fail.
func (r *Relay) Close() error {
	r.mu.Lock()
	r.closed = true
	free := r.free
	r.free = nil
	if r.pruner != nil {
		r.pruner.Stop()
	}
	r.mu.Unlock()
	for _, c := range free {
		quit(c)
	}
	return nil
}

// quit ends a connection politely, but without waiting long for it.
func quit(c *conn) {
	c.smtp.UpdateDeadline(2 * time.Second)
	if err := c.smtp.Quit(); err != nil {
		c.smtp.Close()
	}
}

// Addr is the relay's host:port.
func (r *Relay) Addr() string { return r.addr }
