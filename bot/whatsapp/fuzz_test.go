package whatsapp

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// fuzzEnv is the webhook over the real dispatcher and conversations (flowtest: PostgreSQL,
// Redis), with a beneficiary and a tutor on WhatsApp, so fuzzed messages go deep into the
// journeys.
type fuzzEnv struct {
	h  *flowtest.Harness
	ch *Channel
}

const fuzzTutor = "393470000001"

func newFuzzEnv(f testing.TB) *fuzzEnv {
	h := flowtest.New(f)
	graph := newFakeGraph(f)
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	h.LinkStaff(h.Chat(bot.WhatsApp, fuzzTutor), tutor)
	h.LinkBeneficiary(h.Chat(bot.WhatsApp, waA), h.NewBeneficiary("MI", "fr", tutor.ID))
	ch := New(Config{APIURL: graph.srv.URL + "/v21.0", PhoneNumberID: testPhoneID, AccessToken: testToken, AppSecret: testSecret,
		VerifyToken: testVerify, Templates: testTemplates},
		Deps{DB: h.DB, Redis: h.Redis, Dispatcher: h.Dispatcher, Clock: h.Clock, Log: slog.New(slog.DiscardHandler)})
	return &fuzzEnv{h: h, ch: ch}
}

// post sends a signed body straight to the handler and checks the promises: a signed POST is
// answered 200 (or 400/413 for a body that is not JSON or too large), never 5xx, and no
// update is answered with the apology for a failure.
func (e *fuzzEnv) post(t *testing.T, body []byte) {
	before := e.h.Failed()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", strings.NewReader(string(body)))
	req.Header.Set("X-Hub-Signature-256", sign(testSecret, body))
	rec := httptest.NewRecorder()
	e.ch.ServeHTTP(rec, req)
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("signed POST answered %d:\n%s", rec.Code, body)
	}
	if n := e.h.Failed() - before; n > 0 {
		t.Fatalf("%d updates failed in the journeys (the person got the apology):\n%s", n, body)
	}
}

// FuzzWebhookBody posts arbitrary signed bodies, starting from every fixture.
//
//	go test -run '^$' -fuzz FuzzWebhookBody -fuzztime 2m ./bot/whatsapp/
func FuzzWebhookBody(f *testing.F) {
	for _, dir := range []string{"testdata", "testdata/hostile"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) { e.post(t, body) })
}

// FuzzWebhookMessage posts well-formed POSTs whose values are fuzzed: who writes (the
// beneficiary, the tutor, a stranger, a user id), the message's id, type, text, reply id and
// timestamp, and a status's id and error code.
//
//	go test -run '^$' -fuzz FuzzWebhookMessage -fuzztime 2m ./bot/whatsapp/
func FuzzWebhookMessage(f *testing.F) {
	f.Add(uint8(0), "wamid.F1", "text", "Bonjour, j'ai besoin d'aide", "", "1768471140", "wamid.S1", int64(131047))
	f.Add(uint8(1), "wamid.F2", "text", "/step MI-001 add lavoro CV\x00", "", "1768471140", "wamid.S2", int64(1)<<40)
	f.Add(uint8(2), "wamid.F3", "interactive", "", "pl:0", "99999999999999", "wamid.\x00", int64(-1))
	f.Add(uint8(3), "wamid.F4", "button", "menu", "mt", "", "", int64(0))
	f.Add(uint8(0), "wamid.F5", "text", "\xff\xfe/reply MI-001 ciao", "ll:h:0:0:a:r", "0", "wamid.S5", int64(131026))
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, who uint8, id, typ, text, reply, ts, statusID string, code int64) {
		m := map[string]any{"id": id, "timestamp": ts, "type": typ}
		contact := map[string]any{"profile": map[string]string{"name": text}}
		switch who % 4 {
		case 0:
			m["from"], contact["wa_id"] = waA, waA
		case 1:
			m["from"], contact["wa_id"] = fuzzTutor, fuzzTutor
		case 2:
			m["from"], contact["wa_id"] = waB, waB
		case 3:
			m["from_user_id"], contact["user_id"] = waUser, waUser
		}
		switch typ {
		case "interactive":
			m["interactive"] = map[string]any{"type": "list_reply", "list_reply": map[string]string{"id": reply, "title": text}}
		case "button":
			m["button"] = map[string]string{"payload": reply, "text": text}
		default:
			m["text"] = map[string]string{"body": text}
		}
		status := map[string]any{"id": statusID, "status": "failed", "timestamp": ts, "recipient_id": waA,
			"errors": []map[string]any{{"code": code, "title": text}}}
		body, err := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
			"id": "1", "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
				"messaging_product": "whatsapp", "metadata": map[string]string{"phone_number_id": testPhoneID},
				"contacts": []any{contact}, "messages": []any{m}, "statuses": []any{status}}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		e.post(t, body)
	})
}
