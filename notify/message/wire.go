package message

import (
	"bufio"
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"sync"

	"github.com/tickler-dev/tickler/notify"
)

// A message's wire form is the RFC 5322 bytes, CRLF line ends, that
// writeWire makes (as go-mail's Build and WriteTo would, by hand and a
// fifth of the time). The deliverer makes it when it claims a message
// planned to be rendered at send; the outbox keeps it (deliveries.wire)
// for the messages rendered at planning. A sender only writes those bytes.
//
// Bodies are kept 8-bit (UTF-8 as it is; quoted-printable only for a line
// longer than SMTP's 998 octets): a third smaller than quoted-printable for
// Vietnamese, less to write, to read back and to send, and readable in a .eml
// file. Every relay in use offers 8BITMIME (Postfix, Exim, Exchange, go-smtp);
// for one that does not, SevenBit re-encodes the 8-bit parts as
// quoted-printable at the moment of sending.

var wireBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledWire is the largest buffer wireBuffers keeps: a list's message of a
// megabyte, rendered once a run, is not worth holding on to between runs.
const pooledWire = 256 << 10

// Wire returns m's wire form: what Build and go-mail's WriteTo make, with
// 8-bit bodies and CRLF line ends throughout, and boundaries drawn from the
// message, written by hand (writeWire).
func Wire(m *notify.Message, env Envelope) ([]byte, error) {
	var out []byte
	err := withWire(m, env, func(b []byte) { out = bytes.Clone(b) })
	return out, err
}

// WireString is Wire as a string (the outbox keeps it so): one copy of the
// bytes, not two.
func WireString(m *notify.Message, env Envelope) (string, error) {
	var out string
	err := withWire(m, env, func(b []byte) { out = string(b) })
	return out, err
}

// withWire writes m's wire form into a pooled buffer and hands it to keep,
// which must copy what it keeps.
func withWire(m *notify.Message, env Envelope, keep func([]byte)) error {
	env.EightBit = true
	buf := wireBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	err := writeWire(buf, m, env)
	if err == nil {
		keep(buf.Bytes())
	}
	if buf.Cap() <= pooledWire {
		wireBuffers.Put(buf)
	}
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	return nil
}

// WireOf returns the bytes to send for m: its stored wire form, or, for a
// row planned before the outbox kept one, the message built now.
func WireOf(m *notify.Message, env Envelope) ([]byte, error) {
	if len(m.Wire) > 0 {
		return m.Wire, nil
	}
	return Wire(m, env)
}

// SevenBit returns the wire form for a relay that does not offer 8BITMIME:
// every part sent as 8bit is re-encoded quoted-printable (or labelled 7bit
// when it holds ASCII only). Headers are already 7-bit (encoded words), and
// everything else (the structure, the boundaries, base64 attachments) is
// kept byte for byte.
func SevenBit(wire []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(wire) + len(wire)/2)
	if err := sevenBitEntity(&out, wire); err != nil {
		return nil, fmt.Errorf("7-bit form: %w", err)
	}
	return out.Bytes(), nil
}

// sevenBitEntity writes one MIME entity (header, blank line, body) in 7 bits.
func sevenBitEntity(out *bytes.Buffer, e []byte) error {
	end := bytes.Index(e, []byte("\r\n\r\n"))
	if end < 0 {
		out.Write(e) // no body
		return nil
	}
	header, body := e[:end+4], e[end+4:]
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(header))).ReadMIMEHeader()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	mediaType, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if boundary := params["boundary"]; strings.HasPrefix(mediaType, "multipart/") && boundary != "" {
		out.Write(header)
		return sevenBitParts(out, body, boundary)
	}
	if !strings.EqualFold(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), "8bit") {
		out.Write(header)
		out.Write(body)
		return nil
	}
	ascii := true
	for _, c := range body {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	to := "quoted-printable"
	if ascii {
		to = "7bit"
	}
	out.Write(relabel(header, to))
	if ascii {
		out.Write(body)
		return nil
	}
	qp := quotedprintable.NewWriter(out)
	if _, err := qp.Write(body); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	if bytes.HasSuffix(body, []byte("\r\n")) && !bytes.HasSuffix(out.Bytes(), []byte("\r\n")) {
		out.WriteString("\r\n")
	}
	return nil
}

// sevenBitParts writes a multipart body: preamble, each part converted, the
// closing delimiter and the epilogue.
func sevenBitParts(out *bytes.Buffer, body []byte, boundary string) error {
	delim := []byte("--" + boundary)
	// A delimiter is "--boundary" at the start of a line; the CRLF before it
	// belongs to it, not to the part.
	i := 0
	if !bytes.HasPrefix(body, delim) {
		j := bytes.Index(body, append([]byte("\r\n"), delim...))
		if j < 0 {
			out.Write(body) // no parts
			return nil
		}
		i = j + 2
	}
	out.Write(body[:i]) // preamble
	body = body[i:]
	for {
		// body starts with a delimiter line.
		body = body[len(delim):]
		if bytes.HasPrefix(body, []byte("--")) {
			out.Write(delim)
			out.Write(body) // the close delimiter and the epilogue
			return nil
		}
		eol := bytes.Index(body, []byte("\r\n"))
		if eol < 0 {
			return fmt.Errorf("multipart: no line end after a delimiter")
		}
		out.Write(delim)
		out.Write(body[:eol+2]) // transport padding and CRLF
		body = body[eol+2:]
		next := bytes.Index(body, append([]byte("\r\n"), delim...))
		if next < 0 {
			return fmt.Errorf("multipart: no closing delimiter")
		}
		if err := sevenBitEntity(out, body[:next]); err != nil {
			return err
		}
		out.WriteString("\r\n")
		body = body[next+2:]
	}
}

// relabel sets the header's Content-Transfer-Encoding to cte.
func relabel(header []byte, cte string) []byte {
	lines := strings.SplitAfter(string(header), "\r\n")
	for i, l := range lines {
		name, _, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Transfer-Encoding") {
			lines[i] = "Content-Transfer-Encoding: " + cte + "\r\n"
		}
	}
	return []byte(strings.Join(lines, ""))
}
