package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Kinds of case events.
const (
	CaseClosed     = "closed"
	CaseReopened   = "reopened"
	CaseReassigned = "reassigned"
)

// Exit reasons of a closed case.
const (
	ExitAutonomy    = "autonomy"    // autonomy reached
	ExitMoved       = "moved"       // moved to another city
	ExitLeft        = "left"        // left the project
	ExitTransferred = "transferred" // transferred to another service
	ExitOther       = "other"       // other, with a note
)

// ExitReasons are the exit reasons in the order forms show them.
func ExitReasons() []string {
	return []string{ExitAutonomy, ExitMoved, ExitLeft, ExitTransferred, ExitOther}
}

// IsExitReason tells whether s is an exit reason.
func IsExitReason(s string) bool {
	for _, r := range ExitReasons() {
		if r == s {
			return true
		}
	}
	return false
}

// CaseEvent is one step of a case's life.
type CaseEvent struct {
	ID            int64          `db:"id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	Kind          string         `db:"kind"`
	Reason        sql.NullString `db:"reason"`
	Note          sql.NullString `db:"note"`
	StaffID       sql.NullInt64  `db:"staff_id"`
	FromTutorID   sql.NullInt64  `db:"from_tutor_id"`
	ToTutorID     sql.NullInt64  `db:"to_tutor_id"`
	At            time.Time      `db:"at"`
}

const insertCaseEvent = `INSERT INTO case_events (beneficiary_id, kind, reason, note, staff_id, from_tutor_id, to_tutor_id, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// AddCaseEvent records a step of a case's life.
func AddCaseEvent(ctx context.Context, q Queryer, e CaseEvent) (int64, error) {
	var id int64
	if err := q.Get(ctx, &id, insertCaseEvent, e.BeneficiaryID, e.Kind, e.Reason, e.Note, e.StaffID, e.FromTutorID, e.ToTutorID, e.At); err != nil {
		return 0, fmt.Errorf("add case event: %w", err)
	}
	return id, nil
}

// LastClosing is the event that closed a case (the latest "closed"); ErrNotFound when the case
// was never closed.
func LastClosing(ctx context.Context, q Queryer, beneficiaryID int64) (CaseEvent, error) {
	var e CaseEvent
	if err := q.Get(ctx, &e, `SELECT id, beneficiary_id, kind, reason, note, staff_id, from_tutor_id, to_tutor_id, at
FROM case_events WHERE beneficiary_id = ? AND kind = 'closed' ORDER BY id DESC LIMIT 1`, beneficiaryID); err != nil {
		return e, fmt.Errorf("last closing of %d: %w", beneficiaryID, err)
	}
	return e, nil
}

// CloseBeneficiary makes an invited or active case closed; changed is false when it was not
// (closed already, or erased).
func CloseBeneficiary(ctx context.Context, q Queryer, id int64, at time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE beneficiaries SET status = 'closed', closed_at = ? WHERE id = ? AND status IN ('invited', 'active')`, at, id)
	return n == 1, err
}

// ReopenBeneficiary makes a closed case open again: active when the person had onboarded,
// invited otherwise; changed is false when it was not closed.
func ReopenBeneficiary(ctx context.Context, q Queryer, id int64) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE beneficiaries SET status = CASE WHEN onboarded_at IS NULL THEN 'invited' ELSE 'active' END,
closed_at = NULL WHERE id = ? AND status = 'closed'`, id)
	return n == 1, err
}

// OpenCaseload lists the open cases (invited or active) a tutor follows, by code.
func OpenCaseload(ctx context.Context, q Queryer, tutorID int64) ([]Beneficiary, error) {
	var out []Beneficiary
	if err := q.Select(ctx, &out, `SELECT `+beneficiaryColumns+` FROM beneficiaries WHERE tutor_id = ? AND status IN ('invited', 'active') ORDER BY code`, tutorID); err != nil {
		return nil, fmt.Errorf("open caseload of %d: %w", tutorID, err)
	}
	return out, nil
}

// ClosedCases lists the closed cases of a scope (a tutor's, a territory's, everyone's), by
// code, at most limit.
func ClosedCases(ctx context.Context, q Queryer, f CaseloadFilter, limit int) ([]Beneficiary, error) {
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries WHERE status = 'closed'`
	var args []any
	if f.TutorID != 0 {
		query += ` AND tutor_id = ?`
		args = append(args, f.TutorID)
	}
	if f.Territory != "" {
		query += ` AND territory = ?`
		args = append(args, f.Territory)
	}
	var out []Beneficiary
	if err := q.Select(ctx, &out, query+` ORDER BY code LIMIT ?`, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("closed cases: %w", err)
	}
	return out, nil
}
