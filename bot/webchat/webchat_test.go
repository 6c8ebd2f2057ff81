package webchat_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// harness is the web chat on an httptest server, over the real dispatcher and conversations
// (flowtest: PostgreSQL, Redis), delivered by the real outbox service.
type harness struct {
	t   *testing.T
	fh  *flowtest.Harness
	ch  *webchat.Channel
	srv *httptest.Server
	rec *recorder
}

// recorder is a Dispatcher that records what reaches it, can refuse the first updates with
// ErrRetryLater, and hands the rest to the real dispatcher (or to answer).
type recorder struct {
	mu      sync.Mutex
	got     []bot.Incoming
	refuse  int
	next    webchat.Dispatcher
	answer  func(ctx context.Context, in bot.Incoming) error
	handled int
}

func (r *recorder) Dispatch(ctx context.Context, in bot.Incoming) (bot.Result, error) {
	r.mu.Lock()
	r.got = append(r.got, in)
	if r.refuse > 0 {
		r.refuse--
		r.mu.Unlock()
		return bot.Result{}, fmt.Errorf("%w: database away", bot.ErrRetryLater)
	}
	r.mu.Unlock()
	if r.answer != nil {
		r.handled++
		return bot.Result{}, r.answer(ctx, in)
	}
	return r.next.Dispatch(ctx, in)
}

