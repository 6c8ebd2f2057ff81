package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Alert kinds: what a tutor is told about.
const (
	AlertStepHelp      = "step_help"
	AlertStepDone      = "step_done"
	AlertLeadInterest  = "lead_interest"
	AlertRSVPNo        = "rsvp_no"
	AlertAbsent        = "absent"
	AlertMessage       = "message"
	AlertBlocked       = "blocked"
	AlertErased        = "erased"
	AlertStepOverdue   = "step_overdue"
	AlertInactive      = "inactive"
	AlertOnboarded     = "onboarded"
	AlertConsentChange = "consent_change"
	// AlertProposal: an operator proposes a step (ref_id: the step_proposals row).
	AlertProposal = "proposal"
	// AlertOperatorNote: an operator wrote about the person (ref_id: the operator_notes row).
	AlertOperatorNote = "operator_note"
)

// Alert is something a tutor should look at, about one beneficiary; handling it closes it.
type Alert struct {
	ID            int64         `db:"id"`
	StaffID       int64         `db:"staff_id"`
	BeneficiaryID int64         `db:"beneficiary_id"`
	Kind          string        `db:"kind"`
	RefID         sql.NullInt64 `db:"ref_id"`
	CreatedAt     time.Time     `db:"created_at"`
	HandledAt     sql.NullTime  `db:"handled_at"`
	HandledBy     sql.NullInt64 `db:"handled_by"`
	Code          string        `db:"code"`
}

const alertSelect = `SELECT a.id, a.staff_id, a.beneficiary_id, a.kind, a.ref_id, a.created_at, a.handled_at, a.handled_by, b.code
FROM alerts a JOIN beneficiaries b ON b.id = a.beneficiary_id`

// CreateAlert opens an alert for a staff member.
func CreateAlert(ctx context.Context, q Queryer, staffID, beneficiaryID int64, kind string, refID int64, now time.Time) (Alert, error) {
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO alerts (staff_id, beneficiary_id, kind, ref_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		staffID, beneficiaryID, kind, nullInt(refID), now); err != nil {
		return Alert{}, fmt.Errorf("create alert: %w", err)
	}
	return AlertByID(ctx, q, id)
}

// AlertByID finds an alert.
func AlertByID(ctx context.Context, q Queryer, id int64) (Alert, error) {
	var a Alert
	if err := q.Get(ctx, &a, alertSelect+` WHERE a.id = ?`, id); err != nil {
		return a, fmt.Errorf("alert %d: %w", id, err)
	}
	return a, nil
}

// OpenAlerts lists a staff member's unhandled alerts, oldest first.
func OpenAlerts(ctx context.Context, q Queryer, staffID int64) ([]Alert, error) {
	var out []Alert
	if err := q.Select(ctx, &out, alertSelect+` WHERE a.staff_id = ? AND a.handled_at IS NULL ORDER BY a.id`, staffID); err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	return out, nil
}

// NewestOpenAlerts lists a staff member's newest open alerts, at most limit, newest first, and
// how many are open in all: Home's list, which reads a page, not the whole backlog.
func NewestOpenAlerts(ctx context.Context, q Queryer, staffID int64, limit int) ([]Alert, int, error) {
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM alerts WHERE staff_id = ? AND handled_at IS NULL`, staffID); err != nil {
		return nil, 0, fmt.Errorf("open alerts: %w", err)
	}
	var out []Alert
	if err := q.Select(ctx, &out, alertSelect+` WHERE a.staff_id = ? AND a.handled_at IS NULL ORDER BY a.id DESC LIMIT ?`, staffID, limit); err != nil {
		return nil, 0, fmt.Errorf("open alerts: %w", err)
	}
	return out, total, nil
}

// HandleAlert closes an alert; it reports whether it was open.
func HandleAlert(ctx context.Context, q Queryer, id, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE alerts SET handled_at = ?, handled_by = ? WHERE id = ? AND handled_at IS NULL`, now, by, id)
	return n == 1, err
}

// OpenAlertsAbout lists the open alerts about a beneficiary, whoever they are for, newest first.
func OpenAlertsAbout(ctx context.Context, q Queryer, beneficiaryID int64) ([]Alert, error) {
	var out []Alert
	if err := q.Select(ctx, &out, alertSelect+` WHERE a.beneficiary_id = ? AND a.handled_at IS NULL ORDER BY a.id DESC`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("open alerts about %d: %w", beneficiaryID, err)
	}
	return out, nil
}

// CloseAlertsRef closes every open alert of a kind about one record (ref_id): a proposal's
// alert once the proposal is answered.
func CloseAlertsRef(ctx context.Context, q Queryer, kind string, refID, by int64, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE alerts SET handled_at = ?, handled_by = ? WHERE kind = ? AND ref_id = ? AND handled_at IS NULL`,
		now, by, kind, refID); err != nil {
		return fmt.Errorf("close %s alerts: %w", kind, err)
	}
	return nil
}
