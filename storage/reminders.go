package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reminder statuses.
const (
	ReminderPending   = "pending"
	ReminderSent      = "sent"
	ReminderDropped   = "dropped"
	ReminderCancelled = "cancelled"
)

// Reminder is a piece of scheduled work: a message due at a time, at most once per
// (kind, target, offset).
type Reminder struct {
	ID            int64          `db:"id"`
	Kind          string         `db:"kind"`
	TargetKey     string         `db:"target_key"`
	OffsetKey     string         `db:"offset_key"`
	BeneficiaryID sql.NullInt64  `db:"beneficiary_id"`
	StaffID       sql.NullInt64  `db:"staff_id"`
	SessionID     sql.NullInt64  `db:"session_id"`
	StepID        sql.NullInt64  `db:"step_id"`
	BroadcastID   sql.NullInt64  `db:"broadcast_id"`
	DueAt         time.Time      `db:"due_at"`
	EventAt       sql.NullTime   `db:"event_at"`
	Status        string         `db:"status"`
	Reason        sql.NullString `db:"reason"`
	CreatedAt     time.Time      `db:"created_at"`
	ProcessedAt   sql.NullTime   `db:"processed_at"`
	Deferred      bool           `db:"deferred"` // quiet hours moved it
}

// NewReminder describes a reminder to plan.
type NewReminder struct {
	Kind          string
	TargetKey     string
	OffsetKey     string
	BeneficiaryID int64
	StaffID       int64
	SessionID     int64
	StepID        int64
	BroadcastID   int64
	DueAt         time.Time
	EventAt       time.Time
	Deferred      bool // quiet hours moved DueAt from the time the offset gives
}

// planReminder creates a reminder, or moves a pending one (and revives a cancelled one) when
// its event moved. A reminder already sent stays sent.
const planReminder = `INSERT INTO reminders (kind, target_key, offset_key, beneficiary_id, staff_id, session_id, step_id,
broadcast_id, due_at, event_at, deferred, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
ON CONFLICT (kind, target_key, offset_key) DO UPDATE SET due_at = excluded.due_at, event_at = excluded.event_at,
deferred = excluded.deferred, status = 'pending', reason = NULL
WHERE reminders.status IN ('pending', 'cancelled')`

// PlanReminder creates or reschedules a reminder.
func PlanReminder(ctx context.Context, q Queryer, r NewReminder, now time.Time) error {
	if _, err := q.Exec(ctx, planReminder, r.Kind, r.TargetKey, r.OffsetKey, nullInt(r.BeneficiaryID), nullInt(r.StaffID),
		nullInt(r.SessionID), nullInt(r.StepID), nullInt(r.BroadcastID), r.DueAt, nullTime(r.EventAt), r.Deferred, now); err != nil {
		return fmt.Errorf("plan reminder %s: %w", r.Kind, err)
	}
	return nil
}

// CancelReminders cancels the pending reminders of a kind and target (all offsets) and returns
// how many.
func CancelReminders(ctx context.Context, q Queryer, kind, targetKey, reason string) (int64, error) {
	return execCount(ctx, q, `UPDATE reminders SET status = 'cancelled', reason = ? WHERE kind = ? AND target_key = ? AND status = 'pending'`,
		reason, kind, targetKey)
}

// CancelRemindersWhere cancels pending reminders of a session or a step (whichever id is set).
func CancelRemindersWhere(ctx context.Context, q Queryer, sessionID, stepID int64, reason string) (int64, error) {
	if sessionID != 0 {
		return execCount(ctx, q, `UPDATE reminders SET status = 'cancelled', reason = ? WHERE session_id = ? AND status = 'pending'`, reason, sessionID)
	}
	return execCount(ctx, q, `UPDATE reminders SET status = 'cancelled', reason = ? WHERE step_id = ? AND status = 'pending'`, reason, stepID)
}

const reminderColumns = `id, kind, target_key, offset_key, beneficiary_id, staff_id, session_id, step_id, broadcast_id, due_at,
event_at, status, reason, created_at, processed_at, deferred`

// DueReminders lists pending reminders due at or before now, oldest first.
func DueReminders(ctx context.Context, q Queryer, now time.Time, limit int) ([]Reminder, error) {
	var out []Reminder
	if err := q.Select(ctx, &out, `SELECT `+reminderColumns+` FROM reminders WHERE status = 'pending' AND due_at <= ?
ORDER BY due_at, id LIMIT ?`, now, limit); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return out, nil
}

// RemindersOf lists the reminders of a kind and target, all statuses.
func RemindersOf(ctx context.Context, q Queryer, kind, targetKey string) ([]Reminder, error) {
	var out []Reminder
	if err := q.Select(ctx, &out, `SELECT `+reminderColumns+` FROM reminders WHERE kind = ? AND target_key = ? ORDER BY due_at, id`,
		kind, targetKey); err != nil {
		return nil, fmt.Errorf("reminders of %s: %w", targetKey, err)
	}
	return out, nil
}

