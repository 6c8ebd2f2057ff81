package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// StaffRow is a staff member as the desk's Staff page lists them: with their reception
// centre's name (operators) and how many open cases (invited or active) they follow.
type StaffRow struct {
	Staff
	CentreName sql.NullString `db:"centre_name"`
	OpenCases  int            `db:"open_cases"`
}

const staffRoster = `SELECT s.id, s.display_name, s.role, s.territory, s.lang, s.status, s.centre_id, s.created_at,
c.name AS centre_name,
(SELECT COUNT(*) FROM beneficiaries b WHERE b.tutor_id = s.id AND b.status IN ('invited', 'active')) AS open_cases
FROM staff s LEFT JOIN centres c ON c.id = s.centre_id`

// StaffRoster lists the staff of a territory (everyone when territory is empty): active and
// pending first, then deactivated; by role, name and id within each.
func StaffRoster(ctx context.Context, q Queryer, territory string) ([]StaffRow, error) {
	query, args := staffRoster, []any{}
	if territory != "" {
		query += ` WHERE s.territory = ?`
		args = append(args, territory)
	}
	query += ` ORDER BY CASE WHEN s.status = 'disabled' THEN 1 ELSE 0 END, s.role, s.display_name, s.id`
	var out []StaffRow
	if err := q.Select(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("staff roster: %w", err)
	}
	return out, nil
}

// CentresIn lists a territory's reception centres by name.
func CentresIn(ctx context.Context, q Queryer, territory string) ([]Centre, error) {
	var out []Centre
	if err := q.Select(ctx, &out, `SELECT id, territory, name, created_at FROM centres WHERE territory = ? ORDER BY name, id`, territory); err != nil {
		return nil, fmt.Errorf("centres of %s: %w", territory, err)
	}
	return out, nil
}
