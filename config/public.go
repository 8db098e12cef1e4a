package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// The bounds of http.link_ttl: a link must outlive the gap between two
// reminders, and not work for ever.
const (
	minLinkTTL = Duration(day)
	maxLinkTTL = Duration(366 * day)
	// minLinkSecret is the shortest secret http.link_secret_file may hold.
	minLinkSecret = 16
)

// public checks the keys of the answer links and of the public listener:
// http.public_url, public_listen, link_secret_file, link_ttl and
// trusted_proxies.
func (v *validator) public(h *HTTP) {
	const p = "http."
	h.PublicURL = strings.TrimRight(strings.TrimSpace(h.PublicURL), "/")
	if h.PublicURL != "" {
		v.publicURL(p+"public_url", h.PublicURL)
	}
	if h.PublicEnabled() {
		if err := hostPort(h.PublicListen); err != nil {
			v.errorf(p+"public_listen", `%s is not host:port (like 0.0.0.0:8443 or :8443), or "off"`, v.show(p+"public_listen", h.PublicListen))
		} else if h.Enabled() && samePort(h.PublicListen, h.Listen) {
			v.errorf(p+"public_listen", "%s is http.listen's port: the public listener needs a port of its own", v.show(p+"public_listen", h.PublicListen))
		}
	}
	switch {
	case h.PublicURL != "" && !h.PublicEnabled():
		v.warnf(p+"public_url", "reminders carry answer links, but this process serves no /ack/: set http.public_listen (unless another replica serves it)")
	case h.PublicURL == "" && h.PublicEnabled():
		v.warnf(p+"public_listen", "no reminder carries an answer link until http.public_url is set")
	}
	if h.LinkSecretFile != "" {
		if s, ok := v.secretFile(p+"link_secret_file", h.LinkSecretFile); ok {
			if len(s) < minLinkSecret {
				v.errorf(p+"link_secret_file", "%s holds %d bytes: at least %d are needed (openssl rand -hex 32 > FILE)", h.LinkSecretFile, len(s), minLinkSecret)
			} else {
				h.LinkSecret = Secret(s)
			}
		}
	}
	if h.LinkTTL < minLinkTTL || h.LinkTTL > maxLinkTTL {
		v.errorf(p+"link_ttl", "%s: must be %s to %s", h.LinkTTL, minLinkTTL, maxLinkTTL)
	}
	h.proxies = nil
	for i, s := range h.TrustedProxies {
		pi := fmt.Sprintf("%strusted_proxies[%d]", p, i)
		prefix, err := parsePrefix(s)
		if err != nil {
			v.errorf(pi, "%s is not an IP address or a CIDR range (like 127.0.0.1 or 10.0.0.0/8)", v.show(pi, s))
			continue
		}
		h.proxies = append(h.proxies, prefix)
	}
}

// publicURL checks the address of the answer pages: http or https, a host,
// no user, query or fragment. Plain http is only for this machine.
func (v *validator) publicURL(path, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		v.errorf(path, "%s is not an address like https://tickler.example.vn (a scheme, a host, an optional path)", v.show(path, s))
		return
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		v.warnf(path, "the answer links go by mail to people's phones and the token in them is a credential: use https")
	}
}

// hostPort checks host:port with a port of 0 to 65535.
func hostPort(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q out of range", port)
	}
	return nil
}

// samePort reports whether two listen addresses share a port (0 picks a
// free one, so it shares nothing).
func samePort(a, b string) bool {
	_, pa, _ := net.SplitHostPort(a)
	_, pb, _ := net.SplitHostPort(b)
	return pa == pb && pa != "0"
}

// loopbackHost reports whether a host name or address is this machine.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// parsePrefix reads an address or a CIDR range.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
