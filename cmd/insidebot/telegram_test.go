package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestSendLimitsConfig(t *testing.T) {
	for name, vars := range map[string]map[string]string{
		"TELEGRAM_RATE":          {"TELEGRAM_RATE": "fast"},
		"TELEGRAM_CHAT_INTERVAL": {"TELEGRAM_CHAT_INTERVAL": "1"},
		"TELEGRAM_CHAT_BURST":    {"TELEGRAM_CHAT_BURST": "0"},
		"WHATSAPP_RATE":          {"WHATSAPP_RATE": "-3"},
		"WHATSAPP_CHAT_INTERVAL": {"WHATSAPP_CHAT_INTERVAL": "2h"},
	} {
		if _, err := loadConfig(envOf(vars)); err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%v: %v, want an error naming %s", vars, err, name)
		}
	}
	cfg, err := loadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if tg, wa := cfg.TelegramLimits, cfg.WhatsAppLimits; tg.Rate != 30 || tg.ChatInterval != time.Second || tg.ChatBurst != 3 ||
		wa.Rate != 80 || wa.ChatInterval != 6*time.Second || wa.ChatBurst != 5 {
		t.Fatalf("defaults: telegram %+v, whatsapp %+v", tg, wa)
	}
	cfg, err = loadConfig(envOf(map[string]string{"TELEGRAM_RATE": "12.5", "TELEGRAM_CHAT_INTERVAL": "2s", "TELEGRAM_CHAT_BURST": "1"}))
	if err != nil || cfg.TelegramLimits.Rate != 12.5 || cfg.TelegramLimits.ChatInterval != 2*time.Second || cfg.TelegramLimits.ChatBurst != 1 {
		t.Fatalf("custom: %+v, %v", cfg.TelegramLimits, err)
	}
}

// botAPI is a minimal fake Bot API for wiring tests.
type botAPI struct {
	mu    sync.Mutex
	calls []url.Values
	names []string
}

func (b *botAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseMultipartForm(1 << 20)
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	b.mu.Lock()
	b.calls = append(b.calls, r.Form)
	b.names = append(b.names, method)
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		_, _ = io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Inside","username":"inside_aut_bot"}}`)
	case "sendMessage":
		_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":7,"date":1,"chat":{"id":1,"type":"private"}}}`)
	default:
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

func (b *botAPI) find(method string) (url.Values, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, n := range b.names {
		if n == method {
			return b.calls[i], true
		}
	}
	return nil, false
}

func TestTelegramWebhookToReplyThroughTheOutbox(t *testing.T) {
	api := &botAPI{}
	fake := httptest.NewServer(api)
	defer fake.Close()
	_, dbURL := storagetest.Postgres(t)
	secret := "webhook-secret-0123456789"
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-tg-" + t.Name() + ":",
		"TELEGRAM_BOT_TOKEN": "42:test-token", "TELEGRAM_API_ENDPOINT": fake.URL + "/bot%s/%s",
		"TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram", "TELEGRAM_WEBHOOK_SECRET": secret}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if got := a.engine.Settings().BotUsername; got != "inside_aut_bot" {
		t.Fatalf("deep links name %q, want the username from getMe", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, r := range a.runners {
		wg.Add(1)
		go func() { defer wg.Done(); _ = r.run(ctx) }()
	}
	defer func() { cancel(); wg.Wait() }()
	srv := httptest.NewServer(a.mux)
	defer srv.Close()

	update := `{"update_id":9001,"message":{"message_id":1,"date":1764579600,"from":{"id":31337,"is_bot":false,"first_name":"A","language_code":"en"},` +
		`"chat":{"id":31337,"type":"private"},"text":"/start","entities":[{"offset":0,"length":6,"type":"bot_command"}]}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/telegram", strings.NewReader(update))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if msg, ok := api.find("sendMessage"); ok {
			if msg.Get("chat_id") != "31337" || msg.Get("text") != a.catalog.For("en").T("start.about")+"\n\n"+a.catalog.For("en").T("start.how_to_join") {
				t.Fatalf("reply = %v", msg)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no reply reached the Bot API")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if hook, ok := api.find("setWebhook"); !ok || hook.Get("secret_token") != secret || hook.Get("url") != "https://bot.example/webhooks/telegram" {
		t.Fatalf("setWebhook = %v", hook)
	}
}

func TestNoTokenNoTelegram(t *testing.T) {
	_, dbURL := storagetest.Postgres(t)
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": "test-notg:"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if a.telegram != nil || a.wake == nil {
		t.Fatalf("telegram %v, wake set %v", a.telegram, a.wake != nil)
	}
	for _, s := range a.senders {
		if s.Channel() == "telegram" {
			t.Fatal("a Telegram sender without a token")
		}
	}
	for _, r := range a.runners {
		if strings.HasPrefix(r.name, "telegram") {
			t.Fatalf("runner %s without a token", r.name)
		}
	}
}
