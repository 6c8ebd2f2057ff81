package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage/storagetest"
)

// fullApp is the whole service as serve builds it (webhooks, web chat, outbox senders,
// scheduler) against fake Telegram and WhatsApp APIs, driven through its HTTP endpoints.
type fullApp struct {
	t      *testing.T
	a      *app
	srv    *httptest.Server
	tg     *fakeTelegram
	wa     *fakeWhatsApp
	prefix string
	seq    atomic.Int64
}

const (
	fullAppTGSecret  = "webhook-secret-0123456789"
	fullAppWASecret  = "app-secret"
	fullAppWAPhoneID = "106540352242922"
)

// startFullApp builds and runs the service on PostgreSQL (sqlite false) or an SQLite file.
func startFullApp(t *testing.T, sqlite bool) *fullApp {
	t.Helper()
	f := &fullApp{t: t, tg: &fakeTelegram{}, wa: &fakeWhatsApp{}}
	tgSrv := httptest.NewServer(f.tg)
	t.Cleanup(tgSrv.Close)
	waSrv := httptest.NewServer(f.wa)
	t.Cleanup(waSrv.Close)
	dbURL, dataDir := "", filepath.Join(t.TempDir(), "data")
	if !sqlite {
		_, dbURL = storagetest.Postgres(t)
	}
	f.prefix = fmt.Sprintf("test-full-%d-%s:", time.Now().UnixNano(), strings.ReplaceAll(t.Name(), "/", "-"))
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "DATA_DIR": dataDir, "REDIS_URL": storagetest.RedisURL(), "REDIS_PREFIX": f.prefix,
		"TELEGRAM_BOT_TOKEN": "42:test-token", "TELEGRAM_API_ENDPOINT": tgSrv.URL + "/bot%s/%s",
		"TELEGRAM_WEBHOOK_URL": "https://bot.example/webhooks/telegram", "TELEGRAM_WEBHOOK_SECRET": fullAppTGSecret,
		"WHATSAPP_ACCESS_TOKEN": "EAAtoken", "WHATSAPP_PHONE_NUMBER_ID": fullAppWAPhoneID, "WHATSAPP_APP_SECRET": fullAppWASecret,
		"WHATSAPP_VERIFY_TOKEN": "verify-token", "WHATSAPP_API_URL": waSrv.URL, "PUBLIC_URL": "https://bot.example",
		"SCHEDULER_INTERVAL": "200ms", "PRIVACY_CONTACT": "privacy@example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	// The service's warnings are shown when the test fails.
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the service logged:\n%s", logs.String())
		}
	})
	f.a, err = build(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, r := range f.a.runners {
		wg.Add(1)
		go func() { defer wg.Done(); _ = r.run(ctx) }()
	}
	f.srv = httptest.NewServer(f.a.mux)
	t.Cleanup(func() {
		f.srv.Close()
		cancel()
		wg.Wait()
		c := f.a.redis.Client()
		iter := c.Scan(context.Background(), 0, f.prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			c.Del(context.Background(), iter.Val())
		}
		f.a.close()
	})
	return f
}

// waitFor waits for cond, failing the test after a generous deadline (the machine may be busy).
func (f *fullApp) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fullApp) post(path string, body []byte, header map[string]string) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

// --- Telegram ---------------------------------------------------------------------------

// tgUpdate posts an update to the Telegram webhook.
func (f *fullApp) tgUpdate(update map[string]any) {
	f.t.Helper()
	update["update_id"] = 900000 + f.seq.Add(1)
	b, _ := json.Marshal(update)
	resp := f.post("/webhooks/telegram", b, map[string]string{"X-Telegram-Bot-Api-Secret-Token": fullAppTGSecret})
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("telegram webhook answered %d", resp.StatusCode)
	}
}

