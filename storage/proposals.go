package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Statuses of a step proposal.
const (
	ProposalPending  = "pending"
	ProposalAccepted = "accepted"
	ProposalDeclined = "declined"
)

// Proposal is a plan step an operator proposed for a person of their centre, waiting for the
// tutor's answer or answered.
type Proposal struct {
	ID            int64         `db:"id"`
	BeneficiaryID int64         `db:"beneficiary_id"`
	ProposedBy    int64         `db:"proposed_by"`
	Area          string        `db:"area"`
	Title         string        `db:"title"`
	Status        string        `db:"status"`
	StepID        sql.NullInt64 `db:"step_id"`
	DecidedBy     sql.NullInt64 `db:"decided_by"`
	DecidedAt     sql.NullTime  `db:"decided_at"`
	CreatedAt     time.Time     `db:"created_at"`
}

const proposalColumns = `id, beneficiary_id, proposed_by, area, title, status, step_id, decided_by, decided_at, created_at`

// CreateProposal records a pending proposal.
func CreateProposal(ctx context.Context, q Queryer, beneficiaryID, proposedBy int64, area, title string, now time.Time) (Proposal, error) {
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO step_proposals (beneficiary_id, proposed_by, area, title, status, created_at)
VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id`, beneficiaryID, proposedBy, area, title, now); err != nil {
		return Proposal{}, fmt.Errorf("create proposal: %w", err)
	}
	return ProposalByID(ctx, q, id)
}

// ProposalByID finds a proposal.
func ProposalByID(ctx context.Context, q Queryer, id int64) (Proposal, error) {
	var p Proposal
	if err := q.Get(ctx, &p, `SELECT `+proposalColumns+` FROM step_proposals WHERE id = ?`, id); err != nil {
		return p, fmt.Errorf("proposal %d: %w", id, err)
	}
	return p, nil
}

// DecideProposal answers a pending proposal, once: false when it was already answered (a
// second tap, another replica), and nothing changes then.
func DecideProposal(ctx context.Context, q Queryer, id int64, status string, stepID, staffID int64, now time.Time) (bool, error) {
	n, err := q.Exec(ctx, `UPDATE step_proposals SET status = ?, step_id = ?, decided_by = ?, decided_at = ?
WHERE id = ? AND status = 'pending'`, status, nullInt(stepID), staffID, now, id)
	if err != nil {
		return false, fmt.Errorf("decide proposal %d: %w", id, err)
	}
	rows, err := n.RowsAffected()
	if err != nil {
		return false, err
	}
	return rows == 1, nil
}

// OperatorNote is what an operator wrote to a person's tutor about them.
type OperatorNote struct {
	ID            int64         `db:"id"`
	BeneficiaryID int64         `db:"beneficiary_id"`
	OperatorID    int64         `db:"operator_id"`
	TutorID       sql.NullInt64 `db:"tutor_id"`
	Body          string        `db:"body"`
	CreatedAt     time.Time     `db:"created_at"`
}

// CreateOperatorNote records an operator's note about a beneficiary for their tutor.
func CreateOperatorNote(ctx context.Context, q Queryer, beneficiaryID, operatorID, tutorID int64, body string, now time.Time) (int64, error) {
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO operator_notes (beneficiary_id, operator_id, tutor_id, body, created_at)
VALUES (?, ?, ?, ?, ?) RETURNING id`, beneficiaryID, operatorID, nullInt(tutorID), body, now); err != nil {
		return 0, fmt.Errorf("create operator note: %w", err)
	}
	return id, nil
}

// OperatorNoteByID finds an operator's note.
func OperatorNoteByID(ctx context.Context, q Queryer, id int64) (OperatorNote, error) {
	var n OperatorNote
	if err := q.Get(ctx, &n, `SELECT id, beneficiary_id, operator_id, tutor_id, body, created_at FROM operator_notes WHERE id = ?`, id); err != nil {
		return n, fmt.Errorf("operator note %d: %w", id, err)
	}
	return n, nil
}
