package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// CaseFigures are the lifecycle and outcome figures of /stats, of one territory or all.
type CaseFigures struct {
	ClosedByReason map[string]int // closed cases by the reason of their last closing
	FirstOutcomes  []FirstOutcome // each person's first valid housing and work outcome
	ByTerritory    []TerritoryCount
}

// FirstOutcome is a person's first valid outcome of a kind, with when they onboarded.
type FirstOutcome struct {
	Kind        string       `db:"kind"`
	FirstOn     string       `db:"first_on"`
	OnboardedAt sql.NullTime `db:"onboarded_at"`
}

// TerritoryCount is how many people of a territory have a status.
type TerritoryCount struct {
	Territory string `db:"territory"`
	Status    string `db:"status"`
	N         int    `db:"n"`
}

// ProjectCaseFigures reads the lifecycle and outcome figures, of one territory when set.
func ProjectCaseFigures(ctx context.Context, q Queryer, territory string) (CaseFigures, error) {
	f := CaseFigures{ClosedByReason: map[string]int{}}
	where, args := territoryClause("b", territory, nil)
	var reasons []struct {
		Reason sql.NullString `db:"reason"`
		N      int            `db:"n"`
	}
	if err := q.Select(ctx, &reasons, `SELECT e.reason, COUNT(*) AS n FROM beneficiaries b JOIN case_events e ON e.beneficiary_id = b.id
WHERE b.status = 'closed' AND e.kind = 'closed'
AND e.id = (SELECT MAX(x.id) FROM case_events x WHERE x.beneficiary_id = b.id AND x.kind = 'closed')`+where+` GROUP BY e.reason`, args...); err != nil {
		return f, fmt.Errorf("figures: closed by reason: %w", err)
	}
	for _, r := range reasons {
		f.ClosedByReason[r.Reason.String] = r.N
	}
	if err := q.Select(ctx, &f.FirstOutcomes, `SELECT o.kind, MIN(o.occurred_on) AS first_on, b.onboarded_at
FROM outcomes o JOIN beneficiaries b ON b.id = o.beneficiary_id
WHERE o.status = 'valid' AND o.kind IN ('housing', 'work') AND b.status <> 'erased'`+where+`
GROUP BY b.id, b.onboarded_at, o.kind`, args...); err != nil {
		return f, fmt.Errorf("figures: first outcomes: %w", err)
	}
	if err := q.Select(ctx, &f.ByTerritory, `SELECT b.territory, b.status, COUNT(*) AS n FROM beneficiaries b
WHERE b.status IN ('active', 'closed')`+where+` GROUP BY b.territory, b.status ORDER BY b.territory`, args...); err != nil {
		return f, fmt.Errorf("figures: by territory: %w", err)
	}
	return f, nil
}
