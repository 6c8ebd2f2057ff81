package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
)

func TestServerConfig(t *testing.T) {
	cfg, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Inbound != bot.DefaultFloodLimit() || cfg.MetricsAddr != "127.0.0.1:9090" || len(cfg.TrustedProxies) != 0 {
		t.Fatalf("defaults: %+v %q %v", cfg.Inbound, cfg.MetricsAddr, cfg.TrustedProxies)
	}
	cfg, err = loadConfig(envOf(map[string]string{"INBOUND_BURST": "20", "INBOUND_INTERVAL": "500ms",
		"TRUSTED_PROXIES": " 127.0.0.1, 10.0.0.0/8 ,fd00::/8", "METRICS_ADDR": "off"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	if cfg.Inbound != (bot.FloodLimit{Burst: 20, Interval: 500 * time.Millisecond}) || cfg.MetricsAddr != "off" || len(cfg.TrustedProxies) != 3 {
		t.Fatalf("%+v %q %v", cfg.Inbound, cfg.MetricsAddr, cfg.TrustedProxies)
	}
	for i, p := range want {
		if cfg.TrustedProxies[i] != p {
			t.Fatalf("proxies %v, want %v", cfg.TrustedProxies, want)
		}
	}
	for _, bad := range []map[string]string{
		{"INBOUND_BURST": "2"}, {"INBOUND_BURST": "many"}, {"INBOUND_INTERVAL": "fast"}, {"INBOUND_INTERVAL": "2h"},
		{"TRUSTED_PROXIES": "10.0.0.0/33"}, {"TRUSTED_PROXIES": "proxy.internal"},
		{"METRICS_ADDR": "9090"}, {"METRICS_ADDR": "127.0.0.1:8080"},
	} {
		var name string
		for k := range bad {
			name = k
		}
		if _, err := loadConfig(envOf(bad)); err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%v: %v, want an error naming %s", bad, err, name)
		}
	}
}
