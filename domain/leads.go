package domain

import (
	"context"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// CanSeeLead is the rule for which leads (housing, jobs) a person may see: a beneficiary
// those of their territory; staff those of the territories they may use.
func (a Actor) CanSeeLead(l storage.Lead) bool {
	switch {
	case a.Beneficiary != nil:
		return l.Territory == a.Beneficiary.Territory
	case a.Staff != nil:
		return a.CanUseTerritory(l.Territory)
	}
	return false
}

// RecordLeadInterest records a beneficiary's interest in a lead once and alerts their tutor
// once (detail is the lead's title as the alert shows it). added is false when they had
// already said so. A lead outside their territory is refused (ErrDenied, audited).
func (s *Service) RecordLeadInterest(ctx context.Context, q storage.Queryer, now time.Time, a Actor, l storage.Lead, detail string) (added bool, err error) {
	if a.Beneficiary == nil || !a.CanSeeLead(l) {
		return false, s.refused(ctx, q, now, a, "lead interest", "lead", strconv.FormatInt(l.ID, 10))
	}
	b := *a.Beneficiary
	added, err = storage.AddInterest(ctx, q, l.ID, b.ID, now)
	if err != nil || !added {
		return false, err
	}
	return true, s.alertTutor(ctx, q, now, b, storage.AlertLeadInterest, LeadInterestText(l.Kind), l.ID, detail)
}

// LeadInterestText is the message id of a tutor's alert about interest in a lead of kind: a
// job lead's carries 💼, a housing lead's 🏠.
func LeadInterestText(kind string) string {
	if kind == storage.LeadJob {
		return "alert.lead_interest_job"
	}
	return "alert.lead_interest"
}
