package outbox

import (
	"context"
	"time"
)

// Replicas tell each other of new work through Redis: a Wake on one replica (a reply it just
// committed) wakes the loops of the others at once, for the messages it has no sender for (a
// WhatsApp reply written by a replica without WhatsApp) or whose chat another replica frees.
// Polling remains the fallback: a lost signal costs at most Poll.

func (s *Service) wakeChannel() string { return s.cfg.Redis.Key("outbox", "wake") }

// publishWakes sends one signal per burst of Wake calls.
func (s *Service) publishWakes(ctx context.Context) {
	if s.cfg.Redis.Embedded() {
		return // one process: Wake is enough
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.signal:
		}
		if err := s.cfg.Redis.Client().Publish(ctx, s.wakeChannel(), s.cfg.Owner).Err(); err != nil && ctx.Err() == nil {
			s.cfg.Log.Debug("wake signal not published", "err", err)
			_ = sleep(ctx, time.Second)
		}
	}
}

// subscribeWakes wakes the loops when another replica signals new work.
func (s *Service) subscribeWakes(ctx context.Context) {
	if s.cfg.Redis.Embedded() {
		return
	}
	sub := s.cfg.Redis.Client().Subscribe(ctx, s.wakeChannel())
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			if m.Payload != s.cfg.Owner {
				s.wakeLocal()
			}
		}
	}
}
