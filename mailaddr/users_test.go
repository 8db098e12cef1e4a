package mailaddr_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/mailaddr"
)

// Every place that checks a recipient's address applies the one rule, so an
// address one of them takes never fails another: the planner
// (mailaddr.Normalize, for every recipient of a run) and the
// configuration's recipient lists and job entries (which may also be
// "Name <address>"). The importer's email columns are tested with the importer.
func TestOneRule(t *testing.T) {
	addrs := []string{
		"lan@example.vn", "LanTP4@SoNoiVu.HaNoi.gov.vn", " lan@example.vn ",
		"lan@example", `"lan x"@example.vn`, `"<script>alert(1)</script>"@example.vn`,
		"Lan <lan@example.vn>", "lan@example.vn (Lan)", "lan@example.vn\r\nBcc: x@evil.test",
		"a@example.vn, b@example.vn", "a@b@example.vn", ".lan@example.vn", "lan..tp@example.vn",
		"lân@example.vn", "lan@ví-dụ.vn", "lan@exa_mple.vn", "lan@-example.vn", "lan@[192.0.2.1]",
		"lan@192.0.2.1", "lan@example.v", "lan@example.vn.", strings.Repeat("l", 65) + "@example.vn",
		"lan@" + strings.Repeat("d", 64) + ".vn", "l@" + strings.Repeat("d.", 126) + "vn",
	}
	for _, a := range addrs {
		want, rule := mailaddr.Normalize(a)

		got, err := mailaddr.Normalize(a)
		switch {
		case (err == nil) != (rule == nil):
			t.Errorf("mailaddr.Normalize(%q): %v; the rule: %v", a, err, rule)
		case err != nil && !strings.Contains(err.Error(), fmt.Sprintf("invalid e-mail address %q", a)):
			t.Errorf("mailaddr.Normalize(%q): %v, want it to say invalid e-mail address %q", a, err, a)
		case got != want:
			t.Errorf("mailaddr.Normalize(%q) = %q, want %q", a, got, want)
		}

		if !strings.ContainsAny(a, "<>") { // "Name <address>" is tried below
			configAgrees(t, a, rule)
		}
	}

	// The configuration also takes "Name <address>": the address in it.
	for _, a := range []string{"lan@example.vn", "lan@example", "lan@example.v", `"lan x"@example.vn`, "lân@example.vn", "lan..tp@example.vn"} {
		_, rule := mailaddr.Normalize(a)
		configAgrees(t, "Nguyễn Thị Lan <"+a+">", rule)
	}
}

// configAgrees checks that a configuration with the recipient entry e, in a
// list and in a job's to, loads if and only if rule is nil.
func configAgrees(t *testing.T, e string, rule error) {
	t.Helper()
	for _, yaml := range []string{
		"recipients:\n  hr: [%s]\n",
		"recipients:\n  hr: [tochuc@example.vn]\njobs:\n  delivery-failures:\n    to: [hr, %s]\n",
	} {
		_, err := config.Parse([]byte(fmt.Sprintf(yaml, strconv.Quote(e))), "tickler.yaml")
		if (err == nil) != (rule == nil) {
			t.Errorf("config with %q: %v; the rule: %v", e, err, rule)
		}
	}
}
