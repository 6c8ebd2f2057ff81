package webchat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// fuzzEnv is the web chat API over the real dispatcher and conversations, with a session
// linked to a beneficiary, one linked to their tutor and a fresh one.
type fuzzEnv struct {
	h      *flowtest.Harness
	mux    *http.ServeMux
	tokens []string
	seq    atomic.Int64
}

func newFuzzEnv(f testing.TB) *fuzzEnv {
	h := flowtest.New(f)
	ch := webchat.New(webchat.Config{DB: h.DB, Redis: h.Redis, Dispatcher: h.Dispatcher, Catalog: h.Catalog, Clock: h.Clock,
		Limits: webchat.Limits{SessionPerIP: webchat.Limit{Rate: 1000, Burst: 1000}, SendPerSession: webchat.Limit{Rate: 1e6, Burst: 1e6},
			SendPerIP: webchat.Limit{Rate: 1e6, Burst: 1e6}}})
	e := &fuzzEnv{h: h, mux: http.NewServeMux()}
	ch.Mount(e.mux)
	for range 3 {
		rec := e.do(f, "/webchat/api/session", "", `{"lang":"fr"}`)
		var s struct{ Token string }
		if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || s.Token == "" {
			f.Fatalf("session: %d %s", rec.Code, rec.Body)
		}
		e.tokens = append(e.tokens, s.Token)
	}
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	h.LinkBeneficiary(h.Chat(bot.Webchat, chatOf(e.tokens[0])), h.NewBeneficiary("MI", "fr", tutor.ID))
	h.LinkStaff(h.Chat(bot.Webchat, chatOf(e.tokens[1])), tutor)
	return e
}

func (e *fuzzEnv) do(t testing.TB, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	return rec
}

// send checks the promises of POST /webchat/api/send: an answer of 200, or 400/413 with the
// reason, never 5xx, and nobody gets the apology for a failure.
func (e *fuzzEnv) send(t *testing.T, who uint8, body string) {
	before := e.h.Failed()
	rec := e.do(t, "/webchat/api/send", e.tokens[int(who)%len(e.tokens)], body)
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("answered %d %s:\n%s", rec.Code, rec.Body, body)
	}
	if n := e.h.Failed() - before; n > 0 {
		t.Fatalf("%d updates failed in the journeys (the person got the apology):\n%s", n, body)
	}
}

// FuzzSend sends fuzzed texts and button payloads as the beneficiary, the tutor or a
// stranger.
//
//	go test -run '^$' -fuzz FuzzSend -fuzztime 2m ./bot/webchat/
func FuzzSend(f *testing.F) {
	f.Add(uint8(0), "Bonjour, j'ai besoin d'aide", "")
	f.Add(uint8(0), "", "mt")
	f.Add(uint8(1), "/step MI-001 add lavoro Preparare\x00 il CV", "")
	f.Add(uint8(1), "/reply MI-001 ciao\x07", "")
	f.Add(uint8(2), "/start ABCD\x001234", "")
	f.Add(uint8(0), "\x00\x00", "")
	f.Add(uint8(0), "", "ll:h:0:300:a:r")
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, who uint8, text, data string) {
		body, err := json.Marshal(map[string]string{"id": fmt.Sprintf("fuzz-%08d", e.seq.Add(1)), "text": text, "data": data})
		if err != nil {
			t.Fatal(err)
		}
		e.send(t, who, string(body))
	})
}

// FuzzSendBody sends arbitrary request bodies.
//
//	go test -run '^$' -fuzz FuzzSendBody -fuzztime 2m ./bot/webchat/
func FuzzSendBody(f *testing.F) {
	f.Add(uint8(0), `{"id":"abcdefgh","text":"ciao"}`)
	f.Add(uint8(1), `{"id":"abcdefgh1","text":"/reply MI-001 \u0000"}`)
	f.Add(uint8(2), `{"id":"abcdefgh2","data":"pl:0"}`)
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, who uint8, body string) { e.send(t, who, body) })
}
