package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
)

// AuditEntry records who did what to which record, and whether they were allowed to.
type AuditEntry struct {
	ID         int64         `db:"id"`
	At         time.Time     `db:"at"`
	ActorKind  string        `db:"actor_kind"`
	ActorID    sql.NullInt64 `db:"actor_id"`
	Action     string        `db:"action"`
	TargetKind string        `db:"target_kind"`
	TargetID   string        `db:"target_id"`
	Outcome    string        `db:"outcome"`
	Detail     string        `db:"detail"`
}

// Audit appends an entry to the audit log. ID and a zero Outcome are filled in.
func Audit(ctx context.Context, q Queryer, e AuditEntry) error {
	if e.Outcome == "" {
		e.Outcome = OutcomeOK
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, outcome, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.At, e.ActorKind, e.ActorID, e.Action, e.TargetKind, e.TargetID, e.Outcome, e.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	ActorKind string
	ActorID   int64
	Action    string
	Outcome   string
	Limit     int
}

// AuditEntries lists audit entries, newest first.
func AuditEntries(ctx context.Context, q Queryer, f AuditFilter) ([]AuditEntry, error) {
	query := `SELECT id, at, actor_kind, actor_id, action, target_kind, target_id, outcome, detail FROM audit_log WHERE 1=1`
	var args []any
	if f.ActorKind != "" {
		query += ` AND actor_kind = ?`
		args = append(args, f.ActorKind)
	}
	if f.ActorID != 0 {
		query += ` AND actor_id = ?`
		args = append(args, f.ActorID)
	}
	if f.Action != "" {
		query += ` AND action = ?`
		args = append(args, f.Action)
	}
	if f.Outcome != "" {
		query += ` AND outcome = ?`
		args = append(args, f.Outcome)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	var out []AuditEntry
	if err := q.Select(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	return out, nil
}
