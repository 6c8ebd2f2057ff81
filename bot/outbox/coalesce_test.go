package outbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// relay queues what a beneficiary wrote to their tutor, as the tutor conversation does.
func (e *env) relay(tutorChat, code, text string) int64 {
	e.t.Helper()
	out := bot.Outgoing{Group: code, Text: "💬 " + code + ": " + text,
		Buttons: [][]bot.Button{{{Text: "Open", Data: "ao:" + code}, {Text: "Reply", Data: "ar:" + code}}}}
	payload, _ := out.Encode()
	id, err := storage.Enqueue(context.Background(), e.db, storage.NewOutboxMessage{Channel: bot.Telegram, ChatID: tutorChat,
		Kind: storage.KindRelay, Payload: payload}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// One beneficiary writes 60 messages in a row to their tutor, then another writes one: the
// other's message reaches the tutor in the first sends, not after a minute of the chat's pace.
func TestOnePersonsFloodDoesNotBuryAnothersMessage(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	var ids []int64
	for i := range 60 {
		ids = append(ids, e.relay("900", "MI-001", fmt.Sprintf("message %d", i+1)))
	}
	other := e.relay("900", "MI-002", "I need help with the residenza")
	// Telegram's pace for one chat: a message a second, three at once.
	e.start(Config{Senders: []bot.Sender{f}, Limits: map[string]Limits{bot.Telegram: {Rate: 30, ChatInterval: time.Second, ChatBurst: 3}}})
	var at int
	waitFor(t, "the other person's message", func() bool {
		for i, s := range f.sent() {
			if strings.Contains(s.text, "residenza") {
				at = i + 1
				return true
			}
		}
		return false
	})
	t.Logf("the other person's message went in send %d", at)
	if at > 3 {
		t.Fatalf("the other person's message went in send %d", at)
	}
	waitFor(t, "every relay recorded", func() bool { return e.undelivered() == 0 })
	// Every relay reached the tutor once, in order, each with its code line.
	var all []string
	for _, s := range f.sent() {
		all = append(all, strings.Split(s.text, "\n\n")...)
	}
	if len(all) != 61 || !strings.HasSuffix(all[0], "message 1") || !strings.HasSuffix(all[59], "message 60") || !strings.Contains(all[60], "MI-002") {
		t.Fatalf("the tutor got %d texts: %q ... %q", len(all), all[0], all[len(all)-1])
	}
	for _, id := range append(ids, other) {
		if m := e.status(id); m.Status != storage.OutboxSent || !m.ProviderID.Valid {
			t.Fatalf("relay %d: %s", id, m.Status)
		}
	}
}

func TestJoinedRelaysKeepOneRowOfButtonsPerPerson(t *testing.T) {
	row := func(code string, n int) [][]bot.Button {
		return [][]bot.Button{{{Text: "Reply", Data: fmt.Sprintf("ar:%s:%d", code, n)}}}
	}
	out := joinRelays([]bot.Outgoing{
		{Group: "A", Text: "a1", Buttons: row("A", 1)},
		{Group: "B", Text: "b1", Buttons: row("B", 1)},
		{Group: "A", Text: "a2", Buttons: row("A", 2)},
	})
	if out.Text != "a1\n\nb1\n\na2" || len(out.Buttons) != 2 || out.Buttons[0][0].Data != "ar:B:1" || out.Buttons[1][0].Data != "ar:A:2" {
		t.Fatalf("joined %+v", out)
	}
}
