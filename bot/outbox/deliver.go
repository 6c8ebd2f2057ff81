package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Results counted in insidebot_messages_sent_total.
const (
	resultSent        = "sent"
	resultRetry       = "retry"
	resultRateLimited = "rate_limited"
	resultFailed      = "failed"
	resultUnreachable = "unreachable"
)

// maxInlineWait is the longest a worker waits for a rate-limit token while holding a message;
// a longer wait puts the message back in line for its time.
const maxInlineWait = 2 * time.Second

// deliver sends one claimed message and records the outcome.
func (s *Service) deliver(ctx context.Context, snd bot.Sender, m storage.OutboxMessage) {
	log := s.cfg.Log.With("channel", m.Channel, "chat", bot.Redact(m.ChatID), "outbox", m.ID)
	out, err := bot.DecodeOutgoing(m.Payload)
	if err != nil {
		log.Error("outbox payload unreadable", "err", err)
		s.finish(ctx, m, resultFailed, "unreadable payload", "")
		return
	}
	lim := s.limits[m.Channel]
	if wait, err := s.admit(ctx, m, lim); err != nil || wait > 0 {
		if err != nil {
			log.Warn("rate limiter unavailable", "err", err)
			wait = time.Second
		}
		s.defer_(ctx, m, s.cfg.Clock.Now().Add(wait))
		return
	}
	to := bot.Recipient{ChatID: m.ChatID}
	if m.IdentityID.Valid {
		to.IdentityID = m.IdentityID.Int64
		ident, err := storage.IdentityByID(ctx, s.cfg.DB, to.IdentityID)
		if err == nil && ident.LastInboundAt.Valid {
			to.LastInbound = ident.LastInboundAt.Time
		}
	}
	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, s.cfg.Lease/2)
	providerID, err := snd.Send(sctx, to, out)
	cancel()
	s.metrics.duration.WithLabelValues(m.Channel).Observe(time.Since(start).Seconds())
	if err == nil {
		s.finish(ctx, m, resultSent, "", providerID)
		return
	}
	class, se := bot.ClassOf(err)
	reason := err.Error()
	if se != nil {
		reason = se.Reason
	}
	now := s.cfg.Clock.Now()
	switch class {
	case bot.RateLimited:
		wait := se.RetryAfter
		log.Warn("rate limited by the platform", "retry_after", wait)
		if err := s.cfg.Redis.PauseUntil(ctx, pauseKey(m), now.Add(wait)); err != nil {
			log.Warn("pause not recorded", "err", err)
		}
		s.metrics.sent.WithLabelValues(m.Channel, resultRateLimited).Inc()
		s.mark(ctx, m, func(q storage.Queryer) error { return storage.MarkDeferred(ctx, q, m.ID, s.cfg.Owner, now.Add(wait)) })
	case bot.Retryable:
		if m.Attempts >= s.cfg.MaxAttempts {
			log.Warn("message failed after retries", "attempts", m.Attempts, "err", err)
			s.finish(ctx, m, resultFailed, fmt.Sprintf("%s (after %d attempts)", reason, m.Attempts), "")
			return
		}
		next := now.Add(s.backoff(m.Attempts))
		log.Info("send failed, will retry", "attempt", m.Attempts, "next", next, "err", err)
		s.metrics.sent.WithLabelValues(m.Channel, resultRetry).Inc()
		s.mark(ctx, m, func(q storage.Queryer) error { return storage.MarkRetry(ctx, q, m.ID, s.cfg.Owner, reason, next) })
	case bot.Unreachable:
		log.Info("contact unreachable: stopping messages to it", "err", err)
		s.finish(ctx, m, resultUnreachable, reason, "")
	default: // Permanent, and NeedsTemplate (the WhatsApp sender handles templates itself)
		log.Warn("message failed", "class", class.String(), "err", err)
		s.finish(ctx, m, resultFailed, reason, "")
	}
}

// admit takes the chat's and the channel's rate-limit tokens, waiting briefly for them. It
// returns how long to put the message back when the wait would be long (a paused chat, a busy
// channel).
func (s *Service) admit(ctx context.Context, m storage.OutboxMessage, lim Limits) (time.Duration, error) {
	r := s.cfg.Redis
	if d, err := r.PausedFor(ctx, pauseKey(m)); err != nil || d > 0 {
		return d, err
	}
	for {
		w, err := r.TakeToken(ctx, "chat:"+m.ChatKey, lim.chatRate(), lim.ChatBurst, 0)
		if err != nil || w == 0 {
			if err != nil {
				return 0, err
			}
			break
		}
		if w > maxInlineWait {
			return w, nil
		}
		if err := sleep(ctx, w); err != nil {
			return 0, err
		}
	}
	reserve := 0.0
	if m.Priority == storage.PriorityBulk {
		reserve = lim.Reserve
	}
	deadline := time.Now().Add(s.cfg.Lease / 3)
	for {
		w, err := r.TakeToken(ctx, "channel:"+m.Channel, lim.Rate, lim.Burst, reserve)
		if err != nil || w == 0 {
			return 0, err
		}
		if time.Now().Add(w).After(deadline) {
			return w, nil
		}
		if err := sleep(ctx, w); err != nil {
			return 0, err
		}
	}
}

