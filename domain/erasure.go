package domain

import (
	"context"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Erasure happens in two steps. The beneficiary's "Yes, delete" (flows/privacy.go) erases everything
// in its update's transaction and Redis once it commits. Deliveries under way at that moment
// (a message to the person's web chat, a relayed text to the tutor's), and the goodbye and the
// tutor's alert that erasure itself sends, still write their chat ids and texts afterwards: the
// second purge, run by the scheduler once they are delivered (storage.FinishErasure), removes
// those too, in SQL and Redis.

// erasurePurgesPerPass bounds the second purges one scheduler pass runs.
const erasurePurgesPerPass = 20

// EraseFromRedis runs the Redis part of an erasure; a failure is logged (the second purge
// does it again).
func (s *Service) EraseFromRedis(ctx context.Context, n storage.ErasureNeedles, final bool) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.redis.ErasePersonRedis(rctx, n, final); err != nil {
		s.log.Warn("erasure: redis not cleared yet, the second purge will", "err", err)
	}
}

// FinishErasures runs the second purges due at now and returns how many it finished. Each
// clears Redis first, then SQL and its own record in one transaction, so a failure leaves it
// for the next pass. Replicas running it together do the same work twice, harmlessly.
func (s *Service) FinishErasures(ctx context.Context, db *storage.DB, now time.Time) (int, error) {
	due, err := storage.DueErasurePurges(ctx, db, now, erasurePurgesPerPass)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, p := range due {
		if err := s.redis.ErasePersonRedis(ctx, p.Needles, true); err != nil {
			return done, err
		}
		var finished bool
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			finished, err = storage.FinishErasure(ctx, tx, p, now)
			return err
		}); err != nil {
			return done, err
		}
		if finished {
			done++
		}
	}
	return done, nil
}

// ErasePerson erases a beneficiary at their own request (storage.EraseBeneficiary), alerts
// their tutor with the code they knew and audits it, in tx; Redis is cleared once tx commits.
// Only the beneficiary themselves may: anyone else is refused (ErrDenied, audited). An
// erasure already done finds nobody (storage.ErrNotFound).
func (s *Service) ErasePerson(ctx context.Context, tx *storage.Tx, now time.Time, a Actor, b storage.Beneficiary) error {
	if a.Beneficiary == nil || a.Beneficiary.ID != b.ID {
		return s.refused(ctx, tx, now, a, "erase", "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	needles, err := storage.EraseBeneficiary(ctx, tx, b.ID, now)
	if err != nil {
		return err
	}
	// After the erasure, so that it does not take the alert with everything naming the person.
	if err := s.AlertTutor(ctx, tx, now, b, storage.AlertErased, 0, ""); err != nil {
		return err
	}
	if err := Audit(ctx, tx, now, a, "erase", "beneficiary", strconv.FormatInt(b.ID, 10), ""); err != nil {
		return err
	}
	tx.AfterCommit(func() { s.EraseFromRedis(ctx, needles, false) })
	return nil
}
