// Package smtptest runs a real SMTP server (emersion/go-smtp) on 127.0.0.1:0
// inside a test, keeps or counts what it accepts by Message-ID, and can be
// told to misbehave: answer a command with an error, drop the connection
// mid-DATA, answer slowly, require a login, offer STARTTLS with a test CA.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/textproto"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape a Server.
type Options struct {
	// TLS, when set, is offered with STARTTLS (or, with Implicit, spoken from
	// the first byte).
	TLS      *tls.Config
	Implicit bool
	// Users, when set, makes AUTH PLAIN required before MAIL FROM.
	Users map[string]string
	// ReadTimeout closes a connection idle for this long (0: never).
	ReadTimeout time.Duration
	// Hook, when set, is called at each step ("mail", "rcpt", "data") with
	// the step's count across the server (from 1); a non-nil error is the
	// server's answer instead of success. At "data" it may also read from
	// body, sleep, or close the connection.
	Hook func(step string, n int, c *smtp.Conn, body io.Reader) error
	// Rcpt, when set, is asked about each RCPT TO with its address, after
	// Hook: a non-nil error refuses that recipient, and the transaction goes
	// on for the others.
	Rcpt func(to string) error
	// Keep keeps each accepted message's bytes (otherwise only counts).
	Keep bool
	// OnAccept, when set, is called after each accepted message, with the
	// number of messages accepted so far.
	OnAccept func(accepted int)
	// No8BitMIME: the server does not offer 8BITMIME, as an old relay
	// (on connections without TLS).
	No8BitMIME bool
}

// Message is one accepted message.
type Message struct {
	From      string
	Body      string // the BODY parameter of MAIL FROM (8BITMIME)
	To        []string
	MessageID string
	Data      []byte // with Keep
	Session   int    // which connection carried it (from 1)
	TLS       bool
	User      string // the login, with Users
}

// Server is a running test SMTP server.
type Server struct {
	Addr string
	Host string
	Port int

	opts Options
	srv  *smtp.Server

	mu       sync.Mutex
	msgs     []Message
	ids      map[string]int
	steps    map[string]int
	sessions int
	open     int
	closed   chan struct{} // signalled when a session ends
	auths    int
	accepted int
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := Listen(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Listen runs a server until Close (for programs; tests use Start).
func Listen(o Options) (*Server, error) {
	s := &Server{opts: o, ids: map[string]int{}, steps: map[string]int{}, closed: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "sink.test"
	s.srv.MaxRecipients = 100
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.ReadTimeout = o.ReadTimeout
	s.srv.ErrorLog = discardLog{}
	s.srv.AllowInsecureAuth = o.TLS == nil
	var ln net.Listener
	var err error
	if o.Implicit && o.TLS != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", o.TLS)
	} else {
		s.srv.TLSConfig = o.TLS
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, err
	}
	if o.No8BitMIME {
		ln = no8BitListener{ln}
	}
	s.Addr = ln.Addr().String()
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns the accepted messages (their Data only with Keep).
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Copies returns how many times each Message-ID was accepted.
func (s *Server) Copies() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.ids))
	for k, v := range s.ids {
		out[k] = v
	}
	return out
}

// Received is how many accepted messages named addr in their envelope: the
// copies that reached that mailbox.
func (s *Server) Received(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		for _, to := range m.To {
			if to == addr {
				n++
			}
		}
	}
	return n
}

// Accepted is the number of messages accepted.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Sessions is the number of connections opened.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// AuthAttempts is the number of AUTH exchanges.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Steps is how often a step ("mail", "rcpt", "data") was reached.
func (s *Server) Steps(step string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps[step]
}

// no8BitListener hides 8BITMIME from the EHLO reply of go-smtp, which
// always offers it.
type no8BitListener struct{ net.Listener }

func (l no8BitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return no8BitConn{c}, nil
}

type no8BitConn struct{ net.Conn }

func (c no8BitConn) Write(p []byte) (int, error) {
	// The same length, so that the count written stays true.
	return c.Conn.Write(bytes.ReplaceAll(p, []byte("250-8BITMIME\r\n"), []byte("250-XNOEIGHT\r\n")))
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.open++
	n := s.sessions
	s.mu.Unlock()
	return &session{s: s, c: c, n: n}, nil
}

type session struct {
	s    *Server
	c    *smtp.Conn
	n    int
	user string
	from string
	body string
	to   []string
}

func (ss *session) step(name string, body io.Reader) error {
	ss.s.mu.Lock()
	ss.s.steps[name]++
	n := ss.s.steps[name]
	ss.s.mu.Unlock()
	if ss.s.opts.Hook != nil {
		return ss.s.opts.Hook(name, n, ss.c, body)
	}
	return nil
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.s.mu.Lock()
		ss.s.auths++
		ss.s.mu.Unlock()
		if want, ok := ss.s.opts.Users[username]; !ok || want != password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	if ss.s.opts.Users != nil && ss.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if err := ss.step("mail", nil); err != nil {
		return err
	}
	ss.from = from
	if opts != nil {
		ss.body = string(opts.Body)
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.step("rcpt", nil); err != nil {
		return err
	}
	if ss.s.opts.Rcpt != nil {
		if err := ss.s.opts.Rcpt(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	body := io.TeeReader(r, &buf)
	if err := ss.step("data", body); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	id := messageID(buf.Bytes())
	m := Message{From: ss.from, Body: ss.body, To: ss.to, MessageID: id, Session: ss.n, User: ss.user}
	_, m.TLS = ss.c.TLSConnectionState()
	if ss.s.opts.Keep {
		m.Data = buf.Bytes()
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.ids[id]++
	ss.s.accepted++
	n := ss.s.accepted
	ss.s.mu.Unlock()
	if ss.s.opts.OnAccept != nil {
		ss.s.opts.OnAccept(n)
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.body, ss.to = "", "", nil }

func (ss *session) Logout() error {
	ss.s.mu.Lock()
	ss.s.open--
	ss.s.mu.Unlock()
	select {
	case ss.s.closed <- struct{}{}:
	default:
	}
	return nil
}

// WaitIdle waits until no connection is open (the client closed them all,
// or died), or until timeout; it reports whether none is open.
func (s *Server) WaitIdle(timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		open := s.open
		s.mu.Unlock()
		if open == 0 {
			return true
		}
		select {
		case <-s.closed:
		case <-deadline:
			return false
		}
	}
}

// messageID reads the Message-ID header of a message.
func messageID(data []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return h.Get("Message-Id")
}

// CA is a test certificate authority with a server certificate for
// 127.0.0.1 and localhost.
type CA struct {
	PEM    []byte      // the CA certificate, for mail.smtp.ca_file
	Server *tls.Config // the server's TLS configuration
}

// NewCA makes a CA and a server certificate signed by it.
func NewCA(t testing.TB) *CA {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tickler test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return &CA{
		PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Server: &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
			MinVersion:   tls.VersionTLS12,
		},
	}
}
