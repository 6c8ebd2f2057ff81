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
	if cfg.Pprof {
		t.Fatal("the profiler is on by default")
	}
	if on, err := loadConfig(envOf(map[string]string{"PPROF": "on"})); err != nil || !on.Pprof {
		t.Fatalf("PPROF=on: %v %v", on.Pprof, err)
	}
	if _, err := loadConfig(envOf(map[string]string{"PPROF": "on", "METRICS_ADDR": "off"})); err == nil || !strings.HasPrefix(err.Error(), "PPROF") {
		t.Fatalf("PPROF=on without METRICS_ADDR: %v", err)
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
		{"PPROF": "yes"},
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

func TestResearchKeyMustBeLongAndRandom(t *testing.T) {
	for _, key := range []string{
		"",
		"5f2b9c4e81a7d03e6b9f1c2a7d4e8b0f3a6c9e1d2b5f8a0c4e7d1b3a9f6c2e8d",     // openssl rand -hex 32
		"X5Oa5Yx0m3v3TQ0ZKqJ0wH4vH0b8c0dW3Xk5m1yYtRo=",                         // openssl rand -base64 32
		"X5Oa5Yx0m3v3TQ0ZKqJ0wH4vH0b8c0dW3Xk5m1yYtRo",                          // unpadded
		"X5Oa5Yx0m3v3TQ0ZKqJ0wH4vH0b8c0dW3Xk5m1yYt-_",                          // URL-safe
		"9e1d2b5f8a0c4e7d1b3a9f6c2e8d5f2b9c4e81a7d03e6b9f1c2a7d4e8b0f3a6c0a1b", // longer is fine
	} {
		if _, err := loadConfig(envOf(map[string]string{"RESEARCH_KEY": key})); err != nil {
			t.Errorf("%q refused: %v", key, err)
		}
	}
	for _, key := range []string{
		"abcde",               // what issue 16 saw accepted
		"a-long-research-key", // a phrase
		"5f2b9c4e81a7d03e6b9f1c2a7d4e8b0f3a6c9e1d2b5f8a0c4e7d1b3a9f6c2e",   // 31 bytes
		"0000000000000000000000000000000000000000000000000000000000000000", // not random
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", // a pattern
		"X5Oa5Yx0m3v3TQ0ZKqJ0wH4vH0b8c0dW3Xk5m1y=",                         // 29 bytes
		"this is not hex and not base64 but it is long enough to fool a length check",
	} {
		_, err := loadConfig(envOf(map[string]string{"RESEARCH_KEY": key}))
		if err == nil || !strings.HasPrefix(err.Error(), "RESEARCH_KEY") || !strings.Contains(err.Error(), "openssl rand -hex 32") {
			t.Errorf("%q: %v, want a refusal saying how to make a key", key, err)
			continue
		}
		if strings.Contains(err.Error(), key) {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}
