package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func whatsappVars(extra map[string]string) map[string]string {
	m := map[string]string{"WHATSAPP_ACCESS_TOKEN": "EAAtoken", "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
		"WHATSAPP_APP_SECRET": "app-secret", "WHATSAPP_VERIFY_TOKEN": "verify-token"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestWhatsAppTemplateConfig(t *testing.T) {
	bad := map[string]map[string]string{
		"WHATSAPP_TEMPLATE_NOTIFICATION":     {"WHATSAPP_TEMPLATE_NOTIFICATION": "New Message"},
		"WHATSAPP_TEMPLATE_SESSION_REMINDER": {"WHATSAPP_TEMPLATE_SESSION_REMINDER": "session-reminder"},
		"WHATSAPP_TEMPLATE_STEP_REMINDER":    {"WHATSAPP_TEMPLATE_STEP_REMINDER": "Step"},
		"WHATSAPP_TEMPLATE_LANGUAGES":        {"WHATSAPP_TEMPLATE_LANGUAGES": "de=de"},
	}
	for name, vars := range bad {
		_, err := loadConfig(envOf(whatsappVars(vars)))
		if err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", vars, err, name)
		}
	}
	cfg, err := loadConfig(envOf(whatsappVars(map[string]string{"WHATSAPP_TEMPLATE_NOTIFICATION": "new_message_v3",
		"WHATSAPP_TEMPLATE_LANGUAGES": "ti=en_US"})))
	if err != nil {
		t.Fatal(err)
	}
	tm := cfg.WhatsAppTemplates
	if tm.Notification != "new_message_v3" || tm.SessionReminder != "" || tm.Languages["ti"] != "en_US" || tm.Languages["fa-AF"] != "fa" || len(tm.Languages) != 10 {
		t.Fatalf("templates = %+v", tm)
	}
	if _, err := loadConfig(envOf(nil)); err != nil {
		t.Fatalf("no WhatsApp variable at all: %v", err)
	}
}

func TestServeWiresWhatsApp(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	vars := whatsappVars(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-serve-wa:"})
	cfg, err := loadConfig(envOf(vars))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	var channels []string
	for _, s := range a.senders {
		channels = append(channels, s.Channel())
	}
	if !slices.Contains(channels, bot.WhatsApp) {
		t.Fatalf("senders = %v, want a WhatsApp sender", channels)
	}
	srv := httptest.NewServer(a.mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=42")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "42" {
		t.Fatalf("verification: %d %q", resp.StatusCode, b)
	}
	resp, err = http.Post(srv.URL+"/webhooks/whatsapp", "application/json", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned POST: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	// Without WhatsApp variables nothing is mounted.
	cfg, _ = loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-serve-wa2:"}))
	b2, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.close()
	srv2 := httptest.NewServer(b2.mux)
	defer srv2.Close()
	resp, err = http.Get(srv2.URL + "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-token&hub.challenge=42")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("without WhatsApp: %v %v", resp.StatusCode, err)
	}
	for _, s := range b2.senders {
		if s.Channel() == bot.WhatsApp {
			t.Fatal("a WhatsApp sender without WhatsApp variables")
		}
	}
	resp.Body.Close()
}
