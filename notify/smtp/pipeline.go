package smtp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/textproto"
	"sync"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// go-mail sends a message in four round trips (MAIL, RCPT, DATA, the
// content). Relays that offer PIPELINING (RFC 2920; Postfix, Exim, Exchange
// and go-smtp all do) take MAIL, RCPT and DATA in one write, which halves the
// round trips and the system calls of a message. This file does that on the
// connection go-mail dialled, secured and logged in; without PIPELINING, or
// for an address that needs SMTPUTF8, Send keeps go-mail's own transaction.

// txError is a failed step of a transaction: the server's reply (Code > 0)
// or a network error.
type txError struct {
	Step   string // MAIL FROM, RCPT TO <x>, DATA, end of DATA, writing the message
	Code   int
	Text   string
	Err    error
	Broken bool // the connection is not in a known state
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
// DATA waits for their replies, so that a refused copy never leaves a
// message half-addressed. After a refusal the transaction is reset, so the
// connection can carry the next message.
func pipelined(c *conn, timeout time.Duration, msg *gomail.Msg, from string, rcpts []string, eightBit bool) (string, error) {
	if err := c.smtp.UpdateDeadline(timeout); err != nil {
		return "", &txError{Step: "connection", Err: err, Broken: true}
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
		return "", &txError{Step: "MAIL FROM", Err: err, Broken: true}
	}
	var refused *txError
	if _, _, err := t.ReadResponse(250); err != nil {
		if refused = stepErr("MAIL FROM", err); refused.Broken || closing(refused) {
			return "", refused
		}
	}
	for _, r := range rcpts {
		if _, _, err := t.ReadResponse(25); err != nil {
			e := stepErr("RCPT TO "+r, err)
			if e.Broken || closing(e) {
				return "", e
			}
			if refused == nil {
				refused = e
			}
		}
	}
	if !single && refused == nil {
		t.W.WriteString("DATA\r\n")
		if err := t.W.Flush(); err != nil {
			return "", &txError{Step: "DATA", Err: err, Broken: true}
		}
	}
	if single || refused == nil {
		_, _, err := t.ReadResponse(354)
		switch {
		case err == nil && refused != nil:
			// The server would take content although it refused the
			// envelope: the only safe way out is to drop the connection.
			refused.Broken = true
			return "", refused
		case err != nil && refused == nil:
			if refused = stepErr("DATA", err); refused.Broken {
				return "", refused
			}
		}
	}
	if refused != nil {
		return "", reset(t, refused)
	}
	if err := writeData(t.W, msg); err != nil {
		return "", &txError{Step: "end of DATA", Err: err, Broken: true}
	}
	_, text, err := t.ReadResponse(250)
	if err != nil {
		// After the end of DATA the transaction is over either way.
		return "", stepErr("end of DATA", err)
	}
	return "250 " + text, nil
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeData writes msg as the content of DATA, with CRLF line ends,
// dot-stuffed and ended with CRLF.CRLF: what textproto's DotWriter does a
// byte at a time, in a few bulk copies.
func writeData(w *bufio.Writer, msg *gomail.Msg) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	if _, err := msg.WriteTo(buf); err != nil {
		return err
	}
	b := buf.Bytes()
	if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		// 8-bit bodies keep the templates' bare LFs: SMTP wants CRLF.
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		buf.Reset()
		buf.Write(b)
		b = buf.Bytes()
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		buf.WriteString("\r\n")
	}
	buf.WriteString(".\r\n")
	b = buf.Bytes()
	if b[0] == '.' {
		w.WriteByte('.')
	}
	// Usually no line starts with a dot and the whole message, terminator
	// included, goes in one write.
	for {
		i := bytes.Index(b, []byte("\n."))
		if i < 0 || i+2 == len(b)-2 { // the terminator's own "\n.\r\n"
			break
		}
		w.Write(b[:i+1])
		w.WriteByte('.')
		b = b[i+1:]
	}
	w.Write(b)
	return w.Flush()
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
	if isTimeout(e.Err) {
		text += " (no answer within mail.delivery.timeout)"
	}
	return verdict{retry: true, stale: mailFrom, text: text}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
