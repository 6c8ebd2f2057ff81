package telegram

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// fakeDispatcher records what it was given; retry makes an update id fail with ErrRetryLater
// (as many times as the count says).
type fakeDispatcher struct {
	mu       sync.Mutex
	got      []bot.Incoming
	retry    map[string]int
	callback string
	delay    time.Duration
}

func (d *fakeDispatcher) Dispatch(ctx context.Context, in bot.Incoming) (bot.Result, error) {
	if d.delay > 0 {
		time.Sleep(d.delay)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.retry[in.UpdateID] > 0 {
		d.retry[in.UpdateID]--
		return bot.Result{}, fmt.Errorf("%w: database away", bot.ErrRetryLater)
	}
	d.got = append(d.got, in)
	return bot.Result{CallbackText: d.callback}, nil
}

func (d *fakeDispatcher) updates() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, in := range d.got {
		out = append(out, in.UpdateID)
	}
	return out
}

const testSecret = "s3cret-Webhook_token-0123"

func postUpdate(t *testing.T, h http.Handler, secret string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWebhook(t *testing.T) {
	f := newFakeAPI(t)
	d := &fakeDispatcher{retry: map[string]int{"1001": 1}, callback: strings.Repeat("è", 250)}
	var logs bytes.Buffer
	h := NewWebhook(NewReceiver(f.client(t), d, nil, nil), testSecret, slog.New(slog.NewTextHandler(&logs, nil)))

	for _, secret := range []string{"", "wrong", testSecret + "x"} {
		if code := postUpdate(t, h, secret, fixture(t, "text.json")); code != http.StatusUnauthorized {
			t.Fatalf("secret %q: %d, want 401", secret, code)
		}
	}
	if len(d.updates()) != 0 {
		t.Fatal("an update without the secret was dispatched")
	}
	if n := strings.Count(logs.String(), "without the right secret"); n != 1 {
		t.Fatalf("logged %d times, want once", n)
	}
	if code := postUpdate(t, h, testSecret, []byte(`{"update_id": 5, "message": `)); code != http.StatusBadRequest {
		t.Fatalf("malformed: %d", code)
	}
	big := append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	if code := postUpdate(t, h, testSecret, big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too big: %d", code)
	}
	// The database is away: 503, so Telegram delivers it again; the second time it is handled.
	if code := postUpdate(t, h, testSecret, fixture(t, "text.json")); code != http.StatusServiceUnavailable {
		t.Fatalf("retry later: %d", code)
	}
	if code := postUpdate(t, h, testSecret, fixture(t, "text.json")); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	if got := d.updates(); len(got) != 1 || got[0] != "1001" {
		t.Fatalf("dispatched %v", got)
	}
	// A button press is answered, with the handler's notice cut to 200 characters.
	if code := postUpdate(t, h, testSecret, fixture(t, "callback.json")); code != http.StatusOK {
		t.Fatalf("callback: %d", code)
	}
	ans := f.callsOf("answerCallbackQuery")
	if len(ans) != 1 || ans[0].Params.Get("callback_query_id") != "4382bfdwdsb323b2d9" || len([]rune(ans[0].Params.Get("text"))) != 200 {
		t.Fatalf("answerCallbackQuery = %+v", ans)
	}
	// Edited messages are confirmed without being handled.
	if code := postUpdate(t, h, testSecret, fixture(t, "edited.json")); code != http.StatusOK || len(d.updates()) != 2 {
		t.Fatalf("edited: %d, dispatched %v", code, d.updates())
	}
}

func TestButtonPressIsAnsweredEvenWhenItMustBeRetried(t *testing.T) {
	f := newFakeAPI(t)
	d := &fakeDispatcher{retry: map[string]int{"1006": 1}}
	r := NewReceiver(f.client(t), d, nil, nil)
	if err := r.Handle(context.Background(), loadUpdate(t, "callback.json")); err == nil {
		t.Fatal("want retry later")
	}
	if err := r.Handle(context.Background(), loadUpdate(t, "callback_no_data.json")); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsOf("answerCallbackQuery")); n != 2 {
		t.Fatalf("%d answers, want 2", n)
	}
}

func TestSetWebhookSendsTheSecret(t *testing.T) {
	f := newFakeAPI(t)
	if err := f.client(t).SetWebhook(context.Background(), "https://bot.example/webhooks/telegram", testSecret, 40); err != nil {
		t.Fatal(err)
	}
	c := f.callsOf("setWebhook")
	if len(c) != 1 || c[0].Params.Get("secret_token") != testSecret || c[0].Params.Get("url") != "https://bot.example/webhooks/telegram" ||
		c[0].Params.Get("max_connections") != "40" || !strings.Contains(c[0].Params.Get("allowed_updates"), "my_chat_member") {
		t.Fatalf("setWebhook = %+v", c)
	}
}

