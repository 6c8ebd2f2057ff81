package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// handleStatus records a delivery status on the outbox message it belongs to and acts on
// failures: a message refused outside the 24-hour window (131047, or any failure reported after
// the window closed) is queued again, once, and held with the chat's other messages until the
// person writes (the first held message sends the template); an undeliverable number (131026)
// marks the identity unreachable. It returns an error only when the status must be redelivered.
func (c *Channel) handleStatus(ctx context.Context, s inStatus) error {
	status := s.Status
	switch status {
	case storage.ReceiptSent, storage.ReceiptDelivered, storage.ReceiptRead, storage.ReceiptFailed:
	default:
		c.metrics.statuses.WithLabelValues("other").Inc()
		return nil
	}
	if s.ID == "" {
		return nil
	}
	code := 0
	if len(s.Errors) > 0 {
		code = s.Errors[0].Code
	}
	now := c.clock.Now()
	at := unixTime(s.Timestamp, now)
	resent, unreachable := false, false
	err := c.db.InTx(ctx, func(tx *storage.Tx) error {
		resent, unreachable = false, false
		m, err := storage.OutboxByProvider(ctx, tx, bot.WhatsApp, s.ID)
		found := err == nil
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if found {
			if err := storage.RecordReceipt(ctx, tx, m.ID, status, code, at); err != nil {
				return err
			}
		}
		if status != storage.ReceiptFailed {
			if status == storage.ReceiptSent {
				return nil // still on its way: it may yet fail
			}
			return storage.DropTemplateFallback(ctx, tx, s.ID)
		}
		f, err := storage.TemplateFallbackOf(ctx, tx, s.ID)
		hasFallback := err == nil
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if code == codeUndeliverable {
			unreachable = true
			if _, err := storage.SetUnreachableByChat(ctx, tx, bot.WhatsApp, s.RecipientID, at); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			if hasFallback {
				_, err := storage.TakeTemplateFallback(ctx, tx, f.Group)
				return err
			}
			return nil
		}
		outsideWindow := code == codeReengagement || (f.WindowEndsAt.Valid && at.After(f.WindowEndsAt.Time))
		if !hasFallback || !outsideWindow {
			return nil
		}
		taken, err := storage.TakeTemplateFallback(ctx, tx, f.Group)
		if err != nil || !taken {
			return err
		}
		nm := storage.NewOutboxMessage{IdentityID: f.IdentityID.Int64, Channel: bot.WhatsApp, ChatID: f.ChatID,
			Priority: storage.PriorityInteractive, Kind: "notice", Payload: f.Payload}
		if found {
			nm.Priority, nm.Kind, nm.BroadcastID = m.Priority, m.Kind, m.BroadcastID.Int64
			if m.ExpiresAt.Valid {
				nm.ExpiresAt = m.ExpiresAt.Time
			}
		}
		if _, err := storage.Enqueue(ctx, tx, nm, now); err != nil {
			return err
		}
		resent = true
		var last time.Time
		if f.WindowEndsAt.Valid {
			last = f.WindowEndsAt.Time.Add(-window)
		}
		tx.AfterCommit(func() {
			// WhatsApp said the window is closed: the message waits for the person.
			c.markClosed(context.WithoutCancel(ctx), f.ChatID, last)
			c.wake()
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: status: %w", bot.ErrRetryLater, err)
	}
	c.metrics.statuses.WithLabelValues(status).Inc()
	if status == storage.ReceiptFailed {
		c.log.Info("message failed", "chat", bot.Redact(s.RecipientID), "code", code, "queued_again", resent, "unreachable", unreachable)
	}
	return nil
}
