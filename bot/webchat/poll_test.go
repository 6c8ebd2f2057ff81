package webchat_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/storage"
)

func TestLongPollWakesWhenAMessageIsDelivered(t *testing.T) {
	// Only the in-process wake-up can end the wait: the database is not re-read meanwhile.
	h := newHarness(t, func(c *webchat.Config) { c.Recheck = time.Hour })
	tok := h.session("en")
	got := make(chan answer, 1)
	go func() { got <- h.call("GET", "/webchat/api/messages?after=0&wait=25", tok, nil) }()
	// The fetch is waiting (nothing to read yet); then the bot's message is delivered.
	time.Sleep(200 * time.Millisecond)
	select {
	case a := <-got:
		t.Fatalf("the fetch answered before any message: %s", a.raw)
	default:
	}
	if _, err := h.ch.Sender().Send(context.Background(), bot.Recipient{ChatID: chatOf(tok)}, bot.Outgoing{Text: "woken"}); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-got:
		if a.status != http.StatusOK || !strings.Contains(a.raw, `"woken"`) {
			t.Fatalf("long poll: %d %s", a.status, a.raw)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waiting fetch was not woken by the delivered message")
	}
}

func TestLongPollEndsEmptyWhenNothingComes(t *testing.T) {
	h := newHarness(t)
	tok := h.session("en")
	a := h.call("GET", "/webchat/api/messages?after=0&wait=1", tok, nil)
	if a.status != http.StatusOK || strings.TrimSpace(a.raw) != `{"messages":[]}` {
		t.Fatalf("an empty wait: %d %s", a.status, a.raw)
	}
}

