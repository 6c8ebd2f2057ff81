package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/storage"
)

// These tests run the real outbox with the WhatsApp channel as its sender, against the fake
// Graph API: messages owed to someone whose window closed are held, in order, with one template
// per closed window, and go when the person writes again.

// outsideTheWindow links waA to a beneficiary who last wrote 30 hours ago.
func outsideTheWindow(t *testing.T, e *env) storage.Identity {
	t.Helper()
	ident := linkedIdentity(t, e)
	if _, err := e.db.Exec(context.Background(), `UPDATE identities SET last_inbound_at = ? WHERE id = ?`,
		testStart.Add(-30*time.Hour), ident.ID); err != nil {
		t.Fatal(err)
	}
	return ident
}

// runOutbox runs the outbox until the test ends, with the channel as its sender.
func runOutbox(t *testing.T, e *env, reg prometheus.Registerer) {
	t.Helper()
	svc := outbox.New(outbox.Config{DB: e.db, Redis: e.redis, Senders: []bot.Sender{e.ch}, Clock: e.clock, Metrics: reg,
		Poll: 20 * time.Millisecond, Limits: map[string]outbox.Limits{bot.WhatsApp: {Rate: 1000, ChatInterval: time.Millisecond, ChatBurst: 100}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func (e *env) queue(ident storage.Identity, kind, text string, expires time.Time) int64 {
	e.t.Helper()
	payload, _ := bot.Outgoing{Text: text, Lang: "it"}.Encode()
	id, err := storage.Enqueue(context.Background(), e.db, storage.NewOutboxMessage{IdentityID: ident.ID, Channel: bot.WhatsApp, ChatID: ident.ChatID,
		Kind: kind, Payload: payload, ExpiresAt: expires}, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) status(id int64) string {
	e.t.Helper()
	m, err := storage.OutboxByID(context.Background(), e.db, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m.Status
}

func (e *env) held() int {
	e.t.Helper()
	counts, err := storage.HeldCounts(context.Background(), e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c.N
	}
	return n
}

// texts are the free-form texts the fake Graph API received, in order; templates counts the
// templates.
func (e *env) texts() (texts []string, templates int) {
	for _, m := range e.graph.sent() {
		switch {
		case m.Type == "template":
			templates++
		case m.Text != nil:
			texts = append(texts, m.Text.Body)
		case m.Interactive != nil:
			texts = append(texts, m.Interactive.Body.Text)
		}
	}
	return texts, templates
}

func TestReplyOutsideTheWindowIsDeliveredWhenThePersonWrites(t *testing.T) {
	e := newEnv(t)
	ident := outsideTheWindow(t, e)
	runOutbox(t, e, nil)
	reply := e.queue(ident, "notice", "Your tutor: the appointment at the Questura is on Monday", time.Time{})
	later := e.queue(ident, "notice", "Your tutor: bring your passport", time.Time{})
	waitUntil(t, "the chat held", func() bool { return e.held() == 2 })
	if texts, templates := e.texts(); len(texts) != 0 || templates != 1 {
		t.Fatalf("sent %q and %d templates while the window is closed, want one template", texts, templates)
	}
	if e.status(reply) != storage.OutboxPending || e.status(later) != storage.OutboxPending {
		t.Fatal("a held message is no longer pending")
	}
	// The person writes: everything held goes, in order, and nothing more is held.
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	waitUntil(t, "the held messages delivered", func() bool { texts, _ := e.texts(); return len(texts) == 2 })
	texts, templates := e.texts()
	if !strings.Contains(texts[0], "Questura") || !strings.Contains(texts[1], "passport") || templates != 1 {
		t.Fatalf("sent %q and %d templates", texts, templates)
	}
	waitUntil(t, "both recorded as sent", func() bool {
		return e.status(reply) == storage.OutboxSent && e.status(later) == storage.OutboxSent
	})
	if n := e.held(); n != 0 {
		t.Fatalf("%d still held", n)
	}
}

func TestElevenMessagesOutsideTheWindowSendOneTemplate(t *testing.T) {
	e := newEnv(t)
	ident := outsideTheWindow(t, e)
	runOutbox(t, e, nil)
	for i := range 11 {
		e.queue(ident, "notice", fmt.Sprintf("A new step in your plan: step %d", i+1), time.Time{})
	}
	waitUntil(t, "the eleven held", func() bool { return e.held() == 11 })
	if texts, templates := e.texts(); len(texts) != 0 || templates != 1 {
		t.Fatalf("sent %q and %d templates, want one template", texts, templates)
	}
	if got := e.counter("insidebot_whatsapp_templates_total", "window"); got != 1 {
		t.Fatalf("templates metric %v", got)
	}
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	waitUntil(t, "the eleven delivered", func() bool { texts, _ := e.texts(); return len(texts) == 11 })
	texts, templates := e.texts()
	for i, text := range texts {
		if !strings.HasSuffix(text, fmt.Sprintf("step %d", i+1)) {
			t.Fatalf("message %d is %q: out of order", i, text)
		}
	}
	if templates != 1 {
		t.Fatalf("%d templates", templates)
	}
}

func TestExpiredHeldReminderIsDroppedNotSentLate(t *testing.T) {
	e := newEnv(t)
	ident := outsideTheWindow(t, e)
	reg := prometheus.NewRegistry()
	runOutbox(t, e, reg)
	// A reminder of a session an hour away, then a message that stays useful.
	reminder := e.queue(ident, "reminder", "Reminder: your lab session starts at 11:00", testStart.Add(time.Hour))
	notice := e.queue(ident, "notice", "Your tutor: see you next week", time.Time{})
	waitUntil(t, "both held", func() bool { return e.held() == 2 })
	// The person writes after the session began.
	e.clock.Advance(2 * time.Hour)
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	waitUntil(t, "the notice delivered", func() bool { texts, _ := e.texts(); return len(texts) == 1 })
	waitUntil(t, "both ended", func() bool {
		return e.status(reminder) == storage.OutboxFailed && e.status(notice) == storage.OutboxSent
	})
	if texts, _ := e.texts(); !strings.Contains(texts[0], "next week") {
		t.Fatalf("sent %q: the expired reminder went", texts)
	}
	m, _ := storage.OutboxByID(context.Background(), e.db, reminder)
	if !strings.HasPrefix(m.LastError.String, "expired") {
		t.Fatalf("reminder ended with %q", m.LastError.String)
	}
	if got := counterOf(t, reg, "insidebot_messages_sent_total", "expired"); got != 1 {
		t.Fatalf("expired counted %v times", got)
	}
}

// counterOf reads a counter of reg by the value of one of its labels.
func counterOf(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}
