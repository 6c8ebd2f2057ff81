package desk

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/storage"
)

// homeView is Home as its template shows it.
type homeView struct {
	CaseloadTitle string
	Caseload      storage.CaseloadTotals
	Alerts        []alertRow
	AlertsTotal   int
	More          bool // not every open alert is listed
	ReplyMax      int
	// ShowAlerts: the staff member follows cases and gets alerts (an operator does not).
	ShowAlerts bool
}

// alertRow is one open alert.
type alertRow struct {
	ID   int64
	Code string
	What string
	Text string // what the person wrote, for a "wrote you a message" alert ("" when gone)
	When string // in the staff member's language and BOT_TIMEZONE
	At   string // machine-readable (UTC), for <time datetime>
}

// home is the staff member's start page: their open alerts and their caseload's figures; for
// an operator, the figures of their reception centre's people and no alerts.
func (d *Desk) home(w http.ResponseWriter, r *Request) error {
	h, err := loadHome(r.Context(), d.cfg.DB, r.Staff, r.Now, d.cfg.Location)
	if err != nil {
		return err
	}
	v := homeView{Caseload: h.Caseload, AlertsTotal: h.AlertsTotal, More: len(h.Alerts) < h.AlertsTotal, ReplyMax: replyMax,
		ShowAlerts: !isOperator(r.Staff)}
	switch {
	case isOperator(r.Staff):
		v.CaseloadTitle, err = d.centreTitle(r)
		if err != nil {
			return err
		}
	case h.Scope.TutorID != 0:
		v.CaseloadTitle = r.L.T("desk.home.caseload_mine")
	case h.Scope.Territory != "":
		v.CaseloadTitle = r.L.T("desk.home.caseload_territory", "Territory", h.TerritoryName)
	default:
		v.CaseloadTitle = r.L.T("desk.home.caseload_all")
	}
	for _, a := range h.Alerts {
		at := a.CreatedAt.In(d.cfg.Location)
		v.Alerts = append(v.Alerts, alertRow{ID: a.ID, Code: a.Code, What: alertText(r, a.Kind), Text: shorten(h.Messages[a.ID].Body, homeMessageRunes),
			When: r.L.DateTime(at), At: a.CreatedAt.UTC().Format(time.RFC3339)})
	}
	return d.render(w, r, http.StatusOK, "home", r.L.T("desk.home.title"), v)
}

// centreTitle names an operator's people: those of their reception centre.
func (d *Desk) centreTitle(r *Request) (string, error) {
	name, err := centreName(r.Context(), d.cfg.DB, r.Staff)
	if err != nil || name == "" {
		return r.L.T("desk.op.no_centre"), err
	}
	return r.L.T("desk.op.caseload_centre", "Centre", name), nil
}

// homeMessageRunes is how much of a message Home shows; the person's page shows it whole.
const homeMessageRunes = 500

// shorten cuts s after n characters, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// alertText says what an alert is about, in words; a kind this desk does not know yet reads
// "needs your attention".
func alertText(r *Request, kind string) string {
	switch kind {
	case storage.AlertStepHelp, storage.AlertStepDone, storage.AlertLeadInterest, storage.AlertRSVPNo, storage.AlertAbsent,
		storage.AlertMessage, storage.AlertBlocked, storage.AlertErased, storage.AlertStepOverdue, storage.AlertInactive,
		storage.AlertOnboarded, storage.AlertConsentChange:
		return r.L.T("desk.alert." + kind)
	case storage.AlertProposal, storage.AlertOperatorNote:
		return r.L.T("desk.op.alert_" + kind)
	}
	return r.L.T("desk.alert.unknown")
}