func TestLongPollSeesMessagesOfAnotherReplica(t *testing.T) {
	h := newHarness(t, func(c *webchat.Config) { c.Recheck = 50 * time.Millisecond })
	tok := h.session("en")
	got := make(chan answer, 1)
	go func() { got <- h.call("GET", "/webchat/api/messages?after=0&wait=25", tok, nil) }()
	time.Sleep(200 * time.Millisecond)
	// Stored by someone else: no wake-up in this process, the re-read finds it.
	if _, err := storage.AppendWebchat(context.Background(), h.fh.DB, chatOf(tok), `{"text":"from elsewhere"}`, time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-got:
		if !strings.Contains(a.raw, "from elsewhere") {
			t.Fatalf("long poll: %s", a.raw)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a message stored by another replica never reached the waiting fetch")
	}
}

func TestSenderFailureIsRetryable(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// A sender that cannot store says so as a retryable error: the outbox keeps the message.
	if _, err := h.fh.DB.Exec(ctx, `ALTER TABLE webchat_messages RENAME TO webchat_messages_away`); err != nil {
		t.Fatal(err)
	}
	var se *bot.SendError
	_, err := h.ch.Sender().Send(ctx, bot.Recipient{ChatID: "c"}, bot.Outgoing{Text: "x"})
	if !errors.As(err, &se) || se.Class != bot.Retryable {
		t.Fatalf("send error %v, want a retryable SendError", err)
	}
}

// fakeDemo has one staff persona, one beneficiary and a new visitor.
type fakeDemo struct{ linked map[string]string }

func (d *fakeDemo) Personas(context.Context, storage.Queryer) ([]webchat.Persona, error) {
	return []webchat.Persona{
		{Key: "staff-1", Role: storage.RoleCoordinator, Name: "Giulia", Lang: "it"},
		{Key: "beneficiary-1", Role: webchat.PersonaBeneficiary, Code: "MI-001", Territory: "MI", Lang: "ar"},
		{Key: "newcomer", Role: webchat.PersonaNewcomer, Invite: "ABCD2345"},
	}, nil
}

func (d *fakeDemo) Link(_ context.Context, _ storage.Queryer, key, chatID string, _ time.Time) (webchat.Persona, error) {
	ps, _ := d.Personas(context.Background(), nil)
	for _, p := range ps {
		if p.Key == key {
			d.linked[chatID] = key
			return p, nil
		}
	}
	return webchat.Persona{}, webchat.ErrUnknownPersona
}

func TestDemoPersonas(t *testing.T) {
	demo := &fakeDemo{linked: map[string]string{}}
	h := newHarness(t, func(c *webchat.Config) { c.Demo = demo })
	a := h.call("GET", "/webchat/api/demo/personas?lang=en", "", nil)
	for _, want := range []string{`"label":"Coordinator · Giulia"`, `"label":"MI-001 (العربية)","role":"beneficiary","lang":"ar","rtl":true`, `"label":"New visitor"`} {
		if !strings.Contains(a.raw, want) {
			t.Fatalf("personas lack %s: %s", want, a.raw)
		}
	}
	a = h.call("POST", "/webchat/api/demo/session", "", map[string]string{"persona": "beneficiary-1", "lang": "en"})
	tok, _ := a.body["token"].(string)
	if a.status != http.StatusCreated || a.body["lang"] != "ar" || a.body["rtl"] != true || demo.linked[chatOf(tok)] != "beneficiary-1" {
		t.Fatalf("demo session: %d %s (linked %v)", a.status, a.raw, demo.linked)
	}
	if got := h.fetch(tok, 0); len(got) != 0 {
		t.Fatalf("a new demo session has messages: %+v", got)
	}
	a = h.call("POST", "/webchat/api/demo/session", "", map[string]string{"persona": "newcomer", "lang": "fr"})
	if a.status != http.StatusCreated || a.body["invite"] != "ABCD2345" || a.body["lang"] != "fr" {
		t.Fatalf("new visitor: %d %s", a.status, a.raw)
	}
	a = h.call("POST", "/webchat/api/demo/session", "", map[string]string{"persona": "staff-99"})
	if a.status != http.StatusNotFound || a.body["error"] != "unknown_persona" {
		t.Fatalf("unknown persona: %d %s", a.status, a.raw)
	}
}

func TestPageInTheBrowsersLanguage(t *testing.T) {
	h := newHarness(t)
	get := func(path, acceptLang string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
		if acceptLang != "" {
			req.Header.Set("Accept-Language", acceptLang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, it := get("/", "it-IT,it;q=0.9,en;q=0.8")
	if resp.StatusCode != 200 || !strings.Contains(it, `<html lang="it" dir="ltr">`) || !strings.Contains(it, `aria-label="Invia"`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("Italian page: %d %v\n%s", resp.StatusCode, resp.Header, it)
	}
	if _, ar := get("/", "ar-EG"); !strings.Contains(ar, `<html lang="ar" dir="rtl">`) {
		t.Fatalf("Arabic page is not right to left:\n%.300s", ar)
	}
	if _, none := get("/", "de-DE"); !strings.Contains(none, `<html lang="en" dir="ltr">`) {
		t.Fatalf("a language the bot does not speak should get English:\n%.300s", none)
	}
	// No literal text in the page: everything shown comes from the catalogue.
	for _, key := range []string{"placeholder", "send", "connecting", "talk_as", "start"} {
		if !strings.Contains(it, fmt.Sprintf(`%q:`, key)) {
			t.Errorf("the page's texts lack %s", key)
		}
	}
	if resp, js := get("/webchat/static/app.js", ""); resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") || !strings.Contains(js, "use strict") {
		t.Fatalf("app.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := get("/webchat/static/", ""); resp.StatusCode != 404 {
		t.Fatalf("static directory listing: %d", resp.StatusCode)
	}
	a := h.call("GET", "/webchat/api/ui?lang=fa-AF", "", nil)
	texts, _ := a.body["texts"].(map[string]any)
	if a.body["lang"] != "fa-AF" || a.body["rtl"] != true || a.body["demo"] != false || texts["send"] == "" || texts["download"] == nil {
		t.Fatalf("ui texts: %s", a.raw)
	}
}

// The browser asks for /favicon.ico on its own: it gets the icon (also linked from the page as
// an SVG), not a 404.
func TestPageHasAnIcon(t *testing.T) {
	h := newHarness(t)
	get := func(path string) (*http.Response, []byte) {
		resp, err := http.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, ico := get("/favicon.ico")
	// An ICO file: reserved 0, type 1 (icon), at least one image.
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/x-icon" || len(ico) < 22 ||
		!bytes.Equal(ico[:4], []byte{0, 0, 1, 0}) || ico[4] == 0 || len(ico) > 4096 {
		t.Fatalf("/favicon.ico: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(ico))
	}
	_, page := get("/")
	if !strings.Contains(string(page), `<link rel="icon" href="/webchat/static/icon.svg" type="image/svg+xml">`) {
		t.Fatal("the page links no icon")
	}
	resp, svg := get("/webchat/static/icon.svg")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("icon.svg: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
