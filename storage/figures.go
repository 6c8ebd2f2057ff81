package storage

import (
	"context"
	"fmt"
)

// Figures are the project's numbers for /stats, of one territory or all.
type Figures struct {
	Beneficiaries map[string]int // by status (invited, active, closed); erased people are not counted
	Steps         []StepCount    // plan steps of non-erased beneficiaries, by area and status
	Enrolments    int            // enrolments in sessions that were not cancelled
	Present       int            // attendance recorded as present
	Absent        int            // attendance recorded as absent
	Interests     []InterestCount
	OpenLeads     map[string]int // open leads by kind
}

// StepCount is how many plan steps are in an area and status.
type StepCount struct {
	Area   string `db:"area"`
	Status string `db:"status"`
	N      int    `db:"n"`
}

// InterestCount is the interest shown in leads of a kind: how many interests, from how many
// people.
type InterestCount struct {
	Kind   string `db:"kind"`
	N      int    `db:"n"`
	People int    `db:"people"`
}

// territoryClause filters on a beneficiaries or sessions alias when territory is set.
func territoryClause(alias, territory string, args []any) (string, []any) {
	if territory == "" {
		return "", args
	}
	return ` AND ` + alias + `.territory = ?`, append(args, territory)
}

// StepCounts counts the plan steps of non-erased beneficiaries by area and status, of one
// territory when set: the chart of /stats and the desk's figures, which needs nothing else.
func StepCounts(ctx context.Context, q Queryer, territory string) ([]StepCount, error) {
	where, args := territoryClause("b", territory, nil)
	var out []StepCount
	if err := q.Select(ctx, &out, `SELECT s.area, s.status, COUNT(*) AS n FROM plan_steps s
JOIN beneficiaries b ON b.id = s.beneficiary_id WHERE b.status <> 'erased'`+where+` GROUP BY s.area, s.status ORDER BY s.area, s.status`,
		args...); err != nil {
		return nil, fmt.Errorf("figures: steps: %w", err)
	}
	return out, nil
}

// ProjectFigures counts beneficiaries, plan steps, lab attendance and lead interest, of one
// territory when territory is set.
func ProjectFigures(ctx context.Context, q Queryer, territory string) (Figures, error) {
	f := Figures{Beneficiaries: map[string]int{}, OpenLeads: map[string]int{}}
	var byStatus []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	where, args := territoryClause("b", territory, nil)
	if err := q.Select(ctx, &byStatus, `SELECT b.status, COUNT(*) AS n FROM beneficiaries b WHERE b.status <> 'erased'`+where+
		` GROUP BY b.status`, args...); err != nil {
		return f, fmt.Errorf("figures: beneficiaries: %w", err)
	}
	for _, r := range byStatus {
		f.Beneficiaries[r.Status] = r.N
	}
	var err error
	if f.Steps, err = StepCounts(ctx, q, territory); err != nil {
		return f, err
	}
	swhere, sargs := territoryClause("s", territory, nil)
	var att struct {
		Enrolments int `db:"enrolments"`
		Present    int `db:"present"`
		Absent     int `db:"absent"`
	}
	if err := q.Get(ctx, &att, `SELECT COUNT(*) AS enrolments,
COALESCE(SUM(CASE WHEN e.attendance = 'present' THEN 1 ELSE 0 END), 0) AS present,
COALESCE(SUM(CASE WHEN e.attendance = 'absent' THEN 1 ELSE 0 END), 0) AS absent
FROM enrolments e JOIN lab_sessions s ON s.id = e.session_id WHERE s.status <> 'cancelled'`+swhere, sargs...); err != nil {
		return f, fmt.Errorf("figures: attendance: %w", err)
	}
	f.Enrolments, f.Present, f.Absent = att.Enrolments, att.Present, att.Absent
	lwhere, largs := territoryClause("l", territory, nil)
	if err := q.Select(ctx, &f.Interests, `SELECT l.kind, COUNT(*) AS n, COUNT(DISTINCT i.beneficiary_id) AS people
FROM lead_interests i JOIN leads l ON l.id = i.lead_id WHERE 1=1`+lwhere+` GROUP BY l.kind ORDER BY l.kind`, largs...); err != nil {
		return f, fmt.Errorf("figures: interest: %w", err)
	}
	var open []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	if err := q.Select(ctx, &open, `SELECT l.kind, COUNT(*) AS n FROM leads l WHERE l.status = 'open'`+lwhere+` GROUP BY l.kind`, largs...); err != nil {
		return f, fmt.Errorf("figures: open leads: %w", err)
	}
	for _, r := range open {
		f.OpenLeads[r.Kind] = r.N
	}
	return f, nil
}
