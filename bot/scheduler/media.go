package scheduler

import (
	"context"
	"time"
)

// MediaPurger deletes the files in transit past their 24 hours and those of people whose data
// was erased (media.Store).
type MediaPurger interface {
	Purge(ctx context.Context, now time.Time) (int64, error)
}

// purgeMedia runs with every sweep (at most a minute apart): a file is not kept long past its
// time. Every replica may run it; a deletion is a deletion.
func (s *Scheduler) purgeMedia(ctx context.Context, now time.Time) error {
	if s.media == nil {
		return nil
	}
	n, err := s.media.Purge(ctx, now)
	if err != nil {
		return err
	}
	if n > 0 {
		s.log.Info("files in transit purged", "count", n)
	}
	return nil
}
