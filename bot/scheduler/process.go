package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// verdict is what becomes of a due reminder.
type verdict struct {
	status  string    // storage.ReminderSent or storage.ReminderDropped; empty: deferred
	reason  string    // why it was dropped
	deferTo time.Time // quiet hours: try again then
}

func sent() verdict                      { return verdict{status: storage.ReminderSent} }
func drop(reason string) verdict         { return verdict{status: storage.ReminderDropped, reason: reason} }
func deferUntil(t time.Time) verdict     { return verdict{deferTo: t} }
func (v verdict) deferred() bool         { return v.status == "" }
func (v verdict) String() string         { return v.status + ":" + v.reason }
func isReminder(r storage.Reminder) bool { return r.Kind != storage.ReminderHousekeeping }

// process does one due reminder in one transaction: lock it, decide, queue what it owes and
// mark it finished, all committed together. ok is false when another scheduler had it or it
// was deferred. A failure that retrying cannot fix drops the reminder (with reason error)
// instead of failing forever; a transient one leaves it for the next pass.
func (s *Scheduler) process(ctx context.Context, id int64, now time.Time) (ok bool, err error) {
	var r storage.Reminder
	var v verdict
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var held bool
		r, held, err = storage.LockDueReminder(ctx, tx, id)
		if err != nil || !held {
			return err
		}
		ok = true
		v, err = s.do(ctx, tx, r, now)
		if err != nil {
			return err
		}
		if v.deferred() {
			ok = false
			return storage.DeferReminder(ctx, tx, r.ID, v.deferTo)
		}
		finished, err := storage.FinishReminder(ctx, tx, r.ID, v.status, v.reason, now)
		if err != nil {
			return err
		}
		if !finished {
			return fmt.Errorf("reminder %d: no longer pending while locked", r.ID)
		}
		if v.status == storage.ReminderSent && s.wake != nil {
			tx.AfterCommit(s.wake)
		}
		return nil
	})
	if err != nil {
		if storage.IsTransient(err) || ctx.Err() != nil {
			return false, fmt.Errorf("reminder %d (%s): %w", id, r.Kind, err)
		}
		s.log.Error("reminder failed, dropped", "reminder", id, "kind", r.Kind, "err", err)
		v = drop("error")
		dropped, derr := storage.FinishReminder(ctx, s.db, id, v.status, v.reason, now)
		if derr != nil || !dropped {
			return false, errors.Join(err, derr)
		}
		ok = true
	}
	if !ok {
		if v.deferred() && r.ID != 0 {
			s.log.Info("reminder held back by quiet hours", "reminder", r.ID, "kind", r.Kind, "until", v.deferTo)
		}
		return false, nil
	}
	s.count(r, v)
	return true, nil
}

func (s *Scheduler) count(r storage.Reminder, v verdict) {
	if !isReminder(r) {
		return
	}
	s.m.due.Inc()
	switch v.status {
	case storage.ReminderSent:
		s.m.sent.Inc()
		if r.Deferred {
			s.m.deferred.Inc()
		}
	case storage.ReminderDropped:
		s.m.dropped.WithLabelValues(v.reason).Inc()
		s.log.Info("reminder dropped", "reminder", r.ID, "kind", r.Kind, "reason", v.reason)
	}
}

// do decides what a due reminder becomes and queues its message, in tx.
func (s *Scheduler) do(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	switch r.Kind {
	case storage.ReminderSession:
		return s.remindSession(ctx, tx, r, now)
	case storage.ReminderStepDue:
		return s.remindStep(ctx, tx, r, now)
	case storage.ReminderStepOverdue:
		return s.alertOverdue(ctx, tx, r, now)
	case storage.ReminderCheckin:
		return s.checkIn(ctx, tx, r, now)
	case storage.ReminderDigest:
		return s.sendDigest(ctx, tx, r, now)
	case storage.ReminderBroadcast:
		return s.startBroadcast(ctx, tx, r, now)
	case storage.ReminderHousekeeping:
		return s.housekeeping(ctx, tx, now)
	case storage.ReminderAssessment:
		return s.askAssessment(ctx, tx, r, now)
	}
	return drop("unknown_kind"), nil
}

// quietGrace: a reminder this late is held back by quiet hours at send time (it came due while
// the scheduler was down). One only seconds late (due 20:59, taken at 21:00:05) goes.
const quietGrace = 5 * time.Minute

// holdForQuiet keeps a late message to a beneficiary out of quiet hours: it goes at their end,
// or not at all when that is not before its event.
func (s *Scheduler) holdForQuiet(r storage.Reminder, now, event time.Time) (verdict, bool) {
	if now.Sub(r.DueAt) <= quietGrace || !s.cfg.Quiet.Contains(now, s.cfg.Location) {
		return verdict{}, false
	}
	end := s.cfg.Quiet.EndAfter(now, s.cfg.Location)
	if !event.IsZero() && !end.Before(event) {
		return drop("quiet_hours"), true
	}
	return deferUntil(end), true
}

// recipient is the beneficiary a reminder is for, or why there is none to remind.
func (s *Scheduler) recipient(ctx context.Context, q storage.Queryer, r storage.Reminder) (storage.Beneficiary, string, error) {
	b, err := storage.BeneficiaryByID(ctx, q, r.BeneficiaryID.Int64)
	if errors.Is(err, storage.ErrNotFound) || !r.BeneficiaryID.Valid {
		return b, "vanished", nil
	}
	if err != nil {
		return b, "", err
	}
	switch b.Status {
	case storage.BeneficiaryErased:
		return b, "erased", nil
	case storage.BeneficiaryClosed:
		return b, "closed", nil
	}
	return b, "", nil
}
