package mailaddr_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/mailaddr"
)

func TestNormalizeAccepts(t *testing.T) {
	cases := []struct{ in, want string }{
		{"lan@example.vn", "lan@example.vn"},
		{"LanTP4@Example.VN", "lantp4@example.vn"},
		{"  tochuc@sonoivu.hanoi.gov.vn\t", "tochuc@sonoivu.hanoi.gov.vn"},
		{"a.b-c_d+tag@mail-1.example.vn", "a.b-c_d+tag@mail-1.example.vn"},
		{"!#$%&'*+-/=?^_`{|}~@example.vn", "!#$%&'*+-/=?^_`{|}~@example.vn"},
		{"x@xn--bcher-kva.example", "x@xn--bcher-kva.example"},
		{strings.Repeat("l", 64) + "@" + strings.Repeat("d", 63) + ".vn", strings.Repeat("l", 64) + "@" + strings.Repeat("d", 63) + ".vn"},
	}
	for _, c := range cases {
		got, err := mailaddr.Normalize(c.in)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// 254 octets in all is the most an address may have (RFC 5321 path limit).
func TestNormalizeLength(t *testing.T) {
	domain := strings.Repeat(strings.Repeat("d", 62)+".", 3) + "vn" // 191 octets
	local := strings.Repeat("l", 254-1-len(domain))                 // 62
	if _, err := mailaddr.Normalize(local + "@" + domain); err != nil {
		t.Errorf("254 octets: %v", err)
	}
	_, err := mailaddr.Normalize(local + "l@" + domain)
	if err == nil || !strings.HasSuffix(err.Error(), ": longer than 254 characters") {
		t.Errorf("255 octets: %v", err)
	}
}

func TestNormalizeRefuses(t *testing.T) {
	cases := []struct{ in, why string }{
		{"", "empty"},
		{"   ", "empty"},
		{"lan@example", "no dot in the domain"},
		{"lan@localhost", "no dot in the domain"},
		{`"lan x"@example.vn`, "quoted local part not accepted"},
		{`"<script>alert(1)</script>"@example.vn`, "quoted local part not accepted"},
		{"Lan <lan@example.vn>", "a name or <…> around the address: give the bare address"},
		{"<lan@example.vn>", "a name or <…> around the address: give the bare address"},
		{"lan@example.vn (Lan)", "comments not accepted"},
		{"lan@example.vn\r\nBcc: x@evil.test", "a line break in the address"},
		{"lan@example.vn\n", "a line break in the address"},
		{"a@example.vn, b@example.vn", "more than one address (a , or ; in it)"},
		{"a@example.vn;b@example.vn", "more than one address (a , or ; in it)"},
		{"lan.example.vn", `no "@"`},
		{"tochuc(at)example.vn", `no "@"`},
		{"a@b@example.vn", `more than one "@"`},
		{"@example.vn", `nothing before the "@"`},
		{"lan@", `nothing after the "@"`},
		{".lan@example.vn", "local part starts or ends with a dot"},
		{"lan.@example.vn", "local part starts or ends with a dot"},
		{"lan..tp@example.vn", "two dots in a row in the local part"},
		{"lan tp@example.vn", `" " not allowed in the local part`},
		{"lan\\tp@example.vn", `"\\" not allowed in the local part`},
		{strings.Repeat("l", 65) + "@example.vn", "local part longer than 64 characters"},
		{"lân@example.vn", `non-ASCII character "â" (only ASCII addresses are accepted)`},
		{"lan@ví-dụ.vn", `non-ASCII character "í" (only ASCII addresses are accepted)`},
		{"lan@example..vn", "empty label in the domain (two dots in a row, or a dot at an end)"},
		{"lan@.example.vn", "empty label in the domain (two dots in a row, or a dot at an end)"},
		{"lan@example.vn.", "empty label in the domain (two dots in a row, or a dot at an end)"},
		{"lan@-example.vn", `domain label "-example" starts or ends with a hyphen`},
		{"lan@example-.vn", `domain label "example-" starts or ends with a hyphen`},
		{"lan@exa_mple.vn", `"_" not allowed in the domain (letters, digits, hyphens and dots)`},
		{"lan@[192.0.2.1]", `"[" not allowed in the domain (letters, digits, hyphens and dots)`},
		{"lan@" + strings.Repeat("d", 64) + ".vn", "a domain label longer than 63 characters"},
		{"lan@example.v", `top-level domain "v" is not two or more letters`},
		{"lan@example.123", `top-level domain "123" is not two or more letters`},
		{"lan@192.0.2.1", `top-level domain "1" is not two or more letters`},
		{"lan@example.vn" + strings.Repeat("x", 250), "longer than 254 characters"},
	}
	for _, c := range cases {
		got, err := mailaddr.Normalize(c.in)
		if err == nil {
			t.Errorf("Normalize(%q) = %q, want error %q", c.in, got, c.why)
			continue
		}
		var ae *mailaddr.Error
		if !errors.As(err, &ae) || ae.Reason != c.why || ae.Addr != c.in {
			t.Errorf("Normalize(%q): %v; want reason %q", c.in, err, c.why)
		}
		if want := "invalid e-mail address " + strconv.Quote(c.in) + ": " + c.why; err.Error() != want {
			t.Errorf("Normalize(%q): error %q, want %q", c.in, err, want)
		}
	}
}

// The planner calls Normalize for every notice: an address that is already
// normal costs no allocation.
func TestNormalizeAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		if _, err := mailaddr.Normalize("lantp4@sonoivu.hanoi.gov.vn"); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

func BenchmarkNormalize(b *testing.B) {
	for b.Loop() {
		mailaddr.Normalize("LanTP4@sonoivu.hanoi.gov.vn")
	}
}