// tgSend sends a text (a command when it starts with /) from a Telegram user. It returns how
// many messages the chat had got before (what a tap on the answer waits after).
func (f *fullApp) tgSend(user int64, text string) int {
	f.t.Helper()
	before := f.tg.count(user)
	msg := map[string]any{"message_id": f.seq.Add(1), "date": time.Now().Unix(), "text": text,
		"from": map[string]any{"id": user, "is_bot": false, "first_name": "A", "language_code": "en"},
		"chat": map[string]any{"id": user, "type": "private"}}
	if strings.HasPrefix(text, "/") {
		name, _, _ := strings.Cut(text, " ")
		msg["entities"] = []map[string]any{{"offset": 0, "length": len(name), "type": "bot_command"}}
	}
	f.tgUpdate(map[string]any{"message": msg})
	return before
}

// tgTap presses, as a Telegram user, the button labelled label in the latest message that has
// one among those sent to the chat after the first since of them, waiting for it to arrive. It
// returns how many messages the chat had got before the press (what the next tap waits after).
func (f *fullApp) tgTap(user int64, since int, label string) int {
	f.t.Helper()
	var data string
	deadline := time.Now().Add(60 * time.Second)
	for data = f.tg.buttonData(user, since, label); data == ""; data = f.tg.buttonData(user, since, label) {
		if time.Now().After(deadline) {
			f.t.Fatalf("no Telegram button %q; the chat got:\n%s", label, f.tg.texts(user))
		}
		time.Sleep(20 * time.Millisecond)
	}
	before := f.tg.count(user)
	f.tgUpdate(map[string]any{"callback_query": map[string]any{"id": fmt.Sprint(f.seq.Add(1)), "data": data,
		"from":    map[string]any{"id": user, "is_bot": false, "first_name": "A", "language_code": "en"},
		"message": map[string]any{"message_id": 7, "date": time.Now().Unix(), "chat": map[string]any{"id": user, "type": "private"}}}})
	return before
}

// fakeTelegram is the Bot API: it records what the bot sends.
type fakeTelegram struct {
	mu   sync.Mutex
	sent []tgSent
	next int
}

type tgSent struct {
	chat, text, markup string
}

func (b *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseMultipartForm(1 << 20)
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		_, _ = io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Inside","username":"inside_aut_bot"}}`)
	case "sendMessage":
		b.mu.Lock()
		b.sent = append(b.sent, tgSent{chat: r.Form.Get("chat_id"), text: r.Form.Get("text"), markup: r.Form.Get("reply_markup")})
		b.next++
		id := b.next
		b.mu.Unlock()
		_, _ = fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":1,"type":"private"}}}`, id)
	default:
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// texts are the texts sent to a chat.
func (b *fakeTelegram) texts(user int64) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, s := range b.sent {
		if s.chat == fmt.Sprint(user) {
			out = append(out, s.text)
		}
	}
	return strings.Join(out, "\n---\n")
}

// count is how many messages were sent to a chat.
func (b *fakeTelegram) count(user int64) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, s := range b.sent {
		if s.chat == fmt.Sprint(user) {
			n++
		}
	}
	return n
}

