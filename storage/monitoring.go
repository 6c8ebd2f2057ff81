package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MonitoringCount is one count of the monitoring export: a territory ("" for staff without
// one), a key within a measure, and how many.
type MonitoringCount struct {
	Territory string `db:"territory"`
	Key       string `db:"k"`
	N         int    `db:"n"`
}

// MonitoringData holds the counts of the funder's monitoring export, per territory; the
// modules held over every territory come apart, since a module held in two territories is one.
type MonitoringData struct {
	People     []MonitoringCount // key: invited, active, closed
	Closed     []MonitoringCount // key: exit reason of the last closing ("" when none recorded)
	Outcomes   []MonitoringCount // key: outcome kind; n: people with a valid outcome of it
	Modules    []MonitoringCount // key: ""; n: distinct modules of beneficiaries' labs with a past non-cancelled session
	AllModules int
	Present    []MonitoringCount // key: ""; n: present attendances at non-cancelled sessions
	Operators  []MonitoringCount // key: ""; n: active operators
	// Trained: key ""; n: distinct operators present at a started, non-cancelled session of an
	// operators' lab, per the session's territory; AllTrained counts them once over all.
	Trained    []MonitoringCount
	AllTrained int
}

// beneficiaryLabs limits sessions (s) to those of beneficiaries' labs: the modules held are the
// LabIn labs'; the operators' residential labs count as operators trained.
const beneficiaryLabs = ` JOIN lab_modules bm ON bm.id = s.module_id JOIN labs bl ON bl.id = bm.lab_id AND bl.audience = 'beneficiaries'`

// LoadMonitoring reads the monitoring counts, of one territory when set, as of now. No row is
// about a person: every query groups.
func LoadMonitoring(ctx context.Context, q Queryer, territory string, now time.Time) (MonitoringData, error) {
	var d MonitoringData
	bWhere, bArgs := territoryClause("b", territory, nil)
	sWhere, sArgs := territoryClause("s", territory, []any{now})
	oWhere, oArgs := territoryClause("st", territory, nil)
	queries := []struct {
		what string
		dest *[]MonitoringCount
		sql  string
		args []any
	}{
		{"people", &d.People, `SELECT b.territory, b.status AS k, COUNT(*) AS n FROM beneficiaries b
WHERE b.status IN ('invited', 'active', 'closed')` + bWhere + ` GROUP BY b.territory, b.status`, bArgs},
		{"closed", &d.Closed, `SELECT b.territory, COALESCE(e.reason, '') AS k, COUNT(*) AS n FROM beneficiaries b
LEFT JOIN case_events e ON e.beneficiary_id = b.id AND e.kind = 'closed'
AND e.id = (SELECT MAX(x.id) FROM case_events x WHERE x.beneficiary_id = b.id AND x.kind = 'closed')
WHERE b.status = 'closed'` + bWhere + ` GROUP BY b.territory, COALESCE(e.reason, '')`, bArgs},
		{"outcomes", &d.Outcomes, `SELECT b.territory, o.kind AS k, COUNT(DISTINCT b.id) AS n FROM outcomes o
JOIN beneficiaries b ON b.id = o.beneficiary_id
WHERE o.status = 'valid' AND b.status <> 'erased'` + bWhere + ` GROUP BY b.territory, o.kind`, bArgs},
		{"modules", &d.Modules, `SELECT s.territory, '' AS k, COUNT(DISTINCT s.module_id) AS n FROM lab_sessions s` + beneficiaryLabs + `
WHERE s.status <> 'cancelled' AND s.starts_at < ?` + sWhere + ` GROUP BY s.territory`, sArgs},
		{"attendance", &d.Present, `SELECT s.territory, '' AS k, COUNT(*) AS n FROM enrolments en
JOIN lab_sessions s ON s.id = en.session_id
WHERE s.status <> 'cancelled' AND en.attendance = 'present' AND s.starts_at < ?` + sWhere + ` GROUP BY s.territory`, sArgs},
		{"trained", &d.Trained, `SELECT s.territory, '' AS k, COUNT(DISTINCT e.staff_id) AS n FROM operator_enrolments e
JOIN lab_sessions s ON s.id = e.session_id
WHERE s.status <> 'cancelled' AND e.attendance = 'present' AND s.starts_at < ?` + sWhere + ` GROUP BY s.territory`, sArgs},
		{"operators", &d.Operators, `SELECT COALESCE(st.territory, '') AS territory, '' AS k, COUNT(*) AS n FROM staff st
WHERE st.role = 'operator' AND st.status = 'active'` + oWhere + ` GROUP BY COALESCE(st.territory, '')`, oArgs},
	}
	for _, qq := range queries {
		if err := q.Select(ctx, qq.dest, qq.sql, qq.args...); err != nil {
			return d, fmt.Errorf("monitoring: %s: %w", qq.what, err)
		}
	}
	var all sql.NullInt64
	if err := q.Get(ctx, &all, `SELECT COUNT(DISTINCT s.module_id) FROM lab_sessions s`+beneficiaryLabs+`
WHERE s.status <> 'cancelled' AND s.starts_at < ?`+sWhere, sArgs...); err != nil {
		return d, fmt.Errorf("monitoring: modules held: %w", err)
	}
	d.AllModules = int(all.Int64)
	var trained sql.NullInt64
	if err := q.Get(ctx, &trained, `SELECT COUNT(DISTINCT e.staff_id) FROM operator_enrolments e JOIN lab_sessions s ON s.id = e.session_id
WHERE s.status <> 'cancelled' AND e.attendance = 'present' AND s.starts_at < ?`+sWhere, sArgs...); err != nil {
		return d, fmt.Errorf("monitoring: operators trained: %w", err)
	}
	d.AllTrained = int(trained.Int64)
	return d, nil
}
