package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// otherSender is a sender of another channel: the replica that has it is not the one that
// sends Telegram messages.
type otherSender struct{}

func (otherSender) Channel() string { return bot.Webchat }
func (otherSender) Send(context.Context, bot.Recipient, bot.Outgoing) (string, error) {
	return "", nil
}

// A replica that writes a message it cannot send wakes the replica that can, through Redis.
func TestWakeReachesOtherReplicas(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	sender := e.start(Config{Owner: "sender", Senders: []bot.Sender{f}, Poll: time.Hour})
	writer := e.start(Config{Owner: "writer", Senders: []bot.Sender{otherSender{}}, Poll: time.Hour})
	probe := e.enqueue(storage.NewOutboxMessage{ChatID: "1"}, "probe")
	sender.Wake()
	waitFor(t, "the probe recorded", func() bool { return e.status(probe).Status == storage.OutboxSent })
	e.enqueue(storage.NewOutboxMessage{ChatID: "2"}, "written elsewhere")
	waitFor(t, "the message sent by the other replica", func() bool {
		writer.Wake() // until the sender's subscription is up
		for _, s := range f.sent() {
			if s.text == "written elsewhere" {
				return true
			}
		}
		return false
	})
}
