package reminders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Planner keeps the reminders table in step with lab sessions, enrolments and plan steps. The
// domain's actions call it in the transaction of each change, and the scheduler calls it again
// for what is coming soon (so a change of REMINDER_OFFSETS, or a row written without the
// conversations, is planned too). Planning twice changes nothing.
type Planner struct{ cfg Config }

// Config is how reminders are timed. Every field must be set (the scheduler's configuration
// fills them from the environment and its defaults).
type Config struct {
	// Location is BOT_TIMEZONE: offsets of whole days, quiet hours and 09:00 the day before a
	// step is due are read in it.
	Location *time.Location
	// Offsets are REMINDER_OFFSETS: how long before a lab session each reminder goes.
	Offsets []time.Duration
	// Quiet is QUIET_HOURS.
	Quiet QuietHours
	// OverdueDays is OVERDUE_ALERT_DAYS: how many days after a step's due date its tutor is
	// alerted.
	OverdueDays int
	// StepReminderAt is the time of day, the day before a step is due, of its reminder.
	StepReminderAt civil.TimeOfDay
}

// New builds the planner.
func New(cfg Config) *Planner { return &Planner{cfg: cfg} }

// Config is the planner's configuration.
func (p *Planner) Config() Config { return p.cfg }

// unreachable is why a reminder to someone the bot cannot reach is not planned (or cancelled).
const unreachable = "unreachable"

func reminderKey(kind, target, offset string) string { return kind + "|" + target + "|" + offset }

// Reminder rows are unique per (kind, target, offset): that is what "exactly once" means. The
// planner's rows (the scheduler plans the others):
//
//	session       s:<session>:b:<beneficiary>   <offset>@<session start, UTC>
//	step_due      st:<step>                     <due date>
//	step_overdue  st:<step>                     <due date>
//
// The session's start is part of the offset key, so a session moved after a reminder went
// out gets a reminder for its new time; a step's due date likewise.

func sessionTarget(sessionID, beneficiaryID int64) string {
	return fmt.Sprintf("s:%d:b:%d", sessionID, beneficiaryID)
}

const eventStamp = "20060102T150405Z"

func sessionOffsetKey(offset time.Duration, start time.Time) string {
	return FormatOffset(offset) + "@" + start.UTC().Format(eventStamp)
}

func stepTarget(stepID int64) string { return fmt.Sprintf("st:%d", stepID) }

// SessionChanged plans one reminder per offset for each beneficiary enrolled in the session
// who has not answered no, and cancels the rest: a moved session's old reminders, those of
// someone who answered no or was unenrolled, all of a cancelled session. Reminders already
// sent stay sent; an answer back to yes brings cancelled ones back.
func (p *Planner) SessionChanged(ctx context.Context, q storage.Queryer, sessionID int64, now time.Time) error {
	s, err := storage.SessionByID(ctx, q, sessionID)
	if errors.Is(err, storage.ErrNotFound) {
		_, err = storage.CancelRemindersWhere(ctx, q, sessionID, 0, "vanished")
		return err
	}
	if err != nil {
		return err
	}
	have, err := storage.RemindersFor(ctx, q, storage.ReminderSession, sessionID, 0)
	if err != nil {
		return err
	}
	if s.Status == storage.SessionCancelled {
		return p.apply(ctx, q, have, nil, now, func(storage.Reminder) string { return "session_cancelled" })
	}
	if !s.StartsAt.After(now) {
		// Started: what is still pending is sent late or dropped by the scheduler.
		return nil
	}
	enrolments, err := storage.EnrolmentsOf(ctx, q, sessionID)
	if err != nil {
		return err
	}
	loc := p.cfg.Location
	want := map[string]storage.NewReminder{}
	notReminded := map[int64]string{}
	enrolled := map[int64]bool{}
	for _, e := range enrolments {
		enrolled[e.BeneficiaryID] = true
		if e.RSVP.Valid && e.RSVP.String == notify.RSVPNo {
			notReminded[e.BeneficiaryID] = "rsvp_no"
			continue
		}
		b, err := storage.BeneficiaryByID(ctx, q, e.BeneficiaryID)
		if err != nil {
			return err
		}
		if b.Status == storage.BeneficiaryErased || b.Status == storage.BeneficiaryClosed {
			notReminded[b.ID] = b.Status
			continue
		}
		if ok, err := storage.Reachable(ctx, q, b.ID, 0); err != nil {
			return err
		} else if !ok {
			// No identity to send to (not yet linked, or blocked the bot): nothing is planned;
			// once they can be reached the scheduler's sweep plans what is still ahead.
			notReminded[b.ID] = unreachable
			continue
		}
		for _, off := range p.cfg.Offsets {
			due, moved := p.cfg.Quiet.Adjust(ReminderTime(s.StartsAt, off, loc), s.StartsAt, loc)
			nr := storage.NewReminder{Kind: storage.ReminderSession, TargetKey: sessionTarget(s.ID, b.ID),
				OffsetKey: sessionOffsetKey(off, s.StartsAt), BeneficiaryID: b.ID, SessionID: s.ID,
				DueAt: due, EventAt: s.StartsAt, Deferred: moved}
			want[reminderKey(nr.Kind, nr.TargetKey, nr.OffsetKey)] = nr
		}
	}
	return p.apply(ctx, q, have, want, now, func(r storage.Reminder) string {
		switch {
		case notReminded[r.BeneficiaryID.Int64] != "":
			return notReminded[r.BeneficiaryID.Int64]
		case !enrolled[r.BeneficiaryID.Int64]:
			return "unenrolled"
		case !r.EventAt.Valid || !r.EventAt.Time.Equal(s.StartsAt):
			return "moved"
		}
		return "offsets_changed"
	})
}