func (r *recorder) last() bot.Incoming {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

func newHarness(t *testing.T, change ...func(*webchat.Config)) *harness {
	t.Helper()
	fh := flowtest.New(t)
	rec := &recorder{next: fh.Dispatcher}
	cfg := webchat.Config{DB: fh.DB, Redis: fh.Redis, Dispatcher: rec, Catalog: fh.Catalog, Clock: fh.Clock}
	for _, f := range change {
		f(&cfg)
	}
	ch := webchat.New(cfg)
	mux := http.NewServeMux()
	ch.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	svc := outbox.New(outbox.Config{DB: fh.DB, Redis: fh.Redis, Senders: []bot.Sender{ch.Sender()}, Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &harness{t: t, fh: fh, ch: ch, srv: srv, rec: rec}
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call makes a request; body is sent as is when it is a string, as JSON otherwise.
func (h *harness) call(method, path, token string, body any) answer {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (h *harness) session(lang string) string {
	h.t.Helper()
	a := h.call("POST", "/webchat/api/session", "", map[string]string{"lang": lang})
	tok, _ := a.body["token"].(string)
	if a.status != http.StatusCreated || tok == "" {
		h.t.Fatalf("create session: %d %s", a.status, a.raw)
	}
	return tok
}

func (h *harness) send(token, id, text string) answer {
	h.t.Helper()
	return h.call("POST", "/webchat/api/send", token, map[string]string{"id": id, "text": text})
}

// flush waits until the outbox has delivered every web-chat message that is due.
func (h *harness) flush() {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		if err := h.fh.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM outbox WHERE channel = 'webchat' AND status IN ('pending', 'sending') AND next_attempt_at <= ?`, time.Now()); err != nil {
			h.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d web-chat messages still undelivered", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type shown struct {
	ID       int64          `json:"id"`
	Text     string         `json:"text"`
	Buttons  [][]bot.Button `json:"buttons"`
	Image    *bot.File      `json:"image"`
	Document *bot.File      `json:"document"`
	Lang     string         `json:"lang"`
	RTL      bool           `json:"rtl"`
}

func (h *harness) fetch(token string, after int64) []shown {
	h.t.Helper()
	a := h.call("GET", fmt.Sprintf("/webchat/api/messages?after=%d", after), token, nil)
	if a.status != http.StatusOK {
		h.t.Fatalf("fetch: %d %s", a.status, a.raw)
	}
	var out struct{ Messages []shown }
	if err := json.Unmarshal([]byte(a.raw), &out); err != nil {
		h.t.Fatal(err)
	}
	return out.Messages
}

func chatOf(token string) string {
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func TestConversationThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	tok := h.session("fr-FR")
	if len(tok) != 43 {
		t.Fatalf("token %q: want 32 random bytes, base64url", tok)
	}
	// Only the token's hash is kept.
	var stored []storage.WebchatSession
	if err := h.fh.DB.Select(context.Background(), &stored, `SELECT chat_id, lang, created_at, last_seen_at FROM webchat_sessions`); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ChatID != chatOf(tok) || strings.Contains(fmt.Sprint(stored), tok) || stored[0].Lang != "fr" {
		t.Fatalf("sessions = %+v", stored)
	}

	a := h.send(tok, "msg-000001", "bonjour")
	if a.status != http.StatusOK || a.body["ok"] != true || a.body["duplicate"] != false {
		t.Fatalf("send: %d %s", a.status, a.raw)
	}
	in := h.rec.last()
	if in.Channel != bot.Webchat || in.ChatID != chatOf(tok) || in.UserID != in.ChatID || in.Kind != bot.KindText ||
		in.Text != "bonjour" || in.LangHint != "fr" || !strings.HasSuffix(in.UpdateID, ":msg-000001") {
		t.Fatalf("incoming = %+v", in)
	}
	// The answer is delivered by the outbox service running beside the API (possibly already).
	h.flush()
	got := h.fetch(tok, 0)
	if len(got) != 1 || !strings.Contains(got[0].Text, "insidebot") || got[0].Lang != "fr" || got[0].RTL {
		t.Fatalf("the bot's answer to an unknown visitor = %+v", got)
	}
	if more := h.fetch(tok, got[0].ID); len(more) != 0 {
		t.Fatalf("after the last message: %+v", more)
	}
	// Another session sees none of it.
	if other := h.fetch(h.session("en"), 0); len(other) != 0 {
		t.Fatalf("another session sees %+v", other)
	}
}

func TestRetriedSendHasNoSecondEffect(t *testing.T) {
	h := newHarness(t)
	tok := h.session("en")
	first := h.send(tok, "same-id-42", "hello")
	again := h.send(tok, "same-id-42", "hello")
	if first.body["duplicate"] != false || again.status != http.StatusOK || again.body["duplicate"] != true {
		t.Fatalf("first %s, retry %d %s", first.raw, again.status, again.raw)
	}
	h.flush()
	if got := h.fetch(tok, 0); len(got) != 1 {
		t.Fatalf("%d answers to one message sent twice", len(got))
	}
	// The same client id in another session is another message.
	other := h.session("en")
	if a := h.send(other, "same-id-42", "hello"); a.body["duplicate"] != false {
		t.Fatalf("another session's message was taken for a duplicate: %s", a.raw)
	}
}

func TestRetryLaterAnswers503AndTheRetryIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	tok := h.session("en")
	h.rec.refuse = 1
	a := h.send(tok, "retry-0001", "hello")
	if a.status != http.StatusServiceUnavailable || a.body["error"] != "retry_later" || a.header.Get("Retry-After") == "" {
		t.Fatalf("a refused update: %d %s", a.status, a.raw)
	}
	if a = h.send(tok, "retry-0001", "hello"); a.status != http.StatusOK || a.body["duplicate"] != false {
		t.Fatalf("the retry: %d %s", a.status, a.raw)
	}
	h.flush()
	if got := h.fetch(tok, 0); len(got) != 1 {
		t.Fatalf("%d answers, want 1", len(got))
	}
}

func TestMessagesComeInOrderPageByPage(t *testing.T) {
	h := newHarness(t)
	tok := h.session("en")
	s := h.ch.Sender()
	for i := range 60 {
		if _, err := s.Send(context.Background(), bot.Recipient{ChatID: chatOf(tok)}, bot.Outgoing{Text: fmt.Sprintf("m%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	page1 := h.fetch(tok, 0)
	page2 := h.fetch(tok, page1[len(page1)-1].ID)
	if len(page1) != 50 || len(page2) != 10 {
		t.Fatalf("pages of %d and %d, want 50 and 10", len(page1), len(page2))
	}
	for i, m := range append(page1, page2...) {
		if m.Text != fmt.Sprintf("m%02d", i) {
			t.Fatalf("message %d is %q: out of order", i, m.Text)
		}
	}
}

func TestSenderShowsButtonsFilesAndSkipsCommandMenus(t *testing.T) {
	h := newHarness(t)
	tok := h.session("ar")
	s := h.ch.Sender()
	ctx := context.Background()
	to := bot.Recipient{ChatID: chatOf(tok)}
	if s.Channel() != bot.Webchat {
		t.Fatalf("channel %q", s.Channel())
	}
	id, err := s.Send(ctx, to, bot.Outgoing{Commands: []bot.Command{{Command: "plan", Description: "x"}}})
	if err != nil || id != "" {
		t.Fatalf("a command menu: %q, %v", id, err)
	}
	out := bot.Outgoing{Text: "مرحبا", Lang: "ar", RTL: true,
		Buttons: [][]bot.Button{{{Text: "A", Data: "a:1"}, {Text: "B", Data: "b:2"}}, {{Text: "Map", URL: "https://example.org"}}},
		Image:   &bot.File{Name: "map.png", MIME: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}}
	if _, err := s.Send(ctx, to, out); err != nil {
		t.Fatal(err)
	}
	// An image the page must not inline (SVG) is offered as a download.
	if _, err := s.Send(ctx, to, bot.Outgoing{Text: "svg", Image: &bot.File{Name: "x.svg", MIME: "image/svg+xml", Data: []byte("<svg/>")}}); err != nil {
		t.Fatal(err)
	}
	got := h.fetch(tok, 0)
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2 (the command menu shows nothing)", len(got))
	}
	m := got[0]
	if !m.RTL || m.Lang != "ar" || len(m.Buttons) != 2 || len(m.Buttons[0]) != 2 || m.Buttons[1][0].URL != "https://example.org" ||
		m.Image == nil || string(m.Image.Data) != "\x89PNG" {
		t.Fatalf("message = %+v", m)
	}
	if got[1].Image != nil || got[1].Document == nil || got[1].Document.Name != "x.svg" {
		t.Fatalf("an SVG image = %+v, want a document", got[1])
	}
}

func TestTextsCommandsAndButtonsBecomeUpdates(t *testing.T) {
	h := newHarness(t)
	h.rec.answer = func(context.Context, bot.Incoming) error { return nil }
	tok := h.session("ti")
	cases := []struct {
		body          map[string]string
		kind          bot.Kind
		command, text string
		data          string
	}{
		{map[string]string{"text": "/start AB12CD34"}, bot.KindCommand, "start", "AB12CD34", ""},
		{map[string]string{"text": "  /START@insidebot  "}, bot.KindCommand, "start", "", ""},
		{map[string]string{"text": "/ nothing"}, bot.KindText, "", "/ nothing", ""},
		{map[string]string{"text": "/"}, bot.KindText, "", "/", ""},
		{map[string]string{"text": "  ሰላም  "}, bot.KindText, "", "ሰላም", ""},
		{map[string]string{"text": "ciao\x00 mondo\x07"}, bot.KindText, "", "ciao mondo", ""},
		{map[string]string{"data": "pl:3"}, bot.KindButton, "", "", "pl:3"},
	}
	for i, c := range cases {
		c.body["id"] = fmt.Sprintf("case-%04d", i)
		if a := h.call("POST", "/webchat/api/send", tok, c.body); a.status != http.StatusOK {
			t.Fatalf("%v: %d %s", c.body, a.status, a.raw)
		}
		in := h.rec.last()
		if in.Kind != c.kind || in.Command != c.command || in.Text != c.text || in.Data != c.data || in.LangHint != "ti" {
			t.Errorf("%v -> %+v", c.body, in)
		}
	}
}

func TestBadRequestsGetPreciseErrors(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) {
		c.Limits.SendPerSession = webchat.Limit{Rate: 100, Burst: 100}
		c.Limits.FetchPerSession = webchat.Limit{Rate: 100, Burst: 100}
	})
	tok := h.session("en")
	long := strings.Repeat("é", 4097)
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"not JSON", "POST", "/webchat/api/send", tok, "{text:", 400, "bad_json"},
		{"empty body", "POST", "/webchat/api/send", tok, "", 400, "bad_json"},
		{"unknown field", "POST", "/webchat/api/send", tok, `{"id":"abcdefgh","text":"x","admin":true}`, 400, "bad_json"},
		{"two values", "POST", "/webchat/api/send", tok, `{"id":"abcdefgh","text":"x"}{}`, 400, "bad_json"},
		{"too large", "POST", "/webchat/api/send", tok, `{"id":"abcdefgh","text":"` + strings.Repeat("x", 20000) + `"}`, 413, "too_large"},
		{"no id", "POST", "/webchat/api/send", tok, map[string]string{"text": "x"}, 400, "bad_id"},
		{"bad id", "POST", "/webchat/api/send", tok, map[string]string{"id": "no spaces!", "text": "x"}, 400, "bad_id"},
		{"text and data", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "text": "x", "data": "y"}, 400, "bad_message"},
		{"empty text", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "text": "   "}, 400, "empty"},
		{"only control characters", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "text": "\x00 \x00\x01"}, 400, "empty"},
		{"too long", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "text": long}, 400, "too_long"},
		{"long data", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "data": strings.Repeat("d", 65)}, 400, "bad_data"},
		{"control data", "POST", "/webchat/api/send", tok, map[string]string{"id": "abcdefgh", "data": "a\x00b"}, 400, "bad_data"},
		{"bad after", "GET", "/webchat/api/messages?after=x", tok, nil, 400, "bad_after"},
		{"negative after", "GET", "/webchat/api/messages?after=-1", tok, nil, 400, "bad_after"},
		{"long wait", "GET", "/webchat/api/messages?wait=99", tok, nil, 400, "bad_wait"},
		{"no token", "POST", "/webchat/api/send", "", map[string]string{"id": "abcdefgh", "text": "x"}, 401, "unauthorized"},
		{"malformed token", "GET", "/webchat/api/messages", "not-a-token", nil, 401, "unauthorized"},
		{"unknown token", "GET", "/webchat/api/messages", base64.RawURLEncoding.EncodeToString(make([]byte, 32)), nil, 401, "unauthorized"},
		{"wrong method", "GET", "/webchat/api/send", tok, nil, 405, "method_not_allowed"},
		{"unknown endpoint", "GET", "/webchat/api/admin", tok, nil, 404, "not_found"},
		{"session lang", "POST", "/webchat/api/session", "", map[string]string{"lang": strings.Repeat("x", 40)}, 400, "bad_lang"},
		{"demo off", "GET", "/webchat/api/demo/personas", "", nil, 404, "not_found"},
		{"demo session off", "POST", "/webchat/api/demo/session", "", map[string]string{"persona": "staff-1"}, 404, "not_found"},
	}
	for _, c := range cases {
		a := h.call(c.method, c.path, c.token, c.body)
		msg, _ := a.body["message"].(string)
		if a.status != c.status || a.body["error"] != c.code || msg == "" || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s, want %d %s with a message", c.name, a.status, a.raw, c.status, c.code)
		}
	}
	if n := len(h.rec.got); n != 0 {
		t.Fatalf("%d bad requests reached the bot", n)
	}
}

func TestRateLimits(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) {
		c.Limits = webchat.Limits{
			SessionPerIP:   webchat.Limit{Rate: 0.001, Burst: 3},
			SendPerSession: webchat.Limit{Rate: 0.001, Burst: 2},
			SendPerIP:      webchat.Limit{Rate: 0.001, Burst: 3},
		}
	})
	h.rec.answer = func(context.Context, bot.Incoming) error { return nil }
	a, b := h.session("en"), h.session("en")
	for i, want := range []int{200, 200, 429} {
		r := h.send(a, fmt.Sprintf("a-%07d", i), "x")
		if r.status != want {
			t.Fatalf("session a, message %d: %d %s, want %d", i, r.status, r.raw, want)
		}
		if want == 429 {
			ms, _ := r.body["retry_after_ms"].(float64)
			if r.body["error"] != "rate_limited" || ms <= 0 || r.header.Get("Retry-After") == "" {
				t.Fatalf("over the limit: %s %v", r.raw, r.header)
			}
		}
	}
	// The address's bucket (3) is shared: b gets one message through, then none.
	if r := h.send(b, "b-0000000", "x"); r.status != 200 {
		t.Fatalf("session b, first: %d", r.status)
	}
	if r := h.send(b, "b-0000001", "x"); r.status != 429 {
		t.Fatalf("session b over the address's limit: %d", r.status)
	}
	if r := h.call("POST", "/webchat/api/session", "", map[string]string{}); r.status != 200 && r.status != 201 {
		t.Fatalf("third session: %d", r.status)
	}
	if r := h.call("POST", "/webchat/api/session", "", map[string]string{}); r.status != 429 {
		t.Fatalf("fourth session from one address: %d, want 429", r.status)
	}
	if n := len(h.rec.got); n != 3 {
		t.Fatalf("%d messages reached the bot, want 3", n)
	}
}

// Behind a trusted reverse proxy, visitors get a bucket each (their address from
// X-Forwarded-For); when the proxy is not in TRUSTED_PROXIES every request counts against
// the proxy's one address, whatever the header says.
func TestVisitorsBehindATrustedProxyAreLimitedApart(t *testing.T) {
	for _, c := range []struct {
		name    string
		proxies []netip.Prefix
		second  int
	}{
		{"proxy trusted", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, http.StatusCreated},
		{"proxy not trusted", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, http.StatusTooManyRequests},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, func(cfg *webchat.Config) {
				cfg.Limits.SessionPerIP = webchat.Limit{Rate: 0.001, Burst: 1}
				cfg.TrustedProxies = c.proxies
			})
			var codes []int
			for _, visitor := range []string{"198.51.100.7", "198.51.100.8"} {
				req, _ := http.NewRequest("POST", h.srv.URL+"/webchat/api/session", strings.NewReader(`{"lang":"en"}`))
				req.Header.Set("X-Forwarded-For", visitor)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				codes = append(codes, resp.StatusCode)
			}
			if codes[0] != http.StatusCreated || codes[1] != c.second {
				t.Fatalf("two visitors got %v, want 201 then %d", codes, c.second)
			}
		})
	}
}
