package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/translate"
	"github.com/insideaut/insidebot/translate/translatetest"
)

const marker = "🔁 automatic translation"

// enqueueOut queues a whole message (text, language, foreign parts) as notify does.
func (e *env) enqueueOut(chat, kind string, out bot.Outgoing) int64 {
	e.t.Helper()
	payload, err := out.Encode()
	if err != nil {
		e.t.Fatal(err)
	}
	id, err := storage.Enqueue(context.Background(), e.db, storage.NewOutboxMessage{Channel: bot.Telegram, ChatID: chat,
		Kind: kind, Payload: payload}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// fromTutor is a tutor's message as a French or Tigrinya speaker gets it.
func fromTutor(lang, text string) bot.Outgoing {
	return bot.Outgoing{Lang: lang, Text: "💬 Message from your tutor:\n" + text,
		Foreign: []bot.Foreign{{Text: text, Marker: marker}}}
}

func translator(t *testing.T, url string, timeout time.Duration) (*translate.Client, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	return translate.New(translate.Config{URL: url, Timeout: timeout, Metrics: reg}), reg
}

// failures is the sum of insidebot_translation_failures_total over its reasons.
func failures(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == "insidebot_translation_failures_total" {
			for _, m := range mf.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

// A tutor's message reaches a French speaker translated, marked, with the original below; a
// Tigrinya speaker (a language the server lacks) gets the original alone, with no marker.
func TestForeignTextGoesTranslatedWithTheOriginal(t *testing.T) {
	e := newEnv(t)
	lt := translatetest.New(t, "it", "en", "fr", "ar")
	tr, reg := translator(t, lt.URL(), time.Second)
	f := newFakeSender()
	const orig = "Domani alle 10 in Questura, porta il passaporto"
	e.enqueueOut("fr-chat", "notice", fromTutor("fr", orig))
	e.enqueueOut("ti-chat", "notice", fromTutor("ti", orig))
	e.start(Config{Senders: []bot.Sender{f}, Translator: tr})
	waitFor(t, "both messages", func() bool { return len(f.sent()) == 2 })
	got := map[string]string{}
	for _, s := range f.sent() {
		got[s.chat] = s.text
	}
	want := "💬 Message from your tutor:\n" + marker + "\n" + translatetest.Translation(orig, "fr") + "\n\n" + orig
	if got["fr-chat"] != want {
		t.Errorf("French speaker got %q, want %q", got["fr-chat"], want)
	}
	if got["ti-chat"] != "💬 Message from your tutor:\n"+orig {
		t.Errorf("Tigrinya speaker got %q: not the original alone", got["ti-chat"])
	}
	if n := len(lt.Requests()); n != 1 {
		t.Errorf("%d translation requests, want 1 (Tigrinya is not asked)", n)
	}
	if failures(t, reg) != 0 {
		t.Error("a failure counted")
	}
}

// A title inside a sentence reads "translation (original)" and the message ends with the
// marker; a part already in the recipient's language is left alone.
func TestInlineForeignParts(t *testing.T) {
	e := newEnv(t)
	lt := translatetest.New(t, "it", "en", "ar")
	tr, _ := translator(t, lt.URL(), time.Second)
	f := newFakeSender()
	e.enqueueOut("ar-chat", "notice", bot.Outgoing{Lang: "ar", Text: "📋 خطوة: Iscrizione al CPIA.",
		Foreign: []bot.Foreign{{Text: "Iscrizione al CPIA", Inline: true, Marker: "🔁 ترجمة آلية"}}})
	e.enqueueOut("it-chat", "notice", bot.Outgoing{Lang: "it", Text: "📋 Passo: Iscrizione al CPIA.",
		Foreign: []bot.Foreign{{Text: "Iscrizione al CPIA", From: "it", Inline: true, Marker: "🔁 traduzione automatica"}}})
	e.start(Config{Senders: []bot.Sender{f}, Translator: tr})
	waitFor(t, "both messages", func() bool { return len(f.sent()) == 2 })
	got := map[string]string{}
	for _, s := range f.sent() {
		got[s.chat] = s.text
	}
	if want := "📋 خطوة: [ar] Iscrizione al CPIA (Iscrizione al CPIA).\n\n🔁 ترجمة آلية"; got["ar-chat"] != want {
		t.Errorf("Arabic: %q, want %q", got["ar-chat"], want)
	}
	if got["it-chat"] != "📋 Passo: Iscrizione al CPIA." {
		t.Errorf("Italian: %q", got["it-chat"])
	}
}

// Relays waiting for a tutor go as one message: each part is translated into the tutor's
// language under its own marker.
func TestJoinedRelaysAreEachTranslated(t *testing.T) {
	e := newEnv(t)
	lt := translatetest.New(t, "it", "fr", "ar")
	tr, _ := translator(t, lt.URL(), time.Second)
	f := newFakeSender()
	for _, r := range []struct{ code, text string }{{"MI-001", "J'ai un problème avec mon propriétaire"}, {"MI-002", "Il veut que je parte demain"}} {
		e.enqueueOut("tutor", storage.KindRelay, bot.Outgoing{Lang: "it", Group: r.code, Text: "💬 " + r.code + ": " + r.text,
			Foreign: []bot.Foreign{{Text: r.text, Marker: "🔁 traduzione automatica"}}})
	}
	e.start(Config{Senders: []bot.Sender{f}, Translator: tr})
	waitFor(t, "the relays", func() bool { return e.undelivered() == 0 })
	var all string
	for _, s := range f.sent() {
		all += s.text + "\n"
	}
	for _, w := range []string{"[it] J'ai un problème avec mon propriétaire\n\nJ'ai un problème avec mon propriétaire",
		"[it] Il veut que je parte demain\n\nIl veut que je parte demain"} {
		if !strings.Contains(all, w) {
			t.Errorf("the tutor did not get %q in %q", w, all)
		}
	}
	if strings.Count(all, "🔁 traduzione automatica") != 2 {
		t.Errorf("markers in %q", all)
	}
}

// A translation server that is down, broken or slow never loses or holds a message: the
// original goes, promptly, and the failure is counted.
func TestTranslationServerTroubleNeverHoldsAMessage(t *testing.T) {
	const orig = "Il corso inizia lunedì"
	for _, mode := range []string{"down", translatetest.Broken, translatetest.Slow} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			lt := translatetest.New(t, "it", "fr")
			tr, reg := translator(t, lt.URL(), 300*time.Millisecond)
			if mode == "down" {
				lt.Close()
			} else {
				// The languages are known (read at start); then the server fails.
				if err := tr.Refresh(context.Background()); err != nil {
					t.Fatal(err)
				}
				lt.Set(mode)
			}
			f := newFakeSender()
			e.start(Config{Senders: []bot.Sender{f}, Translator: tr})
			start := time.Now()
			e.enqueueOut("fr-chat", "notice", fromTutor("fr", orig))
			waitFor(t, "the message", func() bool { return len(f.sent()) == 1 })
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("the message waited %s for the translation server", took)
			}
			if got := f.sent()[0].text; got != "💬 Message from your tutor:\n"+orig {
				t.Errorf("sent %q, want the original", got)
			}
			if failures(t, reg) < 1 {
				t.Error("the failure is not counted")
			}
			// The next message does not wait for the server again (it is left alone a while).
			e.enqueueOut("fr-chat", "notice", fromTutor("fr", "Secondo messaggio"))
			next := time.Now()
			waitFor(t, "the second message", func() bool { return len(f.sent()) == 2 })
			if took := time.Since(next); mode == translatetest.Slow && took > time.Second {
				t.Errorf("the second message waited %s", took)
			}
		})
	}
}

// Without a translator (TRANSLATE_URL unset) a message goes exactly as queued.
func TestNoTranslatorSendsAsQueued(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	var none *translate.Client
	e.enqueueOut("fr-chat", "notice", fromTutor("fr", "Ciao"))
	e.start(Config{Senders: []bot.Sender{f}, Translator: none})
	waitFor(t, "the message", func() bool { return len(f.sent()) == 1 })
	if got := f.sent()[0].text; got != "💬 Message from your tutor:\nCiao" {
		t.Fatalf("sent %q", got)
	}
}
