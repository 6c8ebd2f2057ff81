package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Outcome kinds.
const (
	OutcomeHousing   = "housing"
	OutcomeWork      = "work"
	OutcomeTraining  = "training"
	OutcomeDocuments = "documents"
)

// Outcome statuses: the history of corrections and withdrawals stays.
const (
	OutcomeValid     = "valid"
	OutcomeCorrected = "corrected"
	OutcomeWithdrawn = "withdrawn"
)

// OutcomeKinds are the kinds in the order forms show them.
func OutcomeKinds() []string {
	return []string{OutcomeHousing, OutcomeWork, OutcomeTraining, OutcomeDocuments}
}

// OutcomeTypes are the types of a kind, in the order forms show them.
func OutcomeTypes(kind string) []string {
	switch kind {
	case OutcomeHousing:
		return []string{"own_rental", "shared_rental", "hosted", "social_housing", "other"}
	case OutcomeWork:
		return []string{"permanent", "fixed_term", "apprenticeship", "traineeship", "self_employed", "occasional"}
	case OutcomeTraining:
		return []string{"course", "italian"}
	case OutcomeDocuments:
		return []string{"permit", "residence", "health_card", "spid"}
	}
	return nil
}

// OutcomeDetails are the values of the one extra fact a type asks for (nil: none): whether a
// housing contract is registered, the weekly hours of a job, the certified Italian level.
func OutcomeDetails(kind, typ string) []string {
	switch {
	case kind == OutcomeHousing:
		return []string{"yes", "no"}
	case kind == OutcomeWork:
		return []string{"h1_10", "h11_20", "h21_30", "h31"}
	case kind == OutcomeTraining && typ == "italian":
		return []string{"A1", "A2", "B1", "B2", "C1", "C2"}
	}
	return nil
}

// ValidOutcome tells whether kind, type and detail go together.
func ValidOutcome(kind, typ, detail string) bool {
	if !slices.Contains(OutcomeTypes(kind), typ) {
		return false
	}
	details := OutcomeDetails(kind, typ)
	if details == nil {
		return detail == ""
	}
	return slices.Contains(details, detail)
}

// CaseOutcome is one dated outcome event of a beneficiary.
type CaseOutcome struct {
	ID            int64          `db:"id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	Kind          string         `db:"kind"`
	Type          string         `db:"type"`
	Detail        sql.NullString `db:"detail"`
	Note          sql.NullString `db:"note"`
	OccurredOn    string         `db:"occurred_on"`
	Status        string         `db:"status"`
	ReplacesID    sql.NullInt64  `db:"replaces_id"`
	CreatedBy     sql.NullInt64  `db:"created_by"`
	CreatedAt     time.Time      `db:"created_at"`
	EndedBy       sql.NullInt64  `db:"ended_by"`
	EndedAt       sql.NullTime   `db:"ended_at"`
}

// NewOutcome is an outcome to record.
type NewOutcome struct {
	BeneficiaryID int64
	Kind          string
	Type          string
	Detail        string
	Note          string
	OccurredOn    string // YYYY-MM-DD
	ReplacesID    int64  // the outcome this one corrects (0: none)
	CreatedBy     int64
}

const outcomeColumns = `id, beneficiary_id, kind, type, detail, note, occurred_on, status, replaces_id, created_by, created_at, ended_by, ended_at`

// AddOutcome records an outcome.
func AddOutcome(ctx context.Context, q Queryer, o NewOutcome, now time.Time) (CaseOutcome, error) {
	var out CaseOutcome
	err := q.Get(ctx, &out, `INSERT INTO outcomes (beneficiary_id, kind, type, detail, note, occurred_on, status, replaces_id, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?) RETURNING `+outcomeColumns,
		o.BeneficiaryID, o.Kind, o.Type, sql.NullString{String: o.Detail, Valid: o.Detail != ""}, sql.NullString{String: o.Note, Valid: o.Note != ""},
		o.OccurredOn, sql.NullInt64{Int64: o.ReplacesID, Valid: o.ReplacesID != 0}, sql.NullInt64{Int64: o.CreatedBy, Valid: o.CreatedBy != 0}, now)
	if err != nil {
		return out, fmt.Errorf("add outcome: %w", err)
	}
	return out, nil
}

// OutcomeByID finds an outcome.
func OutcomeByID(ctx context.Context, q Queryer, id int64) (CaseOutcome, error) {
	var o CaseOutcome
	if err := q.Get(ctx, &o, `SELECT `+outcomeColumns+` FROM outcomes WHERE id = ?`, id); err != nil {
		return o, fmt.Errorf("outcome %d: %w", id, err)
	}
	return o, nil
}

// EndOutcome marks a valid outcome corrected or withdrawn; changed is false when it was not
// valid any more.
func EndOutcome(ctx context.Context, q Queryer, id int64, status string, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE outcomes SET status = ?, ended_by = ?, ended_at = ? WHERE id = ? AND status = 'valid'`,
		status, sql.NullInt64{Int64: by, Valid: by != 0}, now, id)
	return n == 1, err
}

// OutcomesOf lists a beneficiary's valid outcomes, newest first.
func OutcomesOf(ctx context.Context, q Queryer, beneficiaryID int64) ([]CaseOutcome, error) {
	var out []CaseOutcome
	if err := q.Select(ctx, &out, `SELECT `+outcomeColumns+` FROM outcomes WHERE beneficiary_id = ? AND status = 'valid'
ORDER BY occurred_on DESC, id DESC`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("outcomes of %d: %w", beneficiaryID, err)
	}
	return out, nil
}

// OutcomeHistoryOf lists a beneficiary's outcomes that were corrected or withdrawn, newest
// change first: the history a correction or a withdrawal keeps.
func OutcomeHistoryOf(ctx context.Context, q Queryer, beneficiaryID int64) ([]CaseOutcome, error) {
	var out []CaseOutcome
	if err := q.Select(ctx, &out, `SELECT `+outcomeColumns+` FROM outcomes WHERE beneficiary_id = ? AND status <> 'valid'
ORDER BY ended_at DESC, id DESC`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("outcome history of %d: %w", beneficiaryID, err)
	}
	return out, nil
}
