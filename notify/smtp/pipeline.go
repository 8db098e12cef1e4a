package smtp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"sync"
	"time"
	"unicode/utf8"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// A transaction takes four round trips one command at a time (MAIL, RCPT,
// DATA, the content). Relays that offer PIPELINING (RFC 2920; Postfix, Exim,
// Exchange and go-smtp all do) take MAIL, RCPT and DATA in one write, which
// halves the round trips and the system calls of a message. This file does
// that on the connection go-mail dialled, secured and logged in; without
// PIPELINING, or for an address that needs SMTPUTF8, stepwise sends the
// commands one by one through go-mail's SMTP client.

// txError is a failed step of a transaction: the server's reply (Code > 0)
// or a network error.
type txError struct {
	Step   string // MAIL FROM, RCPT TO <x>, DATA, end of DATA, writing the message
	Code   int
	Text   string
	Err    error
	Broken bool // the connection is not in a known state
	// DataWait: the error came while waiting for the answer to the end of
	// DATA (the data timeout, not the command timeout).
	DataWait bool
	// Rcpt is the recipient refused, as in RCPT TO ("<a@b.vn>").
	Rcpt string
}

func (e *txError) Error() string {
	if e.Code > 0 {
		return fmt.Sprintf("%s: %d %s", e.Step, e.Code, e.Text)
	}
	return fmt.Sprintf("%s: %v", e.Step, e.Err)
}

func stepErr(step string, err error) *txError {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &txError{Step: step, Code: te.Code, Text: te.Msg, Err: err}
	}
	return &txError{Step: step, Err: err, Broken: true}
}

// canPipeline reports whether the fast path may carry a message: the
// server pipelines, and every address is ASCII (no SMTPUTF8 needed).
func canPipeline(c *conn, from string, rcpts []string) bool {
	if !c.pipelining {
		return false
	}
	for _, a := range append([]string{from}, rcpts...) {
		for i := 0; i < len(a); i++ {
			if a[i] >= utf8.RuneSelf {
				return false
			}
		}
	}
	return true
}

