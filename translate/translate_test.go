package translate_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage/storagetest"
	"github.com/insideaut/insidebot/translate"
)

const testKey = "lt-key-0123456789"

// fakeLT is LibreTranslate's API: /languages lists English, Italian, French, Arabic and
// Persian (no Tigrinya, no Somali); /translate prefixes the text with its target. mode makes
// it slow (it answers only when the caller gives up) or fail.
type fakeLT struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []map[string]string
	langsGot int
	mode     string // "", "slow", "500", "403", "garbage"
	noTarget bool   // an older server: no "targets" in /languages
}

func newFakeLT(t *testing.T) *fakeLT {
	f := &fakeLT{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		mode := f.mode
		f.mu.Unlock()
		switch r.URL.Path {
		case "/languages":
			f.mu.Lock()
			f.langsGot++
			f.mu.Unlock()
			codes := []string{"en", "it", "fr", "ar", "fa"}
			var out []map[string]any
			for _, c := range codes {
				l := map[string]any{"code": c, "name": c}
				if !f.noTarget {
					var targets []string
					for _, t := range codes {
						if t != c {
							targets = append(targets, t)
						}
					}
					l["targets"] = targets
				}
				out = append(out, l)
			}
			_ = json.NewEncoder(w).Encode(out)
		case "/translate":
			var req map[string]string
			if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
				http.Error(w, `{"error":"Invalid request"}`, http.StatusBadRequest)
				return
			}
			f.mu.Lock()
			f.requests = append(f.requests, req)
			f.mu.Unlock()
			switch mode {
			case "slow":
				<-r.Context().Done() // the client gave up
				return
			case "500":
				http.Error(w, `{"error":"Internal Server Error"}`, http.StatusInternalServerError)
				return
			case "403":
				http.Error(w, `{"error":"Invalid API key"}`, http.StatusForbidden)
				return
			case "garbage":
				_, _ = w.Write([]byte(`<html>proxy error</html>`))
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"translatedText": "[" + req["target"] + "] " + req["q"]})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLT) set(mode string) {
	f.mu.Lock()
	f.mode = mode
	f.mu.Unlock()
}

func (f *fakeLT) calls() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.requests...)
}

type fixture struct {
	lt    *fakeLT
	c     *translate.Client
	reg   *prometheus.Registry
	clock *clock.Fake
}

func newFixture(t *testing.T) fixture {
	lt := newFakeLT(t)
	reg := prometheus.NewRegistry()
	clk := clock.NewFake(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC))
	c := translate.New(translate.Config{URL: lt.srv.URL + "/", APIKey: testKey, Timeout: 200 * time.Millisecond,
		Redis: storagetest.Redis(t), Clock: clk, Metrics: reg})
	return fixture{lt: lt, c: c, reg: reg, clock: clk}
}

// failures reads insidebot_translation_failures_total{reason}.
func (f fixture) failures(t *testing.T, reason string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "insidebot_translation_failures_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestTranslatesThroughLibreTranslateAndCaches(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	got := f.c.Translate(ctx, "Domani alle 10 in Questura", "it", "fa-AF")
	if !got.Translated || got.Text != "[fa] Domani alle 10 in Questura" {
		t.Fatalf("it to Dari: %+v", got)
	}
	calls := f.lt.calls()
	if len(calls) != 1 || calls[0]["source"] != "it" || calls[0]["target"] != "fa" || calls[0]["format"] != "text" || calls[0]["api_key"] != testKey {
		t.Fatalf("request %+v", calls)
	}
	// The same text to the same language: from the cache.
	if again := f.c.Translate(ctx, "Domani alle 10 in Questura", "it", "fa-AF"); again != got || len(f.lt.calls()) != 1 {
		t.Fatalf("second time: %+v, %d requests", again, len(f.lt.calls()))
	}
	// A beneficiary's text to the tutor: from whatever language, into Italian.
	if r := f.c.Translate(ctx, "J'ai un problème avec mon propriétaire", "", "it"); !r.Translated || r.Text != "[it] J'ai un problème avec mon propriétaire" ||
		f.lt.calls()[1]["source"] != "auto" {
		t.Fatalf("auto to it: %+v %+v", r, f.lt.calls())
	}
	if !f.c.Supports(ctx, "it", "ar") || f.c.Supports(ctx, "it", "ti") || f.c.Supports(ctx, "it", "it") {
		t.Fatal("Supports does not follow the server's languages")
	}
}

// Languages the server lacks, the same language, an empty text: the original, with no
// request and no failure.
func TestWhatIsNotTranslated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, c := range []struct{ text, from, to string }{
		{"Il tuo passo è fatto", "it", "ti"}, // Tigrinya: not on the server
		{"Il tuo passo è fatto", "it", "so"},
		{"Il tuo passo è fatto", "it", "it"},
		{"   ", "it", "fr"},
	} {
		if r := f.c.Translate(ctx, c.text, c.from, c.to); r.Translated || r.Text != c.text {
			t.Errorf("%s to %s: %+v", c.from, c.to, r)
		}
	}
	if n := len(f.lt.calls()); n != 0 {
		t.Fatalf("%d translation requests", n)
	}
	for _, reason := range []string{"timeout", "server", "languages", "backoff"} {
		if f.failures(t, reason) != 0 {
			t.Errorf("a failure counted as %s", reason)
		}
	}
	// Without TRANSLATE_URL (or without a client at all) nothing is ever translated.
	var none *translate.Client
	for _, c := range []*translate.Client{none, translate.New(translate.Config{})} {
		if r := c.Translate(ctx, "Ciao", "it", "fr"); r.Translated || r.Text != "Ciao" || c.Enabled() || c.Supports(ctx, "it", "fr") {
			t.Fatalf("disabled client: %+v", r)
		}
	}
}

