package smtp

import (
	"bufio"
	"bytes"
	"net/textproto"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

// writeData writes exactly what textproto's DotWriter writes (CRLF line
// ends, dots at line starts doubled, CRLF.CRLF at the end), for bodies that
// start with a dot, have dotted lines, end with or without a line break, in
// quoted-printable (CRLF from go-mail) and 8-bit (the templates' bare LFs).
func TestWriteDataMatchesDotWriter(t *testing.T) {
	for _, enc := range []gomail.Encoding{gomail.EncodingQP, gomail.NoEncoding} {
		for _, body := range []string{
			".starts with a dot\nplain\n..two dots\n.\nend",
			"no dots at all\n",
			"a line\n.\n",
			"Kính gửi đồng chí\n.Bồi dưỡng\n",
			"",
		} {
			msg := gomail.NewMsg(gomail.WithEncoding(enc))
			msg.From("a@example.vn")
			msg.To("b@example.vn")
			msg.SetBodyString(gomail.TypeTextPlain, body)
			var want, got, wire bytes.Buffer
			msg.WriteTo(&wire)
			dw := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
			dw.Write(wire.Bytes())
			dw.Close()
			w := bufio.NewWriter(&got)
			if err := writeData(w, wire.Bytes()); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains([]byte(body), []byte("\n.")) && !bytes.Contains(got.Bytes(), []byte("\r\n..")) {
				t.Errorf("%s %q: no dot doubled in %q", enc, body, got.String())
			}
			if bytes.Count(got.Bytes(), []byte("\n")) != bytes.Count(got.Bytes(), []byte("\r\n")) {
				t.Errorf("%s %q: a bare LF on the wire", enc, body)
			}
			if got.String() != want.String() {
				t.Errorf("%s %q:\ngot  %q\nwant %q", enc, body, got.String(), want.String())
			}
		}
	}
}

// The same for wire forms as they come, whatever their line ends: CRLF
// throughout, bare LFs, a mix, no final line end, dots at the first line,
// after a CRLF, after a bare LF and at the very end.
func TestWriteDataMatchesDotWriterRaw(t *testing.T) {
	for _, wire := range []string{
		"Subject: a\r\n\r\nbody\r\n",
		"Subject: a\r\n\r\n.dot\r\nx\r\n..two\r\n",
		".first\r\nx\r\n",
		"Subject: a\n\nbare\n.dot after a bare LF\n",
		"Subject: a\r\n\r\nmixed\nline\r\n.dot\r\n",
		"no final line end",
		"ends with a dot line\r\n.",
		"\nstarts with a bare LF\r\n",
		"\r\n",
		"a\r\n.\r\n",
		"",
	} {
		var want, got bytes.Buffer
		dw := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		dw.Write([]byte(wire))
		dw.Close()
		w := bufio.NewWriter(&got)
		if err := writeData(w, []byte(wire)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%q:\ngot  %q\nwant %q", wire, got.String(), want.String())
		}
	}
}