func pauseKey(m storage.OutboxMessage) string { return "chat:" + m.ChatKey }

// backoff is the delay before retry n: BaseBackoff doubling, at most an hour, ±20 %.
func (s *Service) backoff(attempt int) time.Duration {
	d := s.cfg.BaseBackoff << min(max(attempt-1, 0), 10)
	d = min(d, time.Hour)
	return d - d/5 + time.Duration(rand.Int64N(int64(d)*2/5+1))
}

// defer_ puts a message back in line without counting an attempt.
func (s *Service) defer_(ctx context.Context, m storage.OutboxMessage, next time.Time) {
	s.mark(ctx, m, func(q storage.Queryer) error { return storage.MarkDeferred(ctx, q, m.ID, s.cfg.Owner, next) })
}

// finish ends a message (sent, failed or unreachable) and runs the hooks in the same
// transaction. If a hook fails, the outcome is still recorded alone: a sent message must never
// be sent again because a report could not be updated.
func (s *Service) finish(ctx context.Context, m storage.OutboxMessage, result, reason, providerID string) {
	now := s.cfg.Clock.Now()
	record := func(q storage.Queryer) error {
		if result == resultSent {
			return storage.MarkSent(ctx, q, m.ID, s.cfg.Owner, providerID, now)
		}
		return storage.MarkFailed(ctx, q, m.ID, s.cfg.Owner, reason, now)
	}
	err := s.cfg.DB.InTx(ctx, func(tx *storage.Tx) error {
		if err := record(tx); err != nil {
			return err
		}
		return s.afterFinish(ctx, tx, m, result, now)
	})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.cfg.Log.Error("delivery hooks failed; recording the outcome alone", "outbox", m.ID, "err", err)
		s.mark(ctx, m, record)
	}
	if errors.Is(err, storage.ErrNotFound) {
		s.cfg.Log.Warn("outbox message no longer ours (lease expired)", "outbox", m.ID)
	}
	s.metrics.sent.WithLabelValues(m.Channel, result).Inc()
}

// afterFinish stops messages to an unreachable identity and runs the hooks.
func (s *Service) afterFinish(ctx context.Context, tx *storage.Tx, m storage.OutboxMessage, result string, now time.Time) error {
	var broadcasts []int64
	if m.BroadcastID.Valid {
		broadcasts = append(broadcasts, m.BroadcastID.Int64)
	}
	if result == resultUnreachable && m.IdentityID.Valid {
		id := m.IdentityID.Int64
		// The hook owns the change to unreachable (it marks the identity and tells whoever must
		// know, once); without one the identity is only marked.
		if s.cfg.Unreachable != nil {
			if err := s.cfg.Unreachable(ctx, tx, id, now); err != nil {
				return fmt.Errorf("unreachable hook: %w", err)
			}
		} else if err := storage.SetUnreachable(ctx, tx, id, &now); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		more, err := storage.PendingBroadcastIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, b := range more {
			if !m.BroadcastID.Valid || b != m.BroadcastID.Int64 {
				broadcasts = append(broadcasts, b)
			}
		}
		if _, err := storage.FailPendingForIdentity(ctx, tx, id, "unreachable"); err != nil {
			return err
		}
	}
	if s.cfg.BroadcastMessageDone != nil {
		for _, b := range broadcasts {
			if err := s.cfg.BroadcastMessageDone(ctx, tx, b, now); err != nil {
				return fmt.Errorf("broadcast hook: %w", err)
			}
		}
	}
	return nil
}

// mark records an outcome, retrying briefly if the database hiccups.
func (s *Service) mark(ctx context.Context, m storage.OutboxMessage, f func(q storage.Queryer) error) {
	var err error
	for i := range 3 {
		if err = f(s.cfg.DB); err == nil || errors.Is(err, storage.ErrNotFound) {
			return
		}
		_ = sleep(ctx, time.Duration(i+1)*200*time.Millisecond)
	}
	s.cfg.Log.Error("outbox outcome not recorded; the message will be retried when its lease expires", "outbox", m.ID, "err", err)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
