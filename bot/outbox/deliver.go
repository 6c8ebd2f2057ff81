package outbox

import (
	"context"
	"fmt"
	"math"
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
	resultExpired     = "expired"
	resultHeld        = "held"
)

// reasonExpired is the recorded reason of a message dropped because it came too late.
const reasonExpired = "expired: too late to be of use"

// capMargin widens the second in which at most Rate sends go (TakeCapped): sends that left
// evenly spaced reach the platform with some jitter, and one that arrives early must still
// not make Rate+1 in the platform's second. It costs 2 % of the rate.
const capMargin = 20 * time.Millisecond

// maxInlineWait is the longest a worker waits for a rate-limit token while holding a message;
// a longer wait puts the message back in line for its time.
const maxInlineWait = 2 * time.Second

// deliver sends one claimed message (with the relays that go with it) and hands the outcome
// to the recorder.
func (s *Service) deliver(ctx context.Context, snd bot.Sender, m storage.OutboxMessage) {
	log := s.cfg.Log.With("channel", m.Channel, "chat", bot.Redact(m.ChatID), "outbox", m.ID)
	msgs := []storage.OutboxMessage{m}
	now := s.cfg.Clock.Now()
	// Claimed before (a sender's lease ran out): it may have been sent by a sender that could
	// not record it. Then it is recorded now, not sent again.
	if m.Attempts > 1 {
		if o, ok := s.rec.journaled(ctx, m.ID); ok {
			log.Info("message already sent before its lease ran out: recording it")
			s.finish(msgs, "", storage.Outcome{Result: o.Result, ProviderID: o.ProviderID, Reason: o.Reason}, withJournal())
			return
		}
	}
	if m.ExpiresAt.Valid && !now.Before(m.ExpiresAt.Time) {
		log.Info("message expired before it could go: dropped")
		s.finish(msgs, resultExpired, storage.Outcome{Result: storage.OutcomeFailed, Reason: reasonExpired})
		return
	}
	out, err := bot.DecodeOutgoing(m.Payload)
	if err != nil {
		log.Error("outbox payload unreadable", "err", err)
		s.finish(msgs, resultFailed, storage.Outcome{Result: storage.OutcomeFailed, Reason: "unreadable payload"})
		return
	}
	if m.Kind == storage.KindRelay {
		msgs, out = s.coalesce(ctx, m, out, now)
	}
	lim := s.limits[m.Channel]
	if wait, err := s.admit(ctx, m, lim); err != nil || wait > 0 {
		if err != nil {
			log.Warn("rate limiter unavailable", "err", err)
			wait = time.Second
		}
		s.finish(msgs, "", storage.Outcome{Result: storage.OutcomeDeferred, Next: s.cfg.Clock.Now().Add(wait)})
		return
	}
	out = s.translateForeign(ctx, out)
	to := bot.Recipient{ChatID: m.ChatID}
	if m.IdentityID.Valid {
		to.IdentityID = m.IdentityID.Int64
	}
	if m.LastInboundAt.Valid {
		to.LastInbound = m.LastInboundAt.Time
	}
	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, s.cfg.Lease/2)
	providerID, err := snd.Send(sctx, to, out)
	cancel()
	s.metrics.duration.WithLabelValues(m.Channel).Observe(time.Since(start).Seconds())
	if err == nil {
		s.finish(msgs, resultSent, storage.Outcome{Result: storage.OutcomeSent, ProviderID: providerID})
		return
	}
	class, se := bot.ClassOf(err)
	reason := err.Error()
	if se != nil {
		reason = se.Reason
	}
	now = s.cfg.Clock.Now()
	switch class {
	case bot.RateLimited:
		wait := se.RetryAfter
		log.Warn("rate limited by the platform", "retry_after", wait)
		if err := s.cfg.Redis.PauseUntil(ctx, pauseKey(m), now.Add(wait)); err != nil {
			log.Warn("pause not recorded", "err", err)
		}
		s.finish(msgs, resultRateLimited, storage.Outcome{Result: storage.OutcomeDeferred, Next: now.Add(wait)})
	case bot.Held:
		log.Info("held until the person writes again", "reason", reason)
		s.finish(msgs, resultHeld, storage.Outcome{Result: storage.OutcomeHeld})
	case bot.Retryable:
		if m.Attempts >= s.cfg.MaxAttempts {
			log.Warn("message failed after retries", "attempts", m.Attempts, "err", err)
			s.finish(msgs, resultFailed, storage.Outcome{Result: storage.OutcomeFailed,
				Reason: fmt.Sprintf("%s (after %d attempts)", reason, m.Attempts)})
			return
		}
		next := now.Add(s.backoff(m.Attempts))
		log.Info("send failed, will retry", "attempt", m.Attempts, "next", next, "err", err)
		s.finish(msgs, resultRetry, storage.Outcome{Result: storage.OutcomeRetry, Reason: reason, Next: next})
	case bot.Unreachable:
		log.Info("contact unreachable: stopping messages to it", "err", err)
		s.finish(msgs, resultUnreachable, storage.Outcome{Result: storage.OutcomeFailed, Reason: reason})
	default: // Permanent, and NeedsTemplate (the WhatsApp sender handles the window itself)
		log.Warn("message failed", "class", class.String(), "err", err)
		s.finish(msgs, resultFailed, storage.Outcome{Result: storage.OutcomeFailed, Reason: reason})
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
	capN := max(1, int(math.Floor(lim.Rate)))
	for {
		w, err := r.TakeCapped(ctx, "channel:"+m.Channel, lim.Rate, lim.Burst, reserve, capN, time.Second+capMargin)
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

// finish hands an outcome of msgs to the recorder and counts it under result (none: not
// counted).
func (s *Service) finish(msgs []storage.OutboxMessage, result string, o storage.Outcome, opts ...resultOption) {
	r := &item{msgs: msgs, outcome: o, unreachable: result == resultUnreachable}
	for _, opt := range opts {
		opt(r)
	}
	if result != "" {
		s.metrics.sent.WithLabelValues(msgs[0].Channel, result).Add(float64(len(msgs)))
	}
	s.rec.add(r)
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
