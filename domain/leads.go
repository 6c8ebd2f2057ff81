package domain

import (
	"context"
	"errors"
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

// Staff's changes to leads: publish, edit, close and reopen, each in a territory the staff
// member may use (CanUseTerritory), audited, in the caller's transaction. The chat's /lead and
// the desk's Leads page call these.

// Lead audit actions (the chat's commands, whoever does it).
const (
	ActionLeadAdd    = "/lead add"
	ActionLeadEdit   = "/lead edit"
	ActionLeadClose  = "/lead close"
	ActionLeadReopen = "/lead reopen"
)

// LeadLimits are the longest texts each field of a lead takes (characters): title, details,
// contract, city, contact, role (job_role), employer, hours.
func LeadLimits() map[string]int {
	return map[string]int{"title": 120, "details": 1000, "contract": 200, "city": 100, "contact": 200,
		"role": 100, "employer": 150, "hours": 100}
}

// ErrLeadState is a close of a lead that is not open, or a reopen of one that is not closed:
// nothing changed.
var ErrLeadState = errors.New("lead is not in that state")

// mayUseLead refuses (audited) anyone but staff who may act in the lead's territory.
func (s *Service) mayUseLead(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, l storage.Lead) error {
	if a.Staff == nil || !a.CanUseTerritory(l.Territory) {
		if l.ID == 0 {
			return s.refused(ctx, q, now, a, action, "territory", l.Territory)
		}
		return s.refused(ctx, q, now, a, action, "lead", strconv.FormatInt(l.ID, 10))
	}
	return nil
}

// CreateLead publishes l (its kind, territory and texts; id, status and dates are set here) on
// behalf of a staff member: the people of its territory see it in the chat from now on.
func (s *Service) CreateLead(ctx context.Context, q storage.Queryer, now time.Time, a Actor, l storage.Lead) (storage.Lead, error) {
	l.ID = 0
	if err := s.mayUseLead(ctx, q, now, a, ActionLeadAdd, l); err != nil {
		return storage.Lead{}, err
	}
	l.CreatedBy.Int64, l.CreatedBy.Valid = a.Staff.ID, true
	created, err := storage.CreateLead(ctx, q, l, now)
	if err != nil {
		return created, err
	}
	return created, Audit(ctx, q, now, a, ActionLeadAdd, "lead", strconv.FormatInt(created.ID, 10), created.Kind+" "+created.Territory)
}

// UpdateLead changes what a lead says (l.ID names it; its kind, territory and status stay).
func (s *Service) UpdateLead(ctx context.Context, q storage.Queryer, now time.Time, a Actor, l storage.Lead) (storage.Lead, error) {
	old, err := storage.LeadByID(ctx, q, l.ID)
	if err != nil {
		return old, err
	}
	if err := s.mayUseLead(ctx, q, now, a, ActionLeadEdit, old); err != nil {
		return old, err
	}
	updated, err := storage.UpdateLead(ctx, q, l)
	if err != nil {
		return updated, err
	}
	return updated, Audit(ctx, q, now, a, ActionLeadEdit, "lead", strconv.FormatInt(l.ID, 10), old.Kind+" "+old.Territory)
}

// CloseLead closes an open lead: people no longer see it. A lead that is not open is
// ErrLeadState; one that does not exist storage.ErrNotFound.
func (s *Service) CloseLead(ctx context.Context, q storage.Queryer, now time.Time, a Actor, id int64) (storage.Lead, error) {
	return s.setLeadOpen(ctx, q, now, a, id, false)
}

// ReopenLead opens a closed lead again: people see it again (unless it expired). A lead that
// is not closed is ErrLeadState; one that does not exist storage.ErrNotFound.
func (s *Service) ReopenLead(ctx context.Context, q storage.Queryer, now time.Time, a Actor, id int64) (storage.Lead, error) {
	return s.setLeadOpen(ctx, q, now, a, id, true)
}

func (s *Service) setLeadOpen(ctx context.Context, q storage.Queryer, now time.Time, a Actor, id int64, open bool) (storage.Lead, error) {
	action := ActionLeadClose
	if open {
		action = ActionLeadReopen
	}
	l, err := storage.LeadByID(ctx, q, id)
	if err != nil {
		return l, err
	}
	if err := s.mayUseLead(ctx, q, now, a, action, l); err != nil {
		return l, err
	}
	var changed bool
	if open {
		changed, err = storage.ReopenLead(ctx, q, id)
	} else {
		changed, err = storage.CloseLead(ctx, q, id, now)
	}
	if err != nil {
		return l, err
	}
	if !changed {
		return l, ErrLeadState
	}
	if err := Audit(ctx, q, now, a, action, "lead", strconv.FormatInt(id, 10), l.Kind+" "+l.Territory); err != nil {
		return l, err
	}
	return storage.LeadByID(ctx, q, id)
}
