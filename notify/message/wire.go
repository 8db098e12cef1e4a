package message

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"slices"
	"strings"
	"sync"

	"github.com/tickler-dev/tickler/notify"
)

// The outbox keeps each message in its wire form (deliveries.wire): the
// RFC 5322 bytes, CRLF line ends, that Build and go-mail's WriteTo make at
// planning. A sender then only writes those bytes, and the cores that render
// a run's messages also encode them, once, instead of the delivery workers
// building each message at every attempt.
//
// Bodies are kept 8-bit (UTF-8 as it is; quoted-printable only for a line
// longer than SMTP's 998 octets): a third smaller than quoted-printable for
// Vietnamese, less to write, to read back and to send, and readable in a .eml
// file. Every relay in use offers 8BITMIME (Postfix, Exim, Exchange, go-smtp);
// for one that does not, SevenBit re-encodes the 8-bit parts as
// quoted-printable at the moment of sending.

var wireBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Wire returns m's wire form as Build makes it, with 8-bit bodies and CRLF
// line ends throughout.
func Wire(m *notify.Message, env Envelope) ([]byte, error) {
	env.EightBit = true
	msg, err := Build(m, env)
	if err != nil {
		return nil, err
	}
	buf := wireBuffers.Get().(*bytes.Buffer)
	defer wireBuffers.Put(buf)
	buf.Reset()
	if _, err := msg.WriteTo(buf); err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	wire := crlf(buf.Bytes())
	steadyBoundaries(wire)
	return wire, nil
}

// boundaryLen is the length of go-mail's MIME boundaries: 30 random bytes
// in hex.
const boundaryLen = 60

// steadyBoundaries replaces, in place, the random MIME boundaries go-mail
// drew for wire with boundaries drawn from the message itself: the same
// message gives the same bytes, so a message rendered when it is sent can
// be rendered again to show what was sent. A boundary must not occur in
// the parts it separates; each new one is a hash of the whole message (its
// old boundaries left out), which no part can contain.
func steadyBoundaries(wire []byte) {
	// The boundaries are read from headers only: the message's, then those
	// of each part that a known boundary opens (a body may quote anything).
	var old [][]byte
	headerBoundary := func(from int) {
		end := bytes.Index(wire[from:], []byte("\r\n\r\n"))
		if end < 0 {
			return
		}
		header := wire[from : from+end+2]
		marker := []byte("\n boundary=") // go-mail: "multipart/x;\r\n boundary=..."
		i := bytes.Index(header, marker)
		if i < 0 {
			return
		}
		b := header[i+len(marker):]
		if len(b) > boundaryLen && b[boundaryLen] == '\r' && isLowerHex(b[:boundaryLen]) && !containsBytes(old, b[:boundaryLen]) {
			old = append(old, bytes.Clone(b[:boundaryLen]))
		}
	}
	headerBoundary(0)
	for k := 0; k < len(old); k++ {
		delim := append([]byte("\r\n--"), old[k]...)
		delim = append(delim, '\r', '\n')
		for i := 0; ; {
			j := bytes.Index(wire[i:], delim)
			if j < 0 {
				break
			}
			i += j + len(delim)
			headerBoundary(i)
		}
	}
	if len(old) == 0 {
		return
	}
	type spot struct{ at, k int }
	var spots []spot
	for k, b := range old {
		for i := 0; ; {
			j := bytes.Index(wire[i:], b)
			if j < 0 {
				break
			}
			spots = append(spots, spot{i + j, k})
			i += j + boundaryLen
		}
	}
	slices.SortFunc(spots, func(a, b spot) int { return a.at - b.at })
	h := sha256.New()
	prev := 0
	for _, s := range spots {
		if s.at < prev {
			continue // overlapping candidates: hashed once
		}
		h.Write(wire[prev:s.at])
		prev = s.at + boundaryLen
	}
	h.Write(wire[prev:])
	seed := h.Sum(nil)
	fresh := make([][]byte, len(old))
	for k := range old {
		sum := sha256.Sum256(append(seed[:len(seed):len(seed)], byte(k)))
		fresh[k] = []byte(hex.EncodeToString(sum[:])[:boundaryLen])
	}
	for _, s := range spots {
		copy(wire[s.at:], fresh[s.k])
	}
}

func isLowerHex(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func containsBytes(list [][]byte, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}

// WireOf returns the bytes to send for m: its stored wire form, or, for a
// row planned before the outbox kept one, the message built now.
func WireOf(m *notify.Message, env Envelope) ([]byte, error) {
	if len(m.Wire) > 0 {
		return m.Wire, nil
	}
	return Wire(m, env)
}

// crlf returns b with every line ending in CRLF: go-mail writes headers with
// CRLF but leaves an 8-bit body's bare LFs from the templates. The result is
// a new slice.
func crlf(b []byte) []byte {
	lf := bytes.Count(b, []byte("\n"))
	out := make([]byte, 0, len(b)+lf-bytes.Count(b, []byte("\r\n")))
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b...)
		}
		if i > 0 && b[i-1] == '\r' {
			out = append(out, b[:i+1]...)
		} else {
			out = append(out, b[:i]...)
			out = append(out, '\r', '\n')
		}
		b = b[i+1:]
	}
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
