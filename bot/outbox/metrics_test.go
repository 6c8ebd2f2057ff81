package outbox

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Held messages are counted in insidebot_outbox_held.
func TestHeldMessagesAreCounted(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	f.fail = func(int, bot.Recipient, bot.Outgoing) error {
		return &bot.SendError{Class: bot.Held, Reason: "outside the 24-hour window"}
	}
	first := e.enqueue(storage.NewOutboxMessage{ChatID: "31"}, "one")
	e.enqueue(storage.NewOutboxMessage{ChatID: "31"}, "two")
	e.enqueue(storage.NewOutboxMessage{ChatID: "31"}, "three")
	reg := prometheus.NewRegistry()
	s := e.start(Config{Senders: []bot.Sender{f}, Metrics: reg})
	waitFor(t, "the chat held", func() bool {
		counts, _ := storage.HeldCounts(context.Background(), e.db)
		return len(counts) == 1 && counts[0].N == 3
	})
	s.updateDepths(context.Background())
	if n := testutil.ToFloat64(s.metrics.held.WithLabelValues(bot.Telegram)); n != 3 {
		t.Fatalf("held gauge %v, want 3", n)
	}
	if m := e.status(first); m.Status != storage.OutboxPending || m.Attempts != 0 {
		t.Fatalf("held message %s after %d attempts", m.Status, m.Attempts)
	}
	f.mu.Lock()
	tries := f.attempts["one"] + f.attempts["two"] + f.attempts["three"]
	f.mu.Unlock()
	if tries != 1 {
		t.Fatalf("%d tries: messages behind a held one were tried", tries)
	}
}