// update builds a text update of a chat.
func update(id int, chat int64) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1764579600,"from":{"id":%d,"is_bot":false,"first_name":"x"},"chat":{"id":%d,"type":"private"},"text":"m%d"}}`,
		id, id, chat, chat, id)
}

func fastPoller(recv *Receiver, t *testing.T) *Poller {
	return NewPoller(recv, storagetest.Redis(t), PollerConfig{Idle: 5 * time.Millisecond, Timeout: time.Second, LockTTL: 600 * time.Millisecond,
		Standby: 50 * time.Millisecond}, nil)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPollerConfirmsOnlyWhatWasHandled(t *testing.T) {
	f := newFakeAPI(t)
	// Chat 1: 10, 12, 14; chat 2: 11, 13. Update 12 fails once: 14 must wait for it, and the
	// offset confirms only up to 11.
	f.updates = [][]string{{update(10, 1), update(11, 2), update(12, 1), update(13, 2), update(14, 1)}, {update(12, 1), update(14, 1)}}
	d := &fakeDispatcher{retry: map[string]int{"12": 1}}
	p := fastPoller(NewReceiver(f.client(t), d, nil, nil), t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	waitFor(t, "every update", func() bool { return len(d.updates()) == 5 })
	waitFor(t, "the confirming poll", func() bool { return len(f.callsOf("getUpdates")) >= 3 })
	cancel()
	<-done

	got := d.updates()
	pos := map[string]int{}
	for i, id := range got {
		pos[id] = i
	}
	if pos["10"] > pos["12"] || pos["12"] > pos["14"] || pos["11"] > pos["13"] {
		t.Fatalf("order within a chat broken: %v", got)
	}
	polls := f.callsOf("getUpdates")
	if polls[0].Params.Get("offset") != "" || polls[1].Params.Get("offset") != "12" || polls[2].Params.Get("offset") != "15" {
		t.Fatalf("offsets %q, %q, %q; want none, 12, 15", polls[0].Params.Get("offset"), polls[1].Params.Get("offset"), polls[2].Params.Get("offset"))
	}
	if len(f.callsOf("deleteWebhook")) != 1 {
		t.Fatal("polling starts with deleteWebhook")
	}
}

func TestOnlyOneReplicaPollsAndAnotherTakesOver(t *testing.T) {
	f := newFakeAPI(t)
	redis := storagetest.Redis(t)
	cfg := PollerConfig{Idle: 5 * time.Millisecond, Timeout: time.Second, LockTTL: 300 * time.Millisecond, Standby: 20 * time.Millisecond}
	d1, d2 := &fakeDispatcher{}, &fakeDispatcher{}
	p1 := NewPoller(NewReceiver(f.client(t), d1, nil, nil), redis, cfg, nil)
	p2 := NewPoller(NewReceiver(f.client(t), d2, nil, nil), redis, cfg, nil)
	ctx1, stop1 := context.WithCancel(context.Background())
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	done1 := make(chan error, 1)
	go func() { done1 <- p1.Run(ctx1) }()
	waitFor(t, "the first poller", func() bool { return len(f.callsOf("getUpdates")) > 0 })
	go func() { _ = p2.Run(ctx2) }()
	time.Sleep(400 * time.Millisecond) // longer than the lock's TTL: renewal keeps it with p1
	if n := len(f.callsOf("deleteWebhook")); n != 1 {
		t.Fatalf("%d pollers started, want 1", n)
	}
	stop1()
	<-done1
	f.mu.Lock()
	f.updates = [][]string{{update(20, 3)}}
	f.mu.Unlock()
	waitFor(t, "the standby to take over", func() bool { return len(d2.updates()) == 1 })
	if len(d1.updates()) != 0 || len(f.callsOf("deleteWebhook")) != 2 {
		t.Fatalf("p1 %v, p2 %v", d1.updates(), d2.updates())
	}
}

func TestPollerSaysAWebhookIsSet(t *testing.T) {
	f := newFakeAPI(t)
	conflict := reply{409, `{"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}`}
	f.on("getUpdates", conflict, conflict)
	var logs syncBuffer
	p := NewPoller(NewReceiver(f.client(t), &fakeDispatcher{}, nil, nil), storagetest.Redis(t),
		PollerConfig{Idle: 5 * time.Millisecond, Timeout: time.Second}, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_ = p.Run(ctx)
	if !strings.Contains(logs.String(), "a webhook is set") {
		t.Fatalf("logs:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), testToken) {
		t.Fatal("the token reached the log")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
