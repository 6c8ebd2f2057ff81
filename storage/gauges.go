package storage

import (
	"context"
	"fmt"
)

// Gauges are the project's health in a few numbers, for /metrics: each is one cheap query
// (an index range, never a scan of a table that only grows).
type Gauges struct {
	Beneficiaries []BeneficiaryCount // by territory and status; erased people are not counted
	OpenAlerts    map[string]int     // alerts not handled yet, by kind
	Reminders     int                // reminders waiting to be sent
}

// BeneficiaryCount is how many beneficiaries of a territory are in a status.
type BeneficiaryCount struct {
	Territory string `db:"territory"`
	Status    string `db:"status"`
	N         int    `db:"n"`
}

// beneficiaryGauge reads the (territory, status) index.
const beneficiaryGauge = `SELECT territory, status, COUNT(*) AS n FROM beneficiaries
WHERE status <> 'erased' GROUP BY territory, status ORDER BY territory, status`

// openAlertsGauge reads the partial index of unhandled alerts (alerts_unhandled).
const openAlertsGauge = `SELECT kind, COUNT(*) AS n FROM alerts WHERE handled_at IS NULL GROUP BY kind`

// pendingRemindersGauge reads the pending range of the (status, due_at) index.
const pendingRemindersGauge = `SELECT COUNT(*) FROM reminders WHERE status = 'pending'`

// ReadGauges reads the gauges.
func ReadGauges(ctx context.Context, q Queryer) (Gauges, error) {
	g := Gauges{OpenAlerts: map[string]int{}}
	if err := q.Select(ctx, &g.Beneficiaries, beneficiaryGauge); err != nil {
		return g, fmt.Errorf("gauges: beneficiaries: %w", err)
	}
	var alerts []struct {
		Kind string `db:"kind"`
		N    int    `db:"n"`
	}
	if err := q.Select(ctx, &alerts, openAlertsGauge); err != nil {
		return g, fmt.Errorf("gauges: alerts: %w", err)
	}
	for _, a := range alerts {
		g.OpenAlerts[a.Kind] = a.N
	}
	if err := q.Get(ctx, &g.Reminders, pendingRemindersGauge); err != nil {
		return g, fmt.Errorf("gauges: reminders: %w", err)
	}
	return g, nil
}
