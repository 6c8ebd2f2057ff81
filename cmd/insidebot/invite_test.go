package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage/storagetest"
)

// The printed invite lists a link for each channel that is on: the web chat's always,
// Telegram's with a bot token, WhatsApp's click-to-chat link with WHATSAPP_NUMBER.
func TestInvitePrintsTheLinksOfTheConfiguredChannels(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	code := regexp.MustCompile(`code:\s+([A-Z0-9]{8})`)
	cases := []struct {
		name        string
		vars        map[string]string
		want, never []string // CODE stands for the invite code
	}{
		{name: "web chat only", vars: map[string]string{"BOT_USERNAME": "inside_aut_bot"},
			want:  []string{"  web chat: https://bot.example.org/?invite=CODE\n"},
			never: []string{"Telegram", "t.me", "WhatsApp", "wa.me"}},
		{name: "every channel", vars: whatsappVars(map[string]string{"BOT_USERNAME": "inside_aut_bot", "TELEGRAM_BOT_TOKEN": "42:test-token",
			"WHATSAPP_NUMBER": "+39 02 1234 5678"}),
			want: []string{"  Telegram: https://t.me/inside_aut_bot?start=CODE\n", "  WhatsApp: https://wa.me/390212345678?text=CODE\n",
				"  web chat: https://bot.example.org/?invite=CODE\n"}},
	}
	for _, tc := range cases {
		tc.vars["DATABASE_URL"], tc.vars["PUBLIC_URL"] = dbURL, "https://bot.example.org"
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"invite", "--role", "tutor", "--territory", "MI"}, envOf(tc.vars), &out, &errOut); err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, errOut.String())
		}
		m := code.FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no code in %q", tc.name, out.String())
		}
		for _, w := range tc.want {
			if w = strings.ReplaceAll(w, "CODE", m[1]); !strings.Contains(out.String(), w) {
				t.Errorf("%s: %q lacks %q", tc.name, out.String(), w)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(out.String(), n) {
				t.Errorf("%s: %q has %q", tc.name, out.String(), n)
			}
		}
		out.Reset()
		if err := run(context.Background(), []string{"invite", "--role", "tutor", "--territory", "MI", "--json"}, envOf(tc.vars), &out, &errOut); err != nil {
			t.Fatal(err)
		}
		var j map[string]any
		if err := json.Unmarshal(out.Bytes(), &j); err != nil {
			t.Fatal(err)
		}
		_, hasTelegram := j["link"]
		_, hasWhatsApp := j["whatsapp_link"]
		if all := tc.name == "every channel"; hasTelegram != all || hasWhatsApp != all || j["webchat_link"] == nil {
			t.Errorf("%s: JSON %v", tc.name, j)
		}
	}
}

// WHATSAPP_NUMBER is a number with its country code, and only with WhatsApp configured.
func TestWhatsAppNumberConfig(t *testing.T) {
	cfg, err := loadConfig(envOf(whatsappVars(map[string]string{"WHATSAPP_NUMBER": "+39 (02) 1234-5678"})))
	if err != nil || cfg.WhatsAppNumber != "390212345678" {
		t.Fatalf("number %q, %v", cfg.WhatsAppNumber, err)
	}
	for _, vars := range []map[string]string{
		whatsappVars(map[string]string{"WHATSAPP_NUMBER": "02 1234 5678"}),
		whatsappVars(map[string]string{"WHATSAPP_NUMBER": "39-abc-1234567"}),
		whatsappVars(map[string]string{"WHATSAPP_NUMBER": "3912"}),
		{"WHATSAPP_NUMBER": "+39 02 1234 5678"}, // no WhatsApp
	} {
		_, err := loadConfig(envOf(vars))
		if err == nil || !strings.HasPrefix(err.Error(), "WHATSAPP_NUMBER") || strings.Contains(err.Error(), vars["WHATSAPP_NUMBER"]) {
			t.Errorf("%v: %v, want an error naming WHATSAPP_NUMBER without the number", vars["WHATSAPP_NUMBER"], err)
		}
	}
}
