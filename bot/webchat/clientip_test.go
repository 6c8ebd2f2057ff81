package webchat

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	cases := []struct {
		name, remote string
		xff          []string
		proxies      []netip.Prefix
		want         string
	}{
		{"no proxies configured: the header is ignored", "127.0.0.1:4000", []string{"198.51.100.7"}, nil, "127.0.0.1"},
		{"an untrusted peer cannot choose its address", "203.0.113.9:5000", []string{"198.51.100.7"}, trusted, "203.0.113.9"},
		{"behind the proxy", "127.0.0.1:4000", []string{"198.51.100.7"}, trusted, "198.51.100.7"},
		{"a forged left part is not believed", "127.0.0.1:4000", []string{"6.6.6.6, 198.51.100.7"}, trusted, "198.51.100.7"},
		{"two trusted proxies", "127.0.0.1:4000", []string{"198.51.100.7, 10.1.2.3"}, trusted, "198.51.100.7"},
		{"headers repeated", "10.0.0.5:4000", []string{"6.6.6.6", "198.51.100.7"}, trusted, "198.51.100.7"},
		{"no header from the proxy", "127.0.0.1:4000", nil, trusted, "127.0.0.1"},
		{"garbage on the left", "127.0.0.1:4000", []string{"garbage, 198.51.100.7"}, trusted, "198.51.100.7"},
		{"garbage on the right", "127.0.0.1:4000", []string{"198.51.100.7, garbage"}, trusted, "127.0.0.1"},
		{"only proxies", "127.0.0.1:4000", []string{"10.9.9.9, 10.1.1.1"}, trusted, "10.9.9.9"},
		{"IPv6 proxy, IPv6 client", "[fd00::1]:4000", []string{"2001:db8::7"}, trusted, "2001:db8::7"},
		{"IPv4-mapped proxy address", "[::ffff:127.0.0.1]:4000", []string{"198.51.100.7"}, trusted, "198.51.100.7"},
		{"an untrusted IPv6 peer", "[2001:db8::1]:4000", []string{"198.51.100.7"}, trusted, "2001:db8::1"},
	}
	for _, c := range cases {
		ch := &Channel{cfg: Config{TrustedProxies: c.proxies}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := ch.clientIP(r); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
