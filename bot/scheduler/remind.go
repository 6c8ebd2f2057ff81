package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// sendToBeneficiary queues a reminder to a beneficiary on the identity they last used, in
// their language, whatever their announcement consent or STOP (they asked for this: they
// enrolled, the step is theirs). Nobody reachable (they blocked the bot): dropped. A reminder
// of an event expires when the event begins (zero: never): held until then (WhatsApp, outside
// the 24-hour window), it is dropped, not sent late.
func (s *Scheduler) sendToBeneficiary(ctx context.Context, tx *storage.Tx, b storage.Beneficiary, now, expires time.Time,
	build func(l *locales.Localizer) bot.Outgoing) (verdict, error) {
	_, err := s.dom.Notifier().SendTo(ctx, tx, notify.Person{BeneficiaryID: b.ID},
		notify.SendOptions{Kind: "reminder", Priority: storage.PriorityInteractive, ExpiresAt: expires}, now, build)
	if errors.Is(err, notify.ErrUnreachable) {
		return drop("unreachable"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	return sent(), nil
}

// remindSession sends a lab session's reminder, if the session still takes place at the time
// it was planned for, has not started, and the beneficiary is still enrolled and coming.
func (s *Scheduler) remindSession(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	sess, err := storage.SessionByID(ctx, tx, r.SessionID.Int64)
	if errors.Is(err, storage.ErrNotFound) {
		return drop("vanished"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	if sess.Status == storage.SessionCancelled {
		return drop("session_cancelled"), nil
	}
	if !now.Before(sess.StartsAt) {
		return drop("late"), nil
	}
	if r.EventAt.Valid && !r.EventAt.Time.Equal(sess.StartsAt) {
		return drop("moved"), nil // the planner plans the reminders of the new time
	}
	b, why, err := s.recipient(ctx, tx, r)
	if err != nil || why != "" {
		return drop(why), err
	}
	enr, err := storage.EnrolmentOf(ctx, tx, sess.ID, b.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return drop("unenrolled"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	if enr.RSVP.Valid && enr.RSVP.String == notify.RSVPNo {
		return drop("rsvp_no"), nil
	}
	later, err := storage.LaterReminderDue(ctx, tx, r, now)
	if err != nil {
		return verdict{}, err
	}
	if later {
		return drop("superseded"), nil
	}
	if v, held := s.holdForQuiet(r, now, sess.StartsAt); held {
		return v, nil
	}
	confirmed := enr.RSVP.Valid && enr.RSVP.String == notify.RSVPYes
	return s.sendToBeneficiary(ctx, tx, b, now, sess.StartsAt, func(l *locales.Localizer) bot.Outgoing {
		return sessionReminder(l, sess, s.cfg.Location, confirmed)
	})
}

// remindStep sends the reminder of a step due tomorrow, unless it is done or its due date
// changed (the planner plans the new one) or passed.
func (s *Scheduler) remindStep(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	step, v, err := s.stepOf(ctx, tx, r)
	if err != nil || v.status != "" {
		return v, err
	}
	if r.EventAt.Valid && !now.Before(r.EventAt.Time) {
		return drop("late"), nil
	}
	b, why, err := s.recipient(ctx, tx, r)
	if err != nil || why != "" {
		return drop(why), err
	}
	if v, held := s.holdForQuiet(r, now, r.EventAt.Time); held {
		return v, nil
	}
	due, err := dayStart(step.DueDate.String, s.cfg.Location)
	if err != nil {
		return verdict{}, err
	}
	return s.sendToBeneficiary(ctx, tx, b, now, r.EventAt.Time, func(l *locales.Localizer) bot.Outgoing {
		return stepReminder(s.dom.Notifier().Catalog(), l, step, due)
	})
}

// stepOf finds the step of a step reminder; a dropped verdict when it is gone, done, or its
// due date is no longer the one the reminder was planned for.
func (s *Scheduler) stepOf(ctx context.Context, tx *storage.Tx, r storage.Reminder) (storage.PlanStep, verdict, error) {
	step, err := storage.StepByID(ctx, tx, r.StepID.Int64)
	if errors.Is(err, storage.ErrNotFound) {
		return step, drop("vanished"), nil
	}
	if err != nil {
		return step, verdict{}, err
	}
	if step.Status == storage.StepDone {
		return step, drop("done"), nil
	}
	if !step.DueDate.Valid || step.DueDate.String != r.OffsetKey {
		return step, drop("moved"), nil
	}
	return step, verdict{}, nil
}

// alertOverdue opens an overdue-step alert for the beneficiary's tutor, who is told at once.
func (s *Scheduler) alertOverdue(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	step, v, err := s.stepOf(ctx, tx, r)
	if err != nil || v.status != "" {
		return v, err
	}
	b, why, err := s.recipient(ctx, tx, r)
	if err != nil || why != "" {
		return drop(why), err
	}
	if !b.TutorID.Valid {
		return drop("no_tutor"), nil
	}
	tutor, err := storage.StaffByID(ctx, tx, b.TutorID.Int64)
	if err != nil {
		return verdict{}, err
	}
	due, err := dayStart(step.DueDate.String, s.cfg.Location)
	if err != nil {
		return verdict{}, err
	}
	l := s.dom.Notifier().Catalog().For(tutor.Lang)
	detail := l.T("reminder.overdue_detail", "Step", staffStepTitle(s.dom.Notifier().Catalog(), l, step), "Date", l.Date(due))
	if err := s.dom.AlertTutor(ctx, tx, now, b, storage.AlertStepOverdue, step.ID, detail); err != nil {
		return verdict{}, err
	}
	return sent(), nil
}

// checkIn sends a gentle word to a beneficiary silent since the silence the reminder is for.
// Someone who wrote since, or said STOP, gets nothing.
func (s *Scheduler) checkIn(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	b, why, err := s.recipient(ctx, tx, r)
	if err != nil || why != "" {
		return drop(why), err
	}
	since, ok := silenceOf(b)
	if !ok || silenceKey(since) != r.OffsetKey {
		return drop("wrote_again"), nil
	}
	if b.AnnouncementsStoppedAt.Valid {
		return drop("stopped"), nil
	}
	if v, held := s.holdForQuiet(r, now, time.Time{}); held {
		return v, nil
	}
	return s.sendToBeneficiary(ctx, tx, b, now, time.Time{}, func(l *locales.Localizer) bot.Outgoing {
		return checkinMessage(l, b.TutorID.Valid)
	})
}

// silenceOf is when a beneficiary's silence began: their last message, or their onboarding.
func silenceOf(b storage.Beneficiary) (time.Time, bool) {
	switch {
	case b.LastInboundAt.Valid:
		return b.LastInboundAt.Time, true
	case b.OnboardedAt.Valid:
		return b.OnboardedAt.Time, true
	}
	return time.Time{}, false
}

// startBroadcast starts a scheduled broadcast, still scheduled.
func (s *Scheduler) startBroadcast(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	bc, err := storage.BroadcastByID(ctx, tx, r.BroadcastID.Int64)
	if errors.Is(err, storage.ErrNotFound) {
		return drop("vanished"), nil
	}
	if err != nil {
		return verdict{}, err
	}
	if bc.Status != storage.BroadcastScheduled {
		return drop("broadcast_" + bc.Status), nil
	}
	if err := s.broadcasts.StartBroadcast(ctx, tx, bc.ID, now); err != nil {
		return verdict{}, err
	}
	return sent(), nil
}

// housekeeping forgets inbound update ids older than the redelivery horizon, and, once that is
// committed, messages older than their retention (in transactions of their own).
func (s *Scheduler) housekeeping(ctx context.Context, tx *storage.Tx, now time.Time) (verdict, error) {
	n, err := storage.PurgeProcessed(ctx, tx, now.Add(-s.cfg.ProcessedRetention))
	if err != nil {
		return verdict{}, err
	}
	s.log.Info("housekeeping: processed update ids purged", "count", n)
	tx.AfterCommit(func() { s.purgeMessages(ctx, now) })
	return sent(), nil
}
