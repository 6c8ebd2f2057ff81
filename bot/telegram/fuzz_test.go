package telegram

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// The Telegram ids of the fuzzed senders: a beneficiary, their tutor and a stranger.
const (
	fuzzBeneficiary = 555000111
	fuzzTutor       = 555000222
	fuzzStranger    = 555000333
)

// fuzzEnv is the webhook over the real dispatcher and conversations (flowtest: PostgreSQL,
// Redis) and a fake Bot API.
type fuzzEnv struct {
	h    *flowtest.Harness
	hook *Webhook
	seq  atomic.Int64
}

func newFuzzEnv(f testing.TB) *fuzzEnv {
	h := flowtest.New(f)
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	h.LinkStaff(h.Chat(bot.Telegram, strconv.Itoa(fuzzTutor)), tutor)
	h.LinkBeneficiary(h.Chat(bot.Telegram, strconv.Itoa(fuzzBeneficiary)), h.NewBeneficiary("MI", "fr", tutor.ID))
	api := newFakeAPI(f)
	hook := NewWebhook(NewReceiver(api.client(f), h.Dispatcher, h.Clock, slog.New(slog.DiscardHandler)), testSecret, nil)
	return &fuzzEnv{h: h, hook: hook}
}

// post checks the promises: an update with the right secret is answered 200 (or 400/413 for
// a body that is not an update or too large), never 503 (which makes Telegram deliver it
// again), and nobody gets the apology for a failure.
func (e *fuzzEnv) post(t *testing.T, body []byte) {
	before := e.h.Failed()
	switch code := postUpdate(t, e.hook, testSecret, body); code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("answered %d:\n%s", code, body)
	}
	if n := e.h.Failed() - before; n > 0 {
		t.Fatalf("%d updates failed in the journeys (the person got the apology):\n%s", n, body)
	}
}

// FuzzWebhookBody posts arbitrary bodies with the right secret, starting from every fixture.
//
//	go test -run '^$' -fuzz FuzzWebhookBody -fuzztime 2m ./bot/telegram/
func FuzzWebhookBody(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) { e.post(t, body) })
}

// FuzzWebhookUpdate posts well-formed updates whose values are fuzzed: who writes, the text and
// its command entity, a button's data, the date and the language code.
//
//	go test -run '^$' -fuzz FuzzWebhookUpdate -fuzztime 2m ./bot/telegram/
func FuzzWebhookUpdate(f *testing.F) {
	f.Add(uint8(0), "Bonjour, j'ai besoin d'aide", 0, 0, "", int64(1764579600), "fr")
	f.Add(uint8(1), "/step MI-001 add lavoro CV\x00", 0, 5, "", int64(-1), "it")
	f.Add(uint8(1), "/reply MI-001 ciao\x00\x07", 0, 6, "", int64(1)<<40, "it")
	f.Add(uint8(2), "/start ABCD1234", 0, 6, "", int64(0), "\x00")
	f.Add(uint8(4), "", 0, 0, "pl:0", int64(1764579600), "ar")
	f.Add(uint8(5), "", 0, 0, "ll:h:0:0:a:r\x00", int64(1764579600), "")
	e := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, who uint8, text string, offset, length int, data string, date int64, lang string) {
		from := []int64{fuzzBeneficiary, fuzzTutor, fuzzStranger}[int(who)%3]
		user := map[string]any{"id": from, "is_bot": false, "first_name": text, "language_code": lang}
		chat := map[string]any{"id": from, "type": "private"}
		u := map[string]any{"update_id": e.seq.Add(1)}
		if who%6 < 3 {
			m := map[string]any{"message_id": 5, "date": date, "from": user, "chat": chat, "text": text}
			if length != 0 {
				m["entities"] = []any{map[string]any{"type": "bot_command", "offset": offset, "length": length}}
			}
			u["message"] = m
		} else {
			u["callback_query"] = map[string]any{"id": "q" + strconv.FormatInt(e.seq.Load(), 10), "from": user, "data": data,
				"message": map[string]any{"message_id": 7, "date": date, "chat": chat}}
		}
		body, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		e.post(t, body)
	})
}
