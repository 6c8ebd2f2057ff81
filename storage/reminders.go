package storage

import (
	"context"
	"database/sql"
	"fmt"
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
}

// planReminder creates a reminder, or moves a pending one (and revives a cancelled one) when
// its event moved. A reminder already sent stays sent.
const planReminder = `INSERT INTO reminders (kind, target_key, offset_key, beneficiary_id, staff_id, session_id, step_id,
broadcast_id, due_at, event_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
ON CONFLICT (kind, target_key, offset_key) DO UPDATE SET due_at = excluded.due_at, event_at = excluded.event_at,
status = 'pending', reason = NULL
WHERE reminders.status IN ('pending', 'cancelled')`

// PlanReminder creates or reschedules a reminder.
func PlanReminder(ctx context.Context, q Queryer, r NewReminder, now time.Time) error {
	if _, err := q.Exec(ctx, planReminder, r.Kind, r.TargetKey, r.OffsetKey, nullInt(r.BeneficiaryID), nullInt(r.StaffID),
		nullInt(r.SessionID), nullInt(r.StepID), nullInt(r.BroadcastID), r.DueAt, nullTime(r.EventAt), now); err != nil {
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
event_at, status, reason, created_at, processed_at`

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
