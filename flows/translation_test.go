package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/translate"
	"github.com/insideaut/insidebot/translate/translatetest"
)

// readAs is what a person reads of the messages queued for them when the outbox sends them
// with a LibreTranslate server beside it (TRANSLATE_URL): each message as it goes out.
func readAs(t *testing.T, lt *translatetest.Server, msgs []bot.Outgoing) string {
	t.Helper()
	tr := translate.New(translate.Config{URL: lt.URL(), Timeout: time.Second, Metrics: prometheus.NewRegistry()})
	var texts []string
	for _, m := range msgs {
		texts = append(texts, outbox.TranslateForeign(context.Background(), tr, time.Second, m).Text)
	}
	return strings.Join(texts, "\n---\n")
}

func mustContain(t *testing.T, who, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q is not in\n%s", who, w, got)
		}
	}
}

// A tutor writes in Italian: an English reader gets it translated, marked, with the Italian
// below; a Tigrinya reader (a language the server lacks) gets the Italian alone, unmarked. A
// beneficiary's French reaches the tutor in Italian with the French below.
func TestTutorAndPersonReadEachOtherTranslated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lt := translatetest.New(t, "it", "en", "fr", "ar")
	tutor, tchat := tutorOf(h)
	en, enB := member(h, "en", tutor.ID)
	ti, tiB := member(h, "ti", tutor.ID)
	const said = "Venerdì alle 10 in ufficio, porta il permesso di soggiorno."
	for _, b := range []storage.Beneficiary{enB, tiB} {
		if err := h.DB.InTx(h.Ctx(), func(tx *storage.Tx) error {
			_, err := h.Domain.MessageFromTutor(h.Ctx(), tx, h.Clock.Now(), tutor.ID, b, said)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, "English reader", readAs(t, lt, en.Inbox()),
		"🔁 automatic translation\n"+translatetest.Translation(said, "en")+"\n\n"+said)
	tiRead := readAs(t, lt, ti.Inbox())
	mustContain(t, "Tigrinya reader", tiRead, said)
	if strings.Contains(tiRead, "🔁") || strings.Contains(tiRead, "[") {
		t.Errorf("Tigrinya reader got a translation or a marker: %q", tiRead)
	}

	const wrote = "J'ai un problème avec mon propriétaire, il veut que je parte demain"
	en.Press("mt") // My tutor
	en.Send(wrote)
	en.Expect("Sent ✓")
	mustContain(t, "tutor", readAs(t, lt, tchat.Inbox()), enB.Code,
		"🔁 traduzione automatica\n"+translatetest.Translation(wrote, "it")+"\n\n"+wrote)
}

// A step in the tutor's own words, a lead's title and details: translated for the reader,
// titles as "translation (original)" with one marker at the end.
func TestStepTitlesAndLeadsAreTranslated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lt := translatetest.New(t, "it", "en")
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	const title = "Chiedere il contratto al proprietario"
	tchat.Send("/step " + b.Code + " add housing " + title)
	notice := readAs(t, lt, c.Inbox())
	mustContain(t, "step notice", notice, translatetest.Translation(title, "en")+" ("+title+")", "🔁 automatic translation")

	c.Send("/menu")
	c.Tap("My plan")
	mustContain(t, "plan", readAs(t, lt, c.Last), translatetest.Translation(title, "en")+" ("+title+")", "🔁 automatic translation")

	const details = "Stanza singola vicino alla metro, libera da marzo."
	l := room("Stanza in via Padova", 400, false)
	l.Details = details
	addLead(h, l)
	c.Send("/menu")
	c.Tap("Housing")
	mustContain(t, "housing list", readAs(t, lt, c.Last), "[en] Stanza in via Padova (Stanza in via Padova)")
	c.Tap("Stanza in via Padova")
	mustContain(t, "lead", readAs(t, lt, c.Last), "[en] Stanza in via Padova (Stanza in via Padova)",
		"🔁 automatic translation\n"+translatetest.Translation(details, "en")+"\n\n"+details)
	// The same screens without a translation server: exactly as written, no marker.
	if got := flowtest.Texts(c.Last); strings.Contains(got, "🔁") || !strings.Contains(got, details) {
		t.Errorf("as queued: %q", got)
	}
}

// Without TRANSLATE_URL the preview of a broadcast names the languages that would read the
// Italian text and how many people, and points at the version button; a version takes its
// language off the list. With a server, a reader without a version gets it translated.
func TestBroadcastPreviewNamesWhoWouldReadItalian(t *testing.T) {
	t.Parallel()
	a := newAudienceMI(t)
	h, coord := a.h, a.coordMI
	const body = "Riunione lunedì alle 10 in sede"
	coord.Send("/broadcast all " + body)
	expect(t, coord, "Riceveranno il testo in italiano (nessuna versione nella loro lingua): English 1, Français 1",
		"Per aggiungere versioni: 🌐")
	coord.Tap("Versione lingua")
	coord.Tap("English")
	coord.Send("Meeting on Monday at 10 at the office")
	expect(t, coord, "Riceveranno il testo in italiano (nessuna versione nella loro lingua): Français 1")
	expectNot(t, coord, "English 1")
	coord.Press(expectButton(t, coord, "Invia ora").Data)

	lt := translatetest.New(t, "it", "en", "fr")
	id := lastBroadcastID(t, h.DB)
	read := map[string]string{}
	for _, m := range broadcastOutbox(t, h.DB, id) {
		out, err := bot.DecodeOutgoing(m.Payload)
		if err != nil {
			t.Fatal(err)
		}
		read[out.Lang] = readAs(t, lt, []bot.Outgoing{out})
	}
	mustContain(t, "French reader", read["fr"], "🔁 traduction automatique\n"+translatetest.Translation(body, "fr")+"\n\n"+body)
	for _, lang := range []string{"en", "it"} {
		if strings.Contains(read[lang], "🔁") {
			t.Errorf("%s reader got a translation: %q", lang, read[lang])
		}
	}
	mustContain(t, "English reader", read["en"], "Meeting on Monday at 10 at the office")
}

// With a translation server, the preview tells apart those who get an automatic translation
// (the server knows their language) from those who would read the Italian; it asks the server
// nothing while it is drawn (its languages were read when it started).
func TestBroadcastPreviewWithATranslationServer(t *testing.T) {
	t.Parallel()
	lt := translatetest.New(t, "it", "en") // no French
	tr := translate.New(translate.Config{URL: lt.URL(), Timeout: time.Second, Metrics: prometheus.NewRegistry()})
	if err := tr.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := newAudienceMI(t, flowtest.WithTranslator(tr))
	a.coordMI.Send("/broadcast all Riunione lunedì alle 10 in sede")
	expect(t, a.coordMI, "Riceveranno una traduzione automatica, con l'italiano sotto: English 1",
		"Riceveranno il testo in italiano (nessuna versione nella loro lingua): Français 1")
	if n := len(lt.Requests()); n != 0 {
		t.Fatalf("the preview asked for %d translations", n)
	}
}
