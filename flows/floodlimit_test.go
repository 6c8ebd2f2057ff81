package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
)

// One person sending 15 messages at once, alternately to two replicas, to their tutor: the
// first 10 are handled, the person is told once in their language to slow down, the rest is
// not handled; another person at the same moment is not held back; after a second the person
// is read again.
func TestInboundLimitPerPersonAcrossReplicas(t *testing.T) {
	t.Parallel()
	h := newHarness(t, flowtest.WithFloodLimit(bot.DefaultFloodLimit()))
	replica2 := h.NewDispatcher()
	tutor, tchat := tutorOf(h)
	c, _ := member(h, "fr", tutor.ID)
	other, _ := member(h, "en", tutor.ID)
	for _, ch := range []*flowtest.Chat{c, other} {
		ch.Send("/menu")
		ch.Tap("tutor")
	}
	// Reaching "My tutor" took two updates each.
	var answers []bot.Outgoing
	for i := range 15 {
		in := bot.Incoming{Channel: c.Channel, UpdateID: fmt.Sprintf("flood-%d", i), ChatID: c.ID, UserID: c.ID,
			Kind: bot.KindText, Text: fmt.Sprintf("message %d", i), At: h.Clock.Now()}
		if i%2 == 0 {
			h.Dispatch(in)
		} else if _, err := replica2.Dispatch(h.Ctx(), in); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, c.Inbox()...)
		if i == 5 {
			other.Send("Hello, I am someone else")
		}
	}
	slow := h.Catalog.For("fr").T("flood.slow_down")
	if n := strings.Count(flowtest.Texts(answers), slow); n != 1 {
		t.Fatalf("told to slow down %d times, want once:\n%s", n, flowtest.Describe(answers))
	}
	relayed := flowtest.Texts(tchat.Inbox())
	if n := strings.Count(relayed, "Messaggio da"); n != 9 {
		// 8 of the person's messages (10 updates, 2 spent reaching "My tutor") and the other's.
		t.Fatalf("the tutor got %d messages, want 9:\n%s", n, relayed)
	}
	if !strings.Contains(relayed, "message 7") || strings.Contains(relayed, "message 8") || !strings.Contains(relayed, "Hello, I am someone else") {
		t.Fatalf("the tutor got:\n%s", relayed)
	}
	if h.Failed() != 0 {
		t.Fatal("an update failed")
	}

	// After a second one more message is read, with no second notice.
	h.Clock.Advance(time.Second)
	c.Send("message after the pause")
	if got := flowtest.Texts(tchat.Inbox()); !strings.Contains(got, "message after the pause") {
		t.Fatalf("the message after a pause was not relayed: %q", got)
	}
	if strings.Contains(flowtest.Texts(c.Last), slow) {
		t.Fatal("told again after the pause")
	}
}
