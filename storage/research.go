package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ResearchPerson is a beneficiary who gave the research consent, with only what the research
// dataset may hold: no name, code, contact or free text.
type ResearchPerson struct {
	ID          int64        `db:"id"`
	Territory   string       `db:"territory"`
	Lang        string       `db:"lang"`
	Status      string       `db:"status"`
	CreatedAt   time.Time    `db:"created_at"`
	OnboardedAt sql.NullTime `db:"onboarded_at"`
	ClosedAt    sql.NullTime `db:"closed_at"`
}

// ResearchSteps counts one person's plan steps in an area and status, and how many of them
// are overdue.
type ResearchSteps struct {
	BeneficiaryID int64  `db:"beneficiary_id"`
	Area          string `db:"area"`
	Status        string `db:"status"`
	N             int    `db:"n"`
	Overdue       int    `db:"overdue"`
}

// ResearchLabs counts one person's enrolments in sessions that were not cancelled.
type ResearchLabs struct {
	BeneficiaryID int64 `db:"beneficiary_id"`
	Enrolled      int   `db:"enrolled"`
	Present       int   `db:"present"`
	Absent        int   `db:"absent"`
	RSVPNo        int   `db:"rsvp_no"`
}

// ResearchInterest counts one person's interests in leads of a kind.
type ResearchInterest struct {
	BeneficiaryID int64  `db:"beneficiary_id"`
	Kind          string `db:"kind"`
	N             int    `db:"n"`
}

// ResearchAssessment is one person's first and latest self-assessment scores of a question
// (NULL when they never gave a score, only "prefer not to say").
type ResearchAssessment struct {
	BeneficiaryID int64         `db:"beneficiary_id"`
	Question      int           `db:"question"`
	First         sql.NullInt64 `db:"first"`
	Latest        sql.NullInt64 `db:"latest"`
}

// ResearchData is everything the research dataset is built from.
type ResearchData struct {
	People      []ResearchPerson
	Steps       []ResearchSteps
	Labs        []ResearchLabs
	Interests   []ResearchInterest
	Assessments []ResearchAssessment
}

// consenting selects the beneficiaries in the research dataset: research consent given, not
// erased, of one territory when set.
const consenting = `SELECT id FROM beneficiaries WHERE consent_research_at IS NOT NULL AND status <> 'erased'`

// LoadResearchData reads the research dataset's source of one territory (or all when
// territory is empty). today (YYYY-MM-DD) decides which steps are overdue.
func LoadResearchData(ctx context.Context, q Queryer, territory, today string) (ResearchData, error) {
	var d ResearchData
	scope := consenting
	var args []any
	if territory != "" {
		scope += ` AND territory = ?`
		args = append(args, territory)
	}
	if err := q.Select(ctx, &d.People, `SELECT id, territory, lang, status, created_at, onboarded_at, closed_at FROM beneficiaries
WHERE id IN (`+scope+`) ORDER BY id`, args...); err != nil {
		return d, fmt.Errorf("research people: %w", err)
	}
	if err := q.Select(ctx, &d.Steps, `SELECT beneficiary_id, area, status, COUNT(*) AS n,
COALESCE(SUM(CASE WHEN due_date IS NOT NULL AND due_date < ? AND status <> 'done' THEN 1 ELSE 0 END), 0) AS overdue
FROM plan_steps WHERE beneficiary_id IN (`+scope+`) GROUP BY beneficiary_id, area, status`, append([]any{today}, args...)...); err != nil {
		return d, fmt.Errorf("research steps: %w", err)
	}
	if err := q.Select(ctx, &d.Labs, `SELECT e.beneficiary_id, COUNT(*) AS enrolled,
COALESCE(SUM(CASE WHEN e.attendance = 'present' THEN 1 ELSE 0 END), 0) AS present,
COALESCE(SUM(CASE WHEN e.attendance = 'absent' THEN 1 ELSE 0 END), 0) AS absent,
COALESCE(SUM(CASE WHEN e.rsvp = 'no' THEN 1 ELSE 0 END), 0) AS rsvp_no
FROM enrolments e JOIN lab_sessions s ON s.id = e.session_id
WHERE s.status <> 'cancelled' AND e.beneficiary_id IN (`+scope+`) GROUP BY e.beneficiary_id`, args...); err != nil {
		return d, fmt.Errorf("research labs: %w", err)
	}
	if err := q.Select(ctx, &d.Interests, `SELECT i.beneficiary_id, l.kind, COUNT(*) AS n
FROM lead_interests i JOIN leads l ON l.id = i.lead_id WHERE i.beneficiary_id IN (`+scope+`) GROUP BY i.beneficiary_id, l.kind`,
		args...); err != nil {
		return d, fmt.Errorf("research interests: %w", err)
	}
	if err := q.Select(ctx, &d.Assessments, `WITH s AS (
SELECT r.beneficiary_id, a.question, a.score,
ROW_NUMBER() OVER (PARTITION BY r.beneficiary_id, a.question ORDER BY r.started_at, r.id) AS first_n,
ROW_NUMBER() OVER (PARTITION BY r.beneficiary_id, a.question ORDER BY r.started_at DESC, r.id DESC) AS last_n
FROM assessment_answers a JOIN assessment_rounds r ON r.id = a.round_id
WHERE a.score IS NOT NULL AND r.beneficiary_id IN (`+scope+`))
SELECT beneficiary_id, question, MAX(CASE WHEN first_n = 1 THEN score END) AS first, MAX(CASE WHEN last_n = 1 THEN score END) AS latest
FROM s GROUP BY beneficiary_id, question`, args...); err != nil {
		return d, fmt.Errorf("research self-assessment: %w", err)
	}
	return d, nil
}
