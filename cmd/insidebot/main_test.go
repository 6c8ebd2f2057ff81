package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage/storagetest"
)

func envOf(m map[string]string) env { return func(k string) string { return m[k] } }

func TestConfigNamesTheWrongVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"DATABASE_URL":             {"DATABASE_URL": "mysql://root@db/x"},
		"REDIS_URL":                {"REDIS_URL": "localhost:6379"},
		"HTTP_ADDR":                {"HTTP_ADDR": "8080"},
		"LOG_FORMAT":               {"LOG_FORMAT": "xml"},
		"BOT_TIMEZONE":             {"BOT_TIMEZONE": "Europe/Atlantis"},
		"INVITE_TTL":               {"INVITE_TTL": "soon"},
		"TELEGRAM_API_ENDPOINT":    {"TELEGRAM_API_ENDPOINT": "http://x/bot"},
		"TELEGRAM_WEBHOOK_SECRET":  {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram", "TELEGRAM_WEBHOOK_SECRET": "short"},
		"WHATSAPP_APP_SECRET":      {"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "123", "WHATSAPP_VERIFY_TOKEN": "v"},
		"WHATSAPP_PHONE_NUMBER_ID": {"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "abc", "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v"},
		"PUBLIC_URL":               {"PUBLIC_URL": "ftp://x"},
	}
	for name, vars := range cases {
		_, err := loadConfig(envOf(vars))
		if err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", vars, err, name)
		}
	}
	cfg, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != "127.0.0.1:8080" || cfg.Timezone.String() != "Europe/Rome" || cfg.PublicURL != "http://127.0.0.1:8080" || cfg.DataDir != "./data" {
		t.Fatalf("defaults = %+v", cfg)
	}
}

func TestLogsNeverCarrySecretsOrPhoneNumbers(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, "json", "debug", []string{"123456:SECRET-bot-token", "app-secret-xyz"})
	log.Info("calling https://api.telegram.org/bot123456:SECRET-bot-token/getMe", "err", "app-secret-xyz rejected")
	log.With("wa_id", "393331234567").Warn("send failed", slog.Group("to", "phone", "+39 333 123 4567"))
	out := buf.String()
	for _, leak := range []string{"SECRET-bot-token", "app-secret-xyz", "393331234567", "333 123 4567"} {
		if strings.Contains(out, leak) {
			t.Errorf("log carries %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "[redacted]") || !strings.Contains(out, "[number]") {
		t.Errorf("redaction markers missing:\n%s", out)
	}
}

func TestInviteCoordinatorJSON(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	var out, errOut bytes.Buffer
	vars := map[string]string{"DATABASE_URL": dbURL, "BOT_USERNAME": "inside_aut_bot", "TELEGRAM_BOT_TOKEN": "42:test-token"}
	if err := run(context.Background(), []string{"invite", "--role", "coordinator", "--json"}, envOf(vars), &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("not one JSON object: %q", out.String())
	}
	code, _ := m["code"].(string)
	if len(code) != 8 || m["role"] != "coordinator" || m["link"] != "https://t.me/inside_aut_bot?start="+code || m["id"] == nil || m["expires_at"] == "" {
		t.Fatalf("invite = %v", m)
	}
	out.Reset()
	if err := run(context.Background(), []string{"invite", "--role", "beneficiary", "--territory", "MI", "--lang", "fr", "--tutor", "1", "--json"}, envOf(vars), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(out.Bytes(), &m)
	if m["beneficiary_code"] != "MI-001" {
		t.Fatalf("beneficiary invite = %v", m)
	}
	for _, bad := range [][]string{
		{"invite", "--role", "chef"},
		{"invite", "--role", "tutor", "--territory", "RM"},
		{"invite", "--role", "tutor"},
		{"invite", "--role", "beneficiary", "--territory", "MI", "--lang", "de"},
		{"invite", "--role", "beneficiary", "--territory", "MI", "--tutor", "99"},
		{"invite", "--role", "tutor", "--territory", "MI", "--name", "Giu\x00lia"},
	} {
		err := run(context.Background(), bad, envOf(vars), &out, &errOut)
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line error", bad, err)
		}
	}
}

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-serve:"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.mux)
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != want {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	// The database goes away: /readyz says so and the process keeps running.
	_ = a.db.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz without database: %v %v", resp, err)
	}
	resp.Body.Close()
	a.close()
}

func TestPrivacyPageInTheReadersLanguage(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-privacy:"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.mux)
	defer srv.Close()
	for lang, want := range map[string]string{"it": "Chi tratta i tuoi dati", "en": "Who handles your data", "ar": `dir="rtl"`} {
		resp, err := http.Get(srv.URL + "/privacy?lang=" + lang)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(body.String(), want) || strings.Contains(body.String(), "privacypage.") {
			t.Errorf("%s: %d, missing %q or shows a message id", lang, resp.StatusCode, want)
		}
	}
}
