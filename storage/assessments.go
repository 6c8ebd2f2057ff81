package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The self-assessment: AssessmentQuestions questions a round, each answered with a score of
// 1 to 5 or declined ("prefer not to say", score NULL).

// AssessmentQuestions is how many questions a round asks.
const AssessmentQuestions = 5

// Reasons a round is asked for.
const (
	AssessmentOnboarding = "onboarding"
	AssessmentPeriodic   = "periodic"
	AssessmentClosing    = "closing"
)

// ReminderAssessment asks a beneficiary a self-assessment round (scheduler).
const ReminderAssessment = "assessment"

// AssessmentRound is one asking of the questions.
type AssessmentRound struct {
	ID            int64        `db:"id"`
	BeneficiaryID int64        `db:"beneficiary_id"`
	Reason        string       `db:"reason"`
	StartedAt     time.Time    `db:"started_at"`
	FinishedAt    sql.NullTime `db:"finished_at"`
	SkippedAt     sql.NullTime `db:"skipped_at"`
}

// Open tells whether the round still takes answers.
func (r AssessmentRound) Open() bool { return !r.FinishedAt.Valid && !r.SkippedAt.Valid }

// StartAssessmentRound opens a round; earlier rounds still open are closed as skipped (a new
// asking replaces one left unanswered).
func StartAssessmentRound(ctx context.Context, q Queryer, beneficiaryID int64, reason string, now time.Time) (AssessmentRound, error) {
	if _, err := q.Exec(ctx, `UPDATE assessment_rounds SET skipped_at = ? WHERE beneficiary_id = ? AND finished_at IS NULL AND skipped_at IS NULL`,
		now, beneficiaryID); err != nil {
		return AssessmentRound{}, fmt.Errorf("close open rounds: %w", err)
	}
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO assessment_rounds (beneficiary_id, reason, started_at) VALUES (?, ?, ?) RETURNING id`,
		beneficiaryID, reason, now); err != nil {
		return AssessmentRound{}, fmt.Errorf("start assessment round: %w", err)
	}
	return AssessmentRoundByID(ctx, q, id)
}

// AssessmentRoundByID finds a round.
func AssessmentRoundByID(ctx context.Context, q Queryer, id int64) (AssessmentRound, error) {
	var r AssessmentRound
	if err := q.Get(ctx, &r, `SELECT id, beneficiary_id, reason, started_at, finished_at, skipped_at FROM assessment_rounds WHERE id = ?`, id); err != nil {
		return r, fmt.Errorf("assessment round %d: %w", id, err)
	}
	return r, nil
}

// CountAssessmentRounds counts a beneficiary's rounds.
func CountAssessmentRounds(ctx context.Context, q Queryer, beneficiaryID int64) (int, error) {
	var n int
	err := q.Get(ctx, &n, `SELECT COUNT(*) FROM assessment_rounds WHERE beneficiary_id = ?`, beneficiaryID)
	return n, err
}

// AnswerAssessment records the answer to one question of an open round, once: false when the
// question was answered already or the round is no longer open (a second tap, an old message).
// score 0 is "prefer not to say".
func AnswerAssessment(ctx context.Context, q Queryer, roundID int64, question, score int, now time.Time) (bool, error) {
	var s sql.NullInt64
	if score > 0 {
		s = sql.NullInt64{Int64: int64(score), Valid: true}
	}
	n, err := execCount(ctx, q, `INSERT INTO assessment_answers (round_id, question, score, answered_at)
SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM assessment_rounds WHERE id = ? AND finished_at IS NULL AND skipped_at IS NULL)
AND NOT EXISTS (SELECT 1 FROM assessment_answers WHERE round_id = ? AND question = ?)`,
		roundID, question, s, now, roundID, roundID, question)
	if err != nil {
		return false, fmt.Errorf("answer assessment: %w", err)
	}
	return n == 1, nil
}

// EndAssessmentRound closes an open round as finished (skipped false) or skipped.
func EndAssessmentRound(ctx context.Context, q Queryer, roundID int64, skipped bool, now time.Time) (bool, error) {
	column := "finished_at"
	if skipped {
		column = "skipped_at"
	}
	n, err := execCount(ctx, q, `UPDATE assessment_rounds SET `+column+` = ? WHERE id = ? AND finished_at IS NULL AND skipped_at IS NULL`, now, roundID)
	return n == 1, err
}

// SetNextAssessment plans (or, with a zero time, unplans) a beneficiary's next round.
func SetNextAssessment(ctx context.Context, q Queryer, beneficiaryID int64, at time.Time) error {
	_, err := q.Exec(ctx, `UPDATE beneficiaries SET next_assessment_at = ? WHERE id = ?`, nullTime(at), beneficiaryID)
	return err
}

// AssessmentDue is a beneficiary whose next round is due.
type AssessmentDue struct {
	ID  int64     `db:"id"`
	Due time.Time `db:"next_assessment_at"`
}

// DueAssessments lists up to limit active beneficiaries with the research consent whose next
// round is due at now.
func DueAssessments(ctx context.Context, q Queryer, now time.Time, limit int) ([]AssessmentDue, error) {
	var out []AssessmentDue
	if err := q.Select(ctx, &out, `SELECT id, next_assessment_at FROM beneficiaries WHERE next_assessment_at <= ?
AND status = 'active' AND consent_research_at IS NOT NULL ORDER BY next_assessment_at LIMIT ?`, now, limit); err != nil {
		return nil, fmt.Errorf("due assessments: %w", err)
	}
	return out, nil
}

// MoveNextAssessment moves a due round's time to next, only if it is still from (another
// replica's sweep has not moved it): false when it had.
func MoveNextAssessment(ctx context.Context, q Queryer, beneficiaryID int64, from, next time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE beneficiaries SET next_assessment_at = ? WHERE id = ? AND next_assessment_at = ?`, next, beneficiaryID, from)
	return n == 1, err
}
