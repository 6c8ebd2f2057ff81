package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/bot/telegram"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

const (
	pacingRate     = 30  // TELEGRAM_RATE's default
	pacingMessages = 300 // ten seconds of a broadcast
)

// BenchmarkBroadcastPacing (a micro-benchmark of the outbox in-process; make bench measures
// pacing through the binary) queues a broadcast of 300 bulk messages (one per chat) and lets the
// outbox send it at TELEGRAM_RATE=30 to a fake Bot API that answers 429 when a message arrives
// faster than 30 per second (a token bucket with room for 3, so network jitter is tolerated).
// It reports the achieved rate over the configured one and the 429s received.
func BenchmarkBroadcastPacing(b *testing.B) {
	for range b.N {
		db, _ := storagetest.Postgres(b)
		redis := storagetest.Redis(b)
		fake := newFakeBotAPI(b, newBucket(pacingRate, 3))
		ctx, cancel := context.WithCancel(context.Background())
		client, err := telegram.NewClient(ctx, benchToken, fake.endpoint(), nil)
		if err != nil {
			b.Fatal(err)
		}
		payload, _ := bot.Outgoing{Text: "📢 Laboratorio domani alle 10"}.Encode()
		now := time.Now()
		for i := range pacingMessages {
			if _, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: bot.Telegram, ChatID: fmt.Sprint(800_000_000 + i),
				Priority: storage.PriorityBulk, Kind: "broadcast", Payload: payload}, now); err != nil {
				b.Fatal(err)
			}
		}
		svc := outbox.New(outbox.Config{DB: db, Redis: redis, Senders: []bot.Sender{telegram.NewSender(client, nil)},
			Limits: map[string]outbox.Limits{bot.Telegram: {Rate: pacingRate}}, Poll: 50 * time.Millisecond})
		done := make(chan struct{})
		go func() { _ = svc.Run(ctx); close(done) }()
		for len(fake.sent()) < pacingMessages {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		sent := fake.sent()
		span := sent[len(sent)-1].Sub(sent[0]).Seconds()
		achieved := float64(len(sent)-1) / span
		b.ReportMetric(achieved/pacingRate, "achieved/R")
		b.ReportMetric(achieved, "msgs/s")
		b.ReportMetric(float64(fake.n429.Load()), "429s")
	}
}