// pipelined sends msg in one transaction: MAIL, RCPT(s) and (for a single
// recipient) DATA in one write, then the content. With several recipients
// DATA waits for their replies: the message goes to the recipients the
// server accepted, and those it refused are returned with the reply (as
// Postfix does), unless it refused them all. After a refusal of the message
// the transaction is reset, so the connection can carry the next message.
func pipelined(c *conn, timeout, dataTimeout time.Duration, data []byte, from string, rcpts []string, eightBit bool) (
	reply string, refusedRcpts []*txError, txErr *txError) {
	if err := c.smtp.UpdateDeadline(timeout); err != nil {
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	t := c.smtp.Text
	single := len(rcpts) == 1
	body := ""
	if eightBit {
		body = " BODY=8BITMIME" // RFC 6152
	}
	fmt.Fprintf(t.W, "MAIL FROM:%s%s\r\n", from, body)
	for _, r := range rcpts {
		fmt.Fprintf(t.W, "RCPT TO:%s\r\n", r)
	}
	if single {
		t.W.WriteString("DATA\r\n")
	}
	if err := t.W.Flush(); err != nil {
		return "", nil, &txError{Step: "MAIL FROM", Err: err, Broken: true}
	}
	var refused *txError
	if _, _, err := t.ReadResponse(250); err != nil {
		if refused = stepErr("MAIL FROM", err); refused.Broken || closing(refused) {
			return "", nil, refused
		}
	}
	for _, r := range rcpts {
		if _, _, err := t.ReadResponse(25); err != nil {
			e := stepErr("RCPT TO "+r, err)
			if e.Broken || closing(e) {
				return "", nil, e
			}
			e.Rcpt = r
			refusedRcpts = append(refusedRcpts, e)
		}
	}
	if refused == nil && len(refusedRcpts) == len(rcpts) {
		refused = noRecipient(refusedRcpts)
	}
	if !single && refused == nil {
		t.W.WriteString("DATA\r\n")
		if err := t.W.Flush(); err != nil {
			return "", nil, &txError{Step: "DATA", Err: err, Broken: true}
		}
	}
	if single || refused == nil {
		_, _, err := t.ReadResponse(354)
		switch {
		case err == nil && refused != nil:
			// The server would take content although it refused the
			// envelope: the only safe way out is to drop the connection.
			refused.Broken = true
			return "", nil, refused
		case err != nil && refused == nil:
			if refused = stepErr("DATA", err); refused.Broken {
				return "", nil, refused
			}
		}
	}
	if refused != nil {
		return "", nil, reset(t, refused)
	}
	if err := c.smtp.UpdateDeadline(timeout); err != nil {
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	if err := writeData(t.W, data); err != nil {
		return "", nil, &txError{Step: "end of DATA", Err: err, Broken: true}
	}
	// The relay has the message: it may take its time to queue it.
	if err := c.smtp.UpdateDeadline(dataTimeout); err != nil {
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	_, text, err := t.ReadResponse(250)
	if err != nil {
		// After the end of DATA the transaction is over either way.
		return "", nil, dataWaitErr(err)
	}
	return "250 " + text, refusedRcpts, nil
}

// stepwise sends data in one transaction, a command at a time, through
// go-mail's SMTP client (which adds SMTPUTF8 and BODY=8BITMIME where the
// server offers them). As pipelined, it sends to the recipients the server
// accepted and returns those it refused. After a refusal of the message the
// transaction is reset.
func stepwise(c *conn, timeout, dataTimeout time.Duration, data []byte, from string, rcpts []string) (
	reply string, refusedRcpts []*txError, txErr *txError) {
	if err := c.smtp.UpdateDeadline(timeout); err != nil {
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	refused := func(e *txError) *txError {
		if e.Broken || closing(e) {
			return e
		}
		if err := c.smtp.Reset(); err != nil {
			e.Broken = true
		}
		return e
	}
	if err := c.smtp.Mail(from); err != nil {
		return "", nil, refused(stepErr("MAIL FROM", err))
	}
	for _, r := range rcpts {
		if err := c.smtp.Rcpt(r); err != nil {
			e := stepErr("RCPT TO "+r, err)
			if e.Broken || closing(e) {
				return "", nil, e
			}
			e.Rcpt = r
			refusedRcpts = append(refusedRcpts, e)
		}
	}
	if len(refusedRcpts) == len(rcpts) {
		return "", nil, refused(noRecipient(refusedRcpts))
	}
	w, err := c.smtp.Data()
	if err != nil {
		return "", nil, refused(stepErr("DATA", err))
	}
	if err := c.smtp.UpdateDeadline(timeout); err != nil {
		w.Close()
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return "", nil, &txError{Step: "end of DATA", Err: err, Broken: true}
	}
	// Close writes the end of the content and waits for the answer: the
	// relay has the message, and may take its time to queue it.
	if err := c.smtp.UpdateDeadline(dataTimeout); err != nil {
		w.Close()
		return "", nil, &txError{Step: "connection", Err: err, Broken: true}
	}
	if err := w.Close(); err != nil {
		// After the end of DATA the transaction is over either way.
		return "", nil, dataWaitErr(err)
	}
	reply = "250"
	if dc, ok := w.(*gosmtp.DataCloser); ok && dc.ServerResponse() != "" {
		reply += " " + dc.ServerResponse()
	}
	return reply, refusedRcpts, nil
}

// noRecipient is the refusal of a message whose every recipient the server
// refused: a temporary refusal if there is one (the message is tried again,
// and a recipient refused for good then becomes a failure of its own), with
// the server's answer for each.
func noRecipient(refused []*txError) *txError {
	e := *refused[0]
	for _, r := range refused {
		if r.Code < 500 {
			e = *r
			break
		}
	}
	for _, r := range refused {
		if r.Rcpt != e.Rcpt {
			e.Text += "; " + r.Error()
		}
	}
	return &e
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeData writes a message as the content of DATA, with CRLF line ends,
// dot-stuffed and ended with CRLF.CRLF: what textproto's DotWriter does a
// byte at a time, in a few bulk copies.
func writeData(w *bufio.Writer, data []byte) error {
	if err := writeContent(w, data); err != nil {
		return err
	}
	return w.Flush()
}

// byteWriter is a *bufio.Writer or a *bytes.Buffer.
type byteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// writeContent is writeData without the flush.
func writeContent(w byteWriter, data []byte) error {
	b := data
	crlf, dots := lines(b)
	if !crlf {
		// Bare LFs (a body from elsewhere) or no final line end: SMTP wants
		// every line ended by CRLF.
		buf := buffers.Get().(*bytes.Buffer)
		defer buffers.Put(buf)
		buf.Reset()
		buf.Write(bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")))
		if !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
			buf.WriteString("\r\n")
		}
		b = buf.Bytes()
		dots = true // looked for below
	}
	if b[0] == '.' {
		w.WriteByte('.')
	}
	// Usually no line starts with a dot and the whole message goes in one
	// write.
	for dots {
		i := bytes.Index(b, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(b[:i+1])
		w.WriteByte('.')
		b = b[i+1:]
	}
	w.Write(b)
	_, err := w.WriteString(".\r\n")
	return err
}

// lines reports, in one pass over b, whether every line of b ends with
// CRLF (b ends with one, and holds no bare LF), and whether a line after the
// first starts with a dot. A digest at a province is 3 GB of content: the
// two counts and the search this replaced were nearly a tenth of delivery's
// CPU.
func lines(b []byte) (crlf, dots bool) {
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		return false, false
	}
	for i := 0; ; i++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return true, dots
		}
		i += j
		if i == 0 || b[i-1] != '\r' {
			return false, false
		}
		if i+1 < len(b) && b[i+1] == '.' {
			dots = true
		}
	}
}

// dataWaitErr is a failed wait for the answer to the end of DATA.
func dataWaitErr(err error) *txError {
	e := stepErr("end of DATA", err)
	e.DataWait = true
	return e
}

// closing reports a 421: the server closes the connection after it, so no
// further reply will come.
func closing(e *txError) bool {
	if e.Code == 421 {
		e.Broken = true
		return true
	}
	return false
}

// reset ends a refused transaction with RSET; a connection that does not
// answer it is marked broken.
func reset(t *textproto.Conn, refused *txError) *txError {
	t.W.WriteString("RSET\r\n")
	if err := t.W.Flush(); err != nil {
		refused.Broken = true
		return refused
	}
	if _, _, err := t.ReadResponse(250); err != nil {
		refused.Broken = true
	}
	return refused
}

// classifyTx is classify for the pipelined path.
func classifyTx(e *txError) verdict {
	text := e.Error()
	mailFrom := e.Step == "MAIL FROM"
	switch {
	case e.Code == 421:
		return verdict{retry: true, stale: mailFrom, text: text}
	case e.Code >= 400 && e.Code < 500:
		return verdict{retry: true, keep: !e.Broken, text: text}
	case e.Code >= 500 && mailFrom:
		return verdict{retry: true, relay: true, keep: !e.Broken, text: text}
	case e.Code >= 500:
		return verdict{keep: !e.Broken, text: text}
	}
	switch {
	case isTimeout(e.Err) && e.DataWait:
		text += " (no answer within mail.delivery.data_timeout)"
	case isTimeout(e.Err):
		text += " (no answer within mail.delivery.timeout)"
	}
	return verdict{retry: true, stale: mailFrom, text: text}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
