package webchat

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address a request comes from, for the per-address limits. A request from a
// trusted reverse proxy (Config.TrustedProxies) carries the client in X-Forwarded-For: each
// proxy appends the address it got the request from, so the list is read from the right, past
// the trusted proxies, and the first address that is not one is the client's (what is further
// left was written by the client and proves nothing). From anyone else the header is ignored.
func (c *Channel) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !c.trusted(peer) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Not an address: nothing a trusted proxy writes. The last proxy's word stands.
			break
		}
		client = a.Unmap()
		if !c.trusted(client) {
			break
		}
	}
	return client.String()
}

func (c *Channel) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range c.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
