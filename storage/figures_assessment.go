package storage

import (
	"context"
	"fmt"
)

// AssessmentChange is one self-assessment question's change across people who answered it
// with a score in two rounds or more: their first and their latest scores, averaged.
type AssessmentChange struct {
	Question int     `db:"question"`
	People   int     `db:"people"`
	First    float64 `db:"first"`
	Latest   float64 `db:"latest"`
}

const assessmentChanges = `WITH s AS (
SELECT r.beneficiary_id AS person, a.question AS question, a.score AS score,
ROW_NUMBER() OVER (PARTITION BY r.beneficiary_id, a.question ORDER BY r.started_at, r.id) AS first_n,
ROW_NUMBER() OVER (PARTITION BY r.beneficiary_id, a.question ORDER BY r.started_at DESC, r.id DESC) AS last_n,
COUNT(*) OVER (PARTITION BY r.beneficiary_id, a.question) AS answers
FROM assessment_answers a
JOIN assessment_rounds r ON r.id = a.round_id
JOIN beneficiaries b ON b.id = r.beneficiary_id
WHERE a.score IS NOT NULL AND b.status <> 'erased' AND (? = '' OR b.territory = ?))
SELECT question, COUNT(DISTINCT person) AS people,
AVG(CASE WHEN first_n = 1 THEN score * 1.0 END) AS first,
AVG(CASE WHEN last_n = 1 THEN score * 1.0 END) AS latest
FROM s WHERE answers >= 2 GROUP BY question ORDER BY question`

// AssessmentChanges gives, per question, the change between people's first and latest
// self-assessment scores in a territory ("" for all), only where at least minPeople people
// answered twice or more (smaller groups would say too much about someone).
func AssessmentChanges(ctx context.Context, q Queryer, territory string, minPeople int) ([]AssessmentChange, error) {
	var all []AssessmentChange
	if err := q.Select(ctx, &all, assessmentChanges, territory, territory); err != nil {
		return nil, fmt.Errorf("assessment changes: %w", err)
	}
	var out []AssessmentChange
	for _, c := range all {
		if c.People >= minPeople {
			out = append(out, c)
		}
	}
	return out, nil
}
