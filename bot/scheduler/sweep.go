package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// sweep plans the work no single change causes: today's digests, check-ins of silent
// beneficiaries, today's housekeeping; and plans again what is coming soon, so a change of
// REMINDER_OFFSETS or OVERDUE_ALERT_DAYS, or a session or step written without the journeys,
// is reminded too. Every step is idempotent: replicas sweeping together plan each thing once.
func (s *Scheduler) sweep(ctx context.Context, now time.Time) error {
	return errors.Join(
		s.replanSoon(ctx, now),
		s.planDigests(ctx, now),
		s.planCheckins(ctx, now),
		s.planAssessments(ctx, now),
		s.planHousekeeping(ctx, now),
		s.purgeMedia(ctx, now),
	)
}

// replanSoon runs the planner again for sessions whose reminders may fall within a day and
// for open steps due around now.
func (s *Scheduler) replanSoon(ctx context.Context, now time.Time) error {
	sessions, err := storage.SessionsBetween(ctx, s.db, "", now, now.Add(s.cfg.maxOffset()+day))
	if err != nil {
		return err
	}
	var errs []error
	for _, sess := range sessions {
		errs = append(errs, s.db.InTx(ctx, func(tx *storage.Tx) error {
			return s.planner.SessionChanged(ctx, tx, sess.ID, now)
		}))
	}
	loc := s.cfg.Location
	from := civilDay(now.In(loc).AddDate(0, 0, -s.cfg.OverdueDays-1), loc)
	to := civilDay(now.In(loc).AddDate(0, 0, 2), loc)
	steps, err := storage.OpenStepIDsDueBetween(ctx, s.db, from, to)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, id := range steps {
		errs = append(errs, s.db.InTx(ctx, func(tx *storage.Tx) error {
			return s.planner.StepChanged(ctx, tx, id, now)
		}))
	}
	return errors.Join(errs...)
}

// planDigests plans today's digest of every active tutor the bot can reach, on working days (Monday to Friday)
// from DigestAt on. A digest not done by midnight is dropped as late.
func (s *Scheduler) planDigests(ctx context.Context, now time.Time) error {
	loc := s.cfg.Location
	local := now.In(loc)
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return nil
	}
	at := s.cfg.DigestAt.On(now, loc)
	if now.Before(at) {
		return nil
	}
	date := civilDay(now, loc)
	start, err := dayStart(date, loc)
	if err != nil {
		return err
	}
	staff, err := storage.ListStaff(ctx, s.db, "")
	if err != nil {
		return err
	}
	for _, st := range staff {
		if st.Role != storage.RoleTutor || st.Status != "active" {
			continue
		}
		// A tutor the bot cannot reach (no linked chat, or blocked) gets no digest planned.
		if ok, err := storage.Reachable(ctx, s.db, 0, st.ID); err != nil {
			return err
		} else if !ok {
			continue
		}
		if _, err := storage.EnsureReminder(ctx, s.db, storage.NewReminder{Kind: storage.ReminderDigest,
			TargetKey: digestTarget(st.ID), OffsetKey: date, StaffID: st.ID, DueAt: at, EventAt: start.AddDate(0, 0, 1)}, now); err != nil {
			return err
		}
	}
	return nil
}

// planCheckins plans one check-in per silence for each active beneficiary silent for
// InactiveAfter whom the bot can reach, outside quiet hours. Beneficiaries who said STOP are not checked on (their
// tutor still sees them in the digest).
func (s *Scheduler) planCheckins(ctx context.Context, now time.Time) error {
	silent, err := storage.SilentBeneficiaries(ctx, s.db, now.Add(-s.cfg.InactiveAfter))
	if err != nil {
		return err
	}
	for _, b := range silent {
		since, ok := silenceOf(b)
		if !ok || b.AnnouncementsStoppedAt.Valid {
			continue
		}
		due := since.Add(s.cfg.InactiveAfter)
		if due.Before(now) {
			due = now
		}
		due, moved := s.cfg.Quiet.Adjust(due, time.Time{}, s.cfg.Location)
		if _, err := storage.EnsureReminder(ctx, s.db, storage.NewReminder{Kind: storage.ReminderCheckin,
			TargetKey: checkinTarget(b.ID), OffsetKey: silenceKey(since), BeneficiaryID: b.ID, DueAt: due, Deferred: moved}, now); err != nil {
			return err
		}
	}
	return nil
}

// planHousekeeping plans today's clean-up, once a day across replicas.
func (s *Scheduler) planHousekeeping(ctx context.Context, now time.Time) error {
	_, err := storage.EnsureReminder(ctx, s.db, storage.NewReminder{Kind: storage.ReminderHousekeeping, TargetKey: purgeTarget,
		OffsetKey: civilDay(now, s.cfg.Location), DueAt: now}, now)
	return err
}

// purgeMessages applies MESSAGE_RETENTION: delivered messages, the web chat's history and the
// conversations between beneficiaries and tutors older than it go, a batch at a time; messages
// still held that long expire (their sender drops them).
// What fails is done by the next day's housekeeping.
func (s *Scheduler) purgeMessages(ctx context.Context, now time.Time) {
	before := now.Add(-s.cfg.MessageRetention)
	res, err := storage.PurgeOutbox(ctx, s.db, before, now)
	if err != nil {
		s.log.Warn("housekeeping: messages not purged", "err", err)
	} else {
		s.log.Info("housekeeping: delivered messages purged", "deleted", res.Deleted, "anonymized", res.Anonymized, "expired", res.Expired)
		if res.Expired > 0 && s.wake != nil {
			s.wake()
		}
	}
	if n, err := storage.PurgeWebchat(ctx, s.db, before); err != nil {
		s.log.Warn("housekeeping: web chat history not purged", "err", err)
	} else {
		s.log.Info("housekeeping: web chat history purged", "deleted", n)
	}
	if n, err := storage.PurgeConversations(ctx, s.db, before); err != nil {
		s.log.Warn("housekeeping: conversations with tutors not purged", "err", err)
	} else {
		s.log.Info("housekeeping: conversations with tutors purged", "deleted", n)
	}
}
