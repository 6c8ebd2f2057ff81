package main

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
)

// loadServerConfig reads what the running server takes besides storage and channels: the
// per-person inbound limit, the reverse proxies to believe, and where /metrics is served.
func loadServerConfig(c *Config, get func(name, def string) string) error {
	def := bot.DefaultFloodLimit()
	burst := get("INBOUND_BURST", strconv.Itoa(def.Burst))
	b, err := strconv.Atoi(burst)
	if err != nil || b < 3 || b > 1000 {
		return configError{name: "INBOUND_BURST", expect: "how many updates one person may send at once before their pace is limited, 3 to 1000", got: burst}
	}
	interval := get("INBOUND_INTERVAL", def.Interval.String())
	d, err := time.ParseDuration(interval)
	if err != nil || d < 10*time.Millisecond || d > time.Minute {
		return configError{name: "INBOUND_INTERVAL", expect: "the steady pace of one person's updates once the burst is spent, a duration such as 1s", got: interval}
	}
	c.Inbound = bot.FloodLimit{Burst: b, Interval: d}

	proxies := get("TRUSTED_PROXIES", "")
	if c.TrustedProxies, err = parsePrefixes(proxies); err != nil {
		return configError{name: "TRUSTED_PROXIES", expect: "comma-separated addresses or CIDR ranges of your reverse proxies, such as 127.0.0.1/32,10.0.0.0/8 (empty: none)", got: proxies}
	}

	c.MetricsAddr = get("METRICS_ADDR", "127.0.0.1:9090")
	if c.MetricsAddr != "off" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return configError{name: "METRICS_ADDR", expect: "host:port for /metrics, such as 127.0.0.1:9090, or off", got: c.MetricsAddr}
		}
		if _, port, _ := net.SplitHostPort(c.MetricsAddr); c.MetricsAddr == c.HTTPAddr && port != "0" {
			return configError{name: "METRICS_ADDR", expect: "another address than HTTP_ADDR: /metrics is never served on the public listener", got: c.MetricsAddr}
		}
	}
	switch pprof := get("PPROF", "off"); pprof {
	case "on", "off":
		c.Pprof = pprof == "on"
		if c.Pprof && c.MetricsAddr == "off" {
			return configError{name: "PPROF", expect: "needs METRICS_ADDR: the profiler is served there, never on the public listener"}
		}
	default:
		return configError{name: "PPROF", expect: "on or off", got: pprof}
	}
	return nil
}

// parsePrefixes reads a comma-separated list of CIDR ranges; a bare address is a range of one.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