// A server slower than the timeout: the caller gets the original at the timeout, the failure
// is counted, and the next messages do not wait for it while it is down.
func TestSlowServerNeverHoldsAMessage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if !f.c.Supports(ctx, "it", "fr") {
		t.Fatal("languages not read")
	}
	f.lt.set("slow")
	if r := f.c.Translate(ctx, "Nuova offerta di lavoro", "it", "fr"); r.Translated || r.Text != "Nuova offerta di lavoro" {
		t.Fatalf("slow server: %+v", r)
	}
	if f.failures(t, translate.ReasonTimeout) != 1 {
		t.Fatal("the timeout is not counted")
	}
	if r := f.c.Translate(ctx, "Altra offerta", "it", "fr"); r.Translated || len(f.lt.calls()) != 1 || f.failures(t, translate.ReasonBackoff) != 1 {
		t.Fatalf("during the backoff: %+v, %d requests", r, len(f.lt.calls()))
	}
	f.lt.set("")
	f.clock.Advance(translate.DefaultBackoff + time.Second)
	if r := f.c.Translate(ctx, "Altra offerta", "it", "fr"); !r.Translated {
		t.Fatalf("after the backoff: %+v", r)
	}
}

func TestServerErrorsGiveTheOriginal(t *testing.T) {
	for mode, reason := range map[string]string{"500": translate.ReasonServer, "403": translate.ReasonRefused, "garbage": translate.ReasonAnswer} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t)
			f.lt.set(mode)
			if r := f.c.Translate(context.Background(), "Il corso inizia lunedì", "it", "ar"); r.Translated || r.Text != "Il corso inizia lunedì" {
				t.Fatalf("%s: %+v", mode, r)
			}
			if f.failures(t, reason) != 1 {
				t.Fatalf("%s not counted as %s", mode, reason)
			}
			// Nothing failed is cached: once the server is well, the text is translated.
			f.lt.set("")
			f.clock.Advance(translate.DefaultBackoff + time.Second)
			if r := f.c.Translate(context.Background(), "Il corso inizia lunedì", "it", "ar"); !r.Translated {
				t.Fatalf("after the server recovered: %+v", r)
			}
		})
	}
}

func TestNoServerAtAll(t *testing.T) {
	lt := newFakeLT(t)
	url := lt.srv.URL
	lt.srv.Close()
	reg := prometheus.NewRegistry()
	c := translate.New(translate.Config{URL: url, Timeout: time.Second, Metrics: reg})
	if r := c.Translate(context.Background(), "Ciao", "it", "fr"); r.Translated || r.Text != "Ciao" {
		t.Fatalf("no server: %+v", r)
	}
	f := fixture{reg: reg}
	if f.failures(t, translate.ReasonLanguages) != 1 {
		t.Fatal("the unreadable languages are not counted")
	}
}

func TestLanguagesOfAnOlderServerAndRefresh(t *testing.T) {
	f := newFixture(t)
	f.lt.noTarget = true
	if err := f.c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range f.c.Languages() {
		got[l] = true
	}
	if len(got) != 5 || !got["fa"] || got["ti"] {
		t.Fatalf("languages = %v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.c.Run(ctx) }()
	for {
		f.lt.mu.Lock()
		n := f.lt.langsGot
		f.lt.mu.Unlock()
		if n >= 2 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}
}

func TestCode(t *testing.T) {
	for in, want := range map[string]string{"fa-AF": "fa", "it": "it", "en": "en", "ps": "ps", "ti": "ti", "so": "so", "bn": "bn", "ur": "ur", "ar": "ar", "fr": "fr", "pt-BR": "pt"} {
		if got := translate.Code(in); got != want {
			t.Errorf("Code(%s) = %s, want %s", in, got, want)
		}
	}
}

// Knows answers from the languages already read and never asks the server: false before they
// are read, then as Supports.
func TestKnowsAsksNothing(t *testing.T) {
	f := newFixture(t)
	if f.c.Knows("it", "fr") {
		t.Fatal("Knows before the languages were read")
	}
	f.lt.mu.Lock()
	got := f.lt.langsGot
	f.lt.mu.Unlock()
	if got != 0 {
		t.Fatalf("Knows read /languages %d times", got)
	}
	if err := f.c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !f.c.Knows("it", "fr") || !f.c.Knows("", "fa-AF") || f.c.Knows("it", "ti") || f.c.Knows("it", "it") {
		t.Fatal("Knows does not follow the server's languages")
	}
	var none *translate.Client
	if none.Knows("it", "fr") {
		t.Fatal("a nil client knows a language")
	}
	if len(f.lt.calls()) != 0 {
		t.Fatal("Knows asked for a translation")
	}
}