// FinishReminder moves a pending reminder to sent, dropped or cancelled, once: it reports false
// when another scheduler got there first. Call it in the transaction that enqueues the message.
func FinishReminder(ctx context.Context, q Queryer, id int64, status, reason string, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE reminders SET status = ?, reason = ?, processed_at = ? WHERE id = ? AND status = 'pending'`,
		status, nullString(reason), now, id)
	return n == 1, err
}

// Reminder kinds: what the scheduler does when a reminder comes due.
const (
	ReminderSession      = "session"      // a lab session, to an enrolled beneficiary
	ReminderStepDue      = "step_due"     // a plan step due tomorrow, to its beneficiary
	ReminderStepOverdue  = "step_overdue" // a plan step overdue, an alert to the tutor
	ReminderCheckin      = "checkin"      // a gentle check-in to a silent beneficiary
	ReminderDigest       = "digest"       // a tutor's morning digest
	ReminderBroadcast    = "broadcast"    // a scheduled broadcast starts
	ReminderHousekeeping = "housekeeping" // daily clean-up
)

// BroadcastReminderKey is the target key of a scheduled broadcast's reminder.
func BroadcastReminderKey(broadcastID int64) string { return fmt.Sprintf("bc:%d", broadcastID) }

// PlanBroadcast schedules a confirmed broadcast to start at at (or moves it): the scheduler
// calls StartBroadcast then. Call it in the transaction that schedules the broadcast.
func PlanBroadcast(ctx context.Context, q Queryer, broadcastID int64, at, now time.Time) error {
	return PlanReminder(ctx, q, NewReminder{Kind: ReminderBroadcast, TargetKey: BroadcastReminderKey(broadcastID),
		BroadcastID: broadcastID, DueAt: at}, now)
}

// CancelBroadcastPlan cancels a scheduled broadcast's pending start; it reports whether one
// was pending.
func CancelBroadcastPlan(ctx context.Context, q Queryer, broadcastID int64) (bool, error) {
	n, err := CancelReminders(ctx, q, ReminderBroadcast, BroadcastReminderKey(broadcastID), "cancelled")
	return n > 0, err
}

const ensureReminder = `INSERT INTO reminders (kind, target_key, offset_key, beneficiary_id, staff_id, session_id, step_id,
broadcast_id, due_at, event_at, deferred, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
ON CONFLICT (kind, target_key, offset_key) DO NOTHING`

// EnsureReminder creates a reminder unless one with its kind, target and offset exists in any
// status; it reports whether it created it. Sweeps that run again and again use it, so work
// done once (a digest of a day, a check-in of a silence) is never planned twice.
func EnsureReminder(ctx context.Context, q Queryer, r NewReminder, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, ensureReminder, r.Kind, r.TargetKey, r.OffsetKey, nullInt(r.BeneficiaryID), nullInt(r.StaffID),
		nullInt(r.SessionID), nullInt(r.StepID), nullInt(r.BroadcastID), r.DueAt, nullTime(r.EventAt), r.Deferred, now)
	if err != nil {
		return false, fmt.Errorf("ensure reminder %s: %w", r.Kind, err)
	}
	return n == 1, nil
}

// RemindersFor lists every reminder (all statuses) of a kind for a session or a step
// (whichever id is set), by id.
func RemindersFor(ctx context.Context, q Queryer, kind string, sessionID, stepID int64) ([]Reminder, error) {
	column, id := "session_id", sessionID
	if sessionID == 0 {
		column, id = "step_id", stepID
	}
	var out []Reminder
	if err := q.Select(ctx, &out, `SELECT `+reminderColumns+` FROM reminders WHERE `+column+` = ? AND kind = ? ORDER BY id`,
		id, kind); err != nil {
		return nil, fmt.Errorf("reminders for %s %d: %w", column, id, err)
	}
	return out, nil
}

// CancelReminder cancels one pending reminder with a reason; it reports whether it was pending.
func CancelReminder(ctx context.Context, q Queryer, id int64, reason string) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE reminders SET status = 'cancelled', reason = ? WHERE id = ? AND status = 'pending'`, reason, id)
	return n == 1, err
}

// DueRemindersOf lists pending reminders of the given kinds due at or before now, oldest
// first.
func DueRemindersOf(ctx context.Context, q Queryer, now time.Time, kinds []string, limit int) ([]Reminder, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := []any{now}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, limit)
	var out []Reminder
	if err := q.Select(ctx, &out, `SELECT `+reminderColumns+` FROM reminders WHERE status = 'pending' AND due_at <= ?
AND kind IN (?`+strings.Repeat(`, ?`, len(kinds)-1)+`) ORDER BY due_at, id LIMIT ?`, args...); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return out, nil
}

// LockDueReminder takes a pending reminder for the transaction q: the scheduler that gets it
// finishes it; ok is false when it is no longer pending or (PostgreSQL) another scheduler is
// working on it right now.
func LockDueReminder(ctx context.Context, q Queryer, id int64) (Reminder, bool, error) {
	lock := ""
	if q.Dialect() == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var r Reminder
	err := q.Get(ctx, &r, `SELECT `+reminderColumns+` FROM reminders WHERE id = ? AND status = 'pending'`+lock, id)
	if errors.Is(err, ErrNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("lock reminder %d: %w", id, err)
	}
	return r, true, nil
}

// DeferReminder moves a pending reminder to a later time because of quiet hours.
func DeferReminder(ctx context.Context, q Queryer, id int64, due time.Time) error {
	return execOne(ctx, q, `UPDATE reminders SET due_at = ?, deferred = ? WHERE id = ? AND status = 'pending'`, due, true, id)
}

// LaterReminderDue tells whether another pending reminder of the same kind and target, meant
// for a later time than r, is also due at now: r is then superseded (both came due during a
// downtime, only the latest is worth sending).
func LaterReminderDue(ctx context.Context, q Queryer, r Reminder, now time.Time) (bool, error) {
	var n int
	err := q.Get(ctx, &n, `SELECT COUNT(*) FROM reminders WHERE kind = ? AND target_key = ? AND id <> ? AND status = 'pending'
AND due_at <= ? AND (due_at > ? OR (due_at = ? AND id > ?))`, r.Kind, r.TargetKey, r.ID, now, r.DueAt, r.DueAt, r.ID)
	if err != nil {
		return false, fmt.Errorf("later reminder due: %w", err)
	}
	return n > 0, nil
}
