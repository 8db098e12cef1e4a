package smtp

import (
	"bufio"
	"bytes"
	"net/textproto"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

// writeData writes exactly what textproto's DotWriter writes, dots at line
// starts doubled, for bodies that start with a dot, have dotted lines, and
// end with or without a line break.
func TestWriteDataMatchesDotWriter(t *testing.T) {
	for _, body := range []string{
		".starts with a dot\nplain\n..two dots\n.\nend",
		"no dots at all\n",
		"a line\n.\n",
		"",
	} {
		msg := gomail.NewMsg()
		msg.From("a@example.vn")
		msg.To("b@example.vn")
		msg.SetBodyString(gomail.TypeTextPlain, body)
		msg.SetEncoding(gomail.NoEncoding)
		var raw bytes.Buffer
		msg.WriteTo(&raw)
		if bytes.Count(raw.Bytes(), []byte("\n")) != bytes.Count(raw.Bytes(), []byte("\r\n")) {
			t.Fatalf("go-mail wrote a bare LF: the fast path is not tested")
		}
		var want, got bytes.Buffer
		dw := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		msg.WriteTo(dw)
		dw.Close()
		w := bufio.NewWriter(&got)
		if err := writeData(w, msg); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains([]byte(body), []byte("\n.")) && !bytes.Contains(got.Bytes(), []byte("\r\n..")) {
			t.Errorf("body %q: no dot doubled in %q", body, got.String())
		}
		if got.String() != want.String() {
			t.Errorf("body %q:\ngot  %q\nwant %q", body, got.String(), want.String())
		}
	}
}