// StepChanged plans a step's reminder (the day before its due date, to the beneficiary) and
// its overdue alert (OverdueDays after, to the tutor), or cancels them when the step is done,
// has no due date, or its beneficiary left or erased their data.
func (p *Planner) StepChanged(ctx context.Context, q storage.Queryer, stepID int64, now time.Time) error {
	step, err := storage.StepByID(ctx, q, stepID)
	if errors.Is(err, storage.ErrNotFound) {
		_, err = storage.CancelRemindersWhere(ctx, q, 0, stepID, "vanished")
		return err
	}
	if err != nil {
		return err
	}
	b, err := storage.BeneficiaryByID(ctx, q, step.BeneficiaryID)
	if err != nil {
		return err
	}
	var have []storage.Reminder
	for _, kind := range []string{storage.ReminderStepDue, storage.ReminderStepOverdue} {
		rs, err := storage.RemindersFor(ctx, q, kind, 0, stepID)
		if err != nil {
			return err
		}
		have = append(have, rs...)
	}
	slices.SortFunc(have, func(a, b storage.Reminder) int { return int(a.ID - b.ID) })
	loc := p.cfg.Location
	reason := "moved"
	want := map[string]storage.NewReminder{}
	reachable, err := storage.Reachable(ctx, q, b.ID, 0)
	if err != nil {
		return err
	}
	switch {
	case b.Status == storage.BeneficiaryErased || b.Status == storage.BeneficiaryClosed:
		reason = b.Status
	case step.Status == storage.StepDone:
		reason = "done"
	case !step.DueDate.Valid || step.DueDate.String == "":
		reason = "no_due_date"
	default:
		date := step.DueDate.String
		dueDay, err := civil.DayStart(date, loc)
		if err != nil {
			return fmt.Errorf("step %d: due date %q: %w", step.ID, date, err)
		}
		end := dueDay.AddDate(0, 0, 1)
		at, moved := p.cfg.Quiet.Adjust(p.cfg.StepReminderAt.On(dueDay.AddDate(0, 0, -1), loc), end, loc)
		target := stepTarget(step.ID)
		plan := []storage.NewReminder{
			{Kind: storage.ReminderStepOverdue, TargetKey: target, OffsetKey: date, BeneficiaryID: b.ID, StepID: step.ID,
				DueAt: p.cfg.StepReminderAt.On(dueDay.AddDate(0, 0, p.cfg.OverdueDays), loc)},
		}
		// The reminder goes to the beneficiary: none for someone the bot cannot reach (the
		// overdue alert goes to the tutor's alerts all the same).
		if reachable {
			plan = append(plan, storage.NewReminder{Kind: storage.ReminderStepDue, TargetKey: target, OffsetKey: date, BeneficiaryID: b.ID,
				StepID: step.ID, DueAt: at, EventAt: end, Deferred: moved})
		}
		for _, nr := range plan {
			want[reminderKey(nr.Kind, nr.TargetKey, nr.OffsetKey)] = nr
		}
	}
	return p.apply(ctx, q, have, want, now, func(r storage.Reminder) string {
		if r.Kind == storage.ReminderStepDue && !reachable && reason == "moved" {
			return unreachable
		}
		return reason
	})
}

// apply makes the pending reminders of one session or step what want says: pending ones not
// wanted are cancelled (with why), wanted ones are created, moved or brought back. A wanted
// reminder whose time has passed is not created now (it would arrive late, out of the blue);
// one already pending stays and the scheduler sends or drops it. Rows are written in a fixed
// order so two planners never deadlock.
func (p *Planner) apply(ctx context.Context, q storage.Queryer, have []storage.Reminder, want map[string]storage.NewReminder,
	now time.Time, why func(storage.Reminder) string) error {
	byKey := make(map[string]storage.Reminder, len(have))
	for _, r := range have {
		k := reminderKey(r.Kind, r.TargetKey, r.OffsetKey)
		byKey[k] = r
		if _, ok := want[k]; ok || r.Status != storage.ReminderPending {
			continue
		}
		if _, err := storage.CancelReminder(ctx, q, r.ID, why(r)); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		nr := want[k]
		if !nr.DueAt.After(now) {
			continue
		}
		if r, ok := byKey[k]; ok {
			if r.Status == storage.ReminderSent || r.Status == storage.ReminderDropped {
				continue
			}
			if r.Status == storage.ReminderPending && r.DueAt.Equal(nr.DueAt) && r.Deferred == nr.Deferred &&
				r.EventAt.Valid == !nr.EventAt.IsZero() && (!r.EventAt.Valid || r.EventAt.Time.Equal(nr.EventAt)) {
				continue
			}
		}
		if err := storage.PlanReminder(ctx, q, nr, now); err != nil {
			return err
		}
	}
	return nil
}
