package whatsapp

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
)

// Meta's payloads for a voice note, a photo and a PDF, through the signed webhook, the
// dispatcher and "My tutor": each reaches the tutor (on Telegram) as an alert carrying the
// file through the transit store, fetched from the media endpoint when the tutor's channel
// needs it; captions are the alerts' details.
func TestFilesFromWhatsAppReachTheTutor(t *testing.T) {
	h := flowtest.New(t)
	g := newMediaGraph(t)
	e := &env{t: t, db: h.DB, redis: h.Redis, clock: h.Clock, rec: &recorder{}, reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.ch = New(Config{APIURL: g.srv.URL + "/v21.0", PhoneNumberID: testPhoneID, AccessToken: testToken, AppSecret: testSecret,
		VerifyToken: testVerify, Templates: testTemplates}, Deps{DB: h.DB, Redis: h.Redis, Dispatcher: h.Dispatcher, Clock: h.Clock, Log: log,
		Metrics: e.reg, Wake: func() {}})
	e.hook = httptest.NewServer(e.ch)
	t.Cleanup(e.hook.Close)
	t.Cleanup(func() { assertNoLeaks(t, e.logs.String()) })
	h.Media.Register(bot.WhatsApp, e.ch)

	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	tchat := h.Telegram()
	h.LinkStaff(tchat, tutor)
	person := h.Chat(bot.WhatsApp, waA) // the fixtures' sender
	b := h.LinkBeneficiary(person, h.NewBeneficiary("MI", "it", tutor.ID))
	person.Send("/tutor")

	g.files["1139581294117212"] = mediatest.OggOpus(6000)
	g.files["1521986498371340"] = mediatest.JPEG(4000)
	g.files["1834772870665590"] = mediatest.PDF(9000)
	cases := []struct {
		fixture string
		kind    bot.MediaKind
		detail  string
	}{
		{"audio.json", bot.MediaVoice, "messaggio vocale"},
		{"image.json", bot.MediaPhoto, "my permesso"},
		{"document.json", bot.MediaDocument, "il contratto"},
	}
	for _, tc := range cases {
		if code := e.postFixture(tc.fixture); code != http.StatusOK {
			t.Fatalf("%s: webhook answered %d", tc.fixture, code)
		}
		if got := person.Inbox(); len(got) != 1 || !strings.Contains(got[0].Text, "Inviato ✓") {
			t.Fatalf("%s: the person got %s", tc.fixture, flowtest.Describe(got))
		}
		got := tchat.Inbox()
		if len(got) != 1 || got[0].Media == nil || got[0].Media.Kind != tc.kind || got[0].Media.Transit == "" ||
			!strings.Contains(got[0].Text, b.Code) || !strings.Contains(got[0].Text, tc.detail) {
			t.Fatalf("%s: the tutor got %s", tc.fixture, flowtest.Describe(got))
		}
		// What the tutor's sender reads: fetched once from Meta, checked by its bytes.
		it, data, err := h.Media.Load(t.Context(), got[0].Media.Transit)
		if err != nil || len(data) == 0 || it.Owner != b.ID {
			t.Fatalf("%s: load %+v (%d bytes), %v", tc.fixture, it, len(data), err)
		}
	}
	if g.gets != 3 {
		t.Fatalf("%d downloads from the media endpoint", g.gets)
	}
}
