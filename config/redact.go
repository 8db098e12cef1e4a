package config

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Redacted returns the effective configuration (the file with every default
// filled in) as YAML, for `tickler check`. Secrets show as <secret>; the
// database DSN shows with its password hidden, so the host and database stay
// visible.
func (c *Config) Redacted() string {
	var root yaml.Node
	if err := root.Encode(c); err != nil {
		return "# cannot print the configuration: " + err.Error() + "\n"
	}
	// Secret.MarshalText already wrote <secret> for the DSN; show its
	// non-secret parts instead.
	if n := mappingValue(mappingValue(&root, "database"), "dsn"); n != nil {
		n.Value = RedactDSN(c.Database.DSN.Reveal())
		n.Tag, n.Style = "!!str", 0
		if c.Database.DSNFile != "" {
			n.LineComment = "read from dsn_file"
		}
	}
	if c.Mail.SMTP.PasswordFile != "" {
		if n := mappingValue(mappingValue(mappingValue(&root, "mail"), "smtp"), "password"); n != nil {
			n.LineComment = "read from password_file"
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return "# cannot print the configuration: " + err.Error() + "\n"
	}
	_ = enc.Close()
	return b.String()
}

// String is Redacted, so that printing a *Config never shows a secret.
func (c *Config) String() string { return c.Redacted() }

// mappingValue returns the value node of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var dsnPasswordRE = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]*)`)

// RedactDSN hides the password of a database DSN, for logs and `tickler
// check`: "postgres://tickler:<secret>@db/tickler", "host=db password=<secret>".
// A SQLite path is returned as it is; a URL that does not parse is hidden whole.
func RedactDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	if !strings.Contains(dsn, "://") {
		return dsnPasswordRE.ReplaceAllString(dsn, "${1}<secret>")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "<secret>"
	}
	// The placeholder becomes <secret> after String, which would escape "<".
	const placeholder = "tickler-redacted-secret"
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), placeholder)
	}
	q, changed := u.Query(), false
	for k := range q {
		if strings.EqualFold(k, "password") || strings.EqualFold(k, "sslpassword") {
			q[k], changed = []string{placeholder}, true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return strings.ReplaceAll(u.String(), placeholder, "<secret>")
}
