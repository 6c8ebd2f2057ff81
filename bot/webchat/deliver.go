package webchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Delivery takes the web chat's messages from the outbox and hands them to the Sender: claim,
// send, mark sent (or put back for a retry). It is the outbox loop of this one channel, for a
// service where no general outbox runner serves the web chat's Sender.
type Delivery struct {
	c     *Channel
	owner string
	wake  chan struct{}
	// Every is how often it looks at the outbox when nobody woke it (default 1 s).
	Every time.Duration
	// Lease is how long a claimed message stays with this process (default 30 s).
	Lease time.Duration
}

// Delivery builds the channel's delivery loop.
func (c *Channel) Delivery() *Delivery {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Delivery{c: c, owner: "webchat-" + hex.EncodeToString(b), wake: make(chan struct{}, 1),
		Every: time.Second, Lease: 30 * time.Second}
}

// Wake tells the loop there is new work (after an update was handled).
func (d *Delivery) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (d *Delivery) Run(ctx context.Context) error {
	t := time.NewTicker(d.Every)
	defer t.Stop()
	for {
		if _, err := d.Flush(ctx); err != nil && ctx.Err() == nil {
			d.c.log.Warn("web chat delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.wake:
		case <-t.C:
		}
	}
}

// retryDelay is how long a message whose store failed waits before the next attempt.
const retryDelay = 2 * time.Second

// Flush delivers every due message and returns how many were delivered.
func (d *Delivery) Flush(ctx context.Context) (int, error) {
	db, sender := d.c.cfg.DB, d.c.Sender()
	sent := 0
	for _, prio := range []int{storage.PriorityInteractive, storage.PriorityBulk} {
		for {
			now := d.c.cfg.Clock.Now()
			msgs, err := storage.ClaimOutbox(ctx, db, d.owner, bot.Webchat, prio, 100, now, d.Lease)
			if err != nil {
				return sent, err
			}
			if len(msgs) == 0 {
				break
			}
			for _, m := range msgs {
				ok, err := d.deliver(ctx, sender, m)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
			}
		}
	}
	return sent, nil
}

func (d *Delivery) deliver(ctx context.Context, sender *Sender, m storage.OutboxMessage) (bool, error) {
	db, now := d.c.cfg.DB, d.c.cfg.Clock.Now()
	out, err := bot.DecodeOutgoing(m.Payload)
	if err != nil {
		return false, storage.MarkFailed(ctx, db, m.ID, d.owner, "payload unreadable", now)
	}
	pid, err := sender.Send(ctx, bot.Recipient{ChatID: m.ChatID, IdentityID: m.IdentityID.Int64}, out)
	if err != nil {
		class, se := bot.ClassOf(err)
		reason := "send failed"
		if se != nil {
			reason = se.Reason
		}
		if class == bot.Permanent || class == bot.Unreachable {
			return false, storage.MarkFailed(ctx, db, m.ID, d.owner, reason, now)
		}
		if err := storage.MarkRetry(ctx, db, m.ID, d.owner, reason, now.Add(retryDelay)); err != nil {
			return false, errors.Join(fmt.Errorf("web chat message %d: %s", m.ID, reason), err)
		}
		return false, nil
	}
	return true, storage.MarkSent(ctx, db, m.ID, d.owner, pid, d.c.cfg.Clock.Now())
}
