package scheduler

import (
	"context"
	"time"
)

// finishErasures runs the second purges of erasures that are due (flows/erasure.go): every
// pass, since one waits for the goodbye to be delivered.
func (s *Scheduler) finishErasures(ctx context.Context, now time.Time) error {
	if s.dom == nil {
		return nil
	}
	n, err := s.dom.FinishErasures(ctx, s.db, now)
	if n > 0 {
		s.log.Info("erasure: second purge done", "count", n)
	}
	return err
}