// buttonData finds, newest message first among the chat's messages after the first since, a
// button whose label contains label.
func (b *fakeTelegram) buttonData(user int64, since int, label string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var mine []tgSent
	for _, s := range b.sent {
		if s.chat == fmt.Sprint(user) {
			mine = append(mine, s)
		}
	}
	for i := len(mine) - 1; i >= since; i-- {
		s := mine[i]
		if s.markup == "" {
			continue
		}
		var kb struct {
			Rows [][]struct {
				Text string `json:"text"`
				Data string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if json.Unmarshal([]byte(s.markup), &kb) != nil {
			continue
		}
		for _, row := range kb.Rows {
			for _, btn := range row {
				if strings.Contains(btn.Text, label) && btn.Data != "" {
					return btn.Data
				}
			}
		}
	}
	return ""
}

// --- WhatsApp ---------------------------------------------------------------------------

// waSend posts a signed text message from a WhatsApp number. Its id, as WhatsApp's, carries
// the number in base64.
func (f *fullApp) waSend(from, text string) {
	f.t.Helper()
	f.waPost(from, map[string]any{"type": "text", "text": map[string]any{"body": text}})
}

// waPress posts a signed reply-button press from a WhatsApp number.
func (f *fullApp) waPress(from, id, title string) {
	f.t.Helper()
	f.waPost(from, map[string]any{"type": "interactive", "interactive": map[string]any{"type": "button_reply",
		"button_reply": map[string]any{"id": id, "title": title}}})
}

func (f *fullApp) waPost(from string, message map[string]any) {
	f.t.Helper()
	message["from"], message["id"], message["timestamp"] = from, wamid(from, f.seq.Add(1)), fmt.Sprint(time.Now().Unix())
	payload := map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{"id": "1", "changes": []any{
		map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]any{"display_phone_number": "15550783881", "phone_number_id": fullAppWAPhoneID},
			"contacts":          []any{map[string]any{"wa_id": from, "profile": map[string]any{"name": "A"}}},
			"messages":          []any{message},
		}}}}}}
	body, _ := json.Marshal(payload)
	mac := hmac.New(sha256.New, []byte(fullAppWASecret))
	mac.Write(body)
	resp := f.post("/webhooks/whatsapp", body, map[string]string{"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))})
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("whatsapp webhook answered %d", resp.StatusCode)
	}
}

// wamid makes a message id the way WhatsApp does: the number, in base64, inside.
func wamid(number string, n int64) string {
	raw := append([]byte{0x1c, 0x18, byte(len(number))}, []byte(number)...)
	raw = append(raw, []byte(fmt.Sprintf("\x15\x02\x00\x12\x18\x14%020d", n))...)
	return "wamid." + base64.StdEncoding.EncodeToString(raw)
}

// fakeWhatsApp is the Graph API: it records what the bot sends and answers with message ids.
type fakeWhatsApp struct {
	mu   sync.Mutex
	sent []map[string]any
	n    int64
}

func (g *fakeWhatsApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	g.mu.Lock()
	g.sent = append(g.sent, m)
	g.n++
	n := g.n
	g.mu.Unlock()
	to, _ := m["to"].(string)
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":%q}]}`, to, to, wamid(to, 500000+n))
}

// --- Web chat -----------------------------------------------------------------------------

// webSession opens a web-chat session and returns its token and the chat id the server keeps
// (the token's SHA-256).
func (f *fullApp) webSession(lang string) (token, chatID string) {
	f.t.Helper()
	resp := f.post("/webchat/api/session", []byte(fmt.Sprintf(`{"lang":%q}`, lang)), nil)
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		f.t.Fatalf("web session: %d %v", resp.StatusCode, err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(out.Token)
	if err != nil {
		f.t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	return out.Token, hex.EncodeToString(sum[:])
}

// webSend sends a text (or, with data, a button press) from a web-chat session, waiting out
// its rate limit when told to.
func (f *fullApp) webSend(token, text, data string) {
	f.t.Helper()
	body, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("msg%08d", f.seq.Add(1)), "text": text, "data": data})
	for {
		resp := f.post("/webchat/api/send", body, map[string]string{"Authorization": "Bearer " + token})
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
			f.t.Fatalf("web chat send answered %d", resp.StatusCode)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

type webMessage struct {
	ID      int64  `json:"id"`
	Text    string `json:"text"`
	Buttons [][]struct {
		Text string `json:"text"`
		Data string `json:"data"`
	} `json:"buttons"`
}

// webMessages reads every bot message of a session (status 401: the session is gone).
func (f *fullApp) webMessages(token string) ([]webMessage, int) {
	f.t.Helper()
	for {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/webchat/api/messages?after=0", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			f.t.Fatal(err)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			resp.Body.Close()
			time.Sleep(300 * time.Millisecond)
			continue
		}
		var out struct {
			Messages []webMessage `json:"messages"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		return out.Messages, resp.StatusCode
	}
}

// webTexts joins a session's messages.
func (f *fullApp) webTexts(token string) string {
	msgs, _ := f.webMessages(token)
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return strings.Join(out, "\n---\n")
}

// lockedBuffer is a bytes.Buffer safe for the service's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
