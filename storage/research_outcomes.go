package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// ResearchOutcome counts one person's valid outcomes of a kind and gives the first one's date.
type ResearchOutcome struct {
	BeneficiaryID int64  `db:"beneficiary_id"`
	Kind          string `db:"kind"`
	N             int    `db:"n"`
	FirstOn       string `db:"first_on"`
}

// ResearchClosing is the exit reason of a closed case (its last closing).
type ResearchClosing struct {
	BeneficiaryID int64          `db:"beneficiary_id"`
	Reason        sql.NullString `db:"reason"`
}

// LoadResearchOutcomes reads the outcomes and exit reasons of the research dataset's people (of
// one territory, or all when territory is empty): no note, no free text.
func LoadResearchOutcomes(ctx context.Context, q Queryer, territory string) ([]ResearchOutcome, []ResearchClosing, error) {
	scope := consenting
	var args []any
	if territory != "" {
		scope += ` AND territory = ?`
		args = append(args, territory)
	}
	var outs []ResearchOutcome
	if err := q.Select(ctx, &outs, `SELECT beneficiary_id, kind, COUNT(*) AS n, MIN(occurred_on) AS first_on FROM outcomes
WHERE status = 'valid' AND beneficiary_id IN (`+scope+`) GROUP BY beneficiary_id, kind`, args...); err != nil {
		return nil, nil, fmt.Errorf("research outcomes: %w", err)
	}
	var closings []ResearchClosing
	if err := q.Select(ctx, &closings, `SELECT b.id AS beneficiary_id, e.reason FROM beneficiaries b JOIN case_events e ON e.beneficiary_id = b.id
WHERE b.status = 'closed' AND e.kind = 'closed' AND e.id = (SELECT MAX(x.id) FROM case_events x WHERE x.beneficiary_id = b.id AND x.kind = 'closed')
AND b.id IN (`+scope+`)`, args...); err != nil {
		return nil, nil, fmt.Errorf("research closings: %w", err)
	}
	return outs, closings, nil
}
