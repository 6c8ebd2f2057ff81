package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// The desk's reads, one small function per thing a page shows: handlers call these and never
// SQL. Changes go through the domain functions the chat calls (issue 11's domain layer), never
// through here.

// maxHomeAlerts is how many open alerts Home lists (newest first); the count says how many
// there are in all.
const maxHomeAlerts = 50

// caseloadScope is whose people a staff member's caseload figures count: a tutor's own, a
// coordinator's territory (every territory when they have none), an admin's everyone.
func caseloadScope(s storage.Staff) storage.CaseloadFilter {
	switch s.Role {
	case storage.RoleTutor:
		return storage.CaseloadFilter{TutorID: s.ID}
	case storage.RoleCoordinator:
		return storage.CaseloadFilter{Territory: s.Territory.String}
	case storage.RoleAdmin:
		return storage.CaseloadFilter{}
	}
	// A role this desk does not know yet sees no one rather than everyone.
	return storage.CaseloadFilter{TutorID: -1}
}

// homeData is what Home shows.
type homeData struct {
	Alerts      []storage.Alert // the newest open alerts, newest first
	AlertsTotal int             // open alerts in all
	Caseload    storage.CaseloadTotals
	Scope       storage.CaseloadFilter
	// TerritoryName names Scope.Territory ("" when it is empty).
	TerritoryName string
}

// loadHome reads a staff member's open alerts and caseload figures, with "overdue" meaning
// before today in loc.
func loadHome(ctx context.Context, q storage.Queryer, s storage.Staff, now time.Time, loc *time.Location) (homeData, error) {
	var h homeData
	alerts, err := storage.OpenAlerts(ctx, q, s.ID)
	if err != nil {
		return h, err
	}
	h.AlertsTotal = len(alerts)
	for i := len(alerts) - 1; i >= 0 && len(h.Alerts) < maxHomeAlerts; i-- {
		h.Alerts = append(h.Alerts, alerts[i])
	}
	h.Scope = caseloadScope(s)
	if h.Caseload, err = storage.CaseloadSummary(ctx, q, h.Scope, now.In(loc).Format("2006-01-02")); err != nil {
		return h, err
	}
	if h.Scope.Territory != "" {
		t, err := storage.TerritoryByCode(ctx, q, h.Scope.Territory)
		if err != nil {
			return h, fmt.Errorf("territory of staff %d: %w", s.ID, err)
		}
		h.TerritoryName = t.Name
	}
	return h, nil
}
