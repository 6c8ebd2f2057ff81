package domain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// A coordinator moves a beneficiary, or a tutor's whole open caseload, to another active tutor
// of the territory; both tutors and the person are told. A coordinator deactivates a tutor or
// an operator of their territory (an admin anyone but themselves); a tutor who still follows
// open cases is not deactivated until they are reassigned. A deactivated member's chats are
// answered as strangers' (flows' actor loading) and their desk sessions end.

// ErrStaffDisabled is a deactivation of someone deactivated already.
var ErrStaffDisabled = errors.New("the staff member is deactivated already")

// StaffStatusDisabled is a deactivated staff member's status.
const StaffStatusDisabled = "disabled"

// mayReassignTo checks the new tutor: an active tutor of b's territory, not b's tutor.
func mayReassignTo(b storage.Beneficiary, to storage.Staff) error {
	switch {
	case to.Role != storage.RoleTutor || to.Status != "active" || !to.Territory.Valid || to.Territory.String != b.Territory:
		return ErrNotATutor
	case b.TutorID.Valid && b.TutorID.Int64 == to.ID:
		return ErrSameTutor
	}
	return nil
}

// Reassign gives b another tutor. Only coordinators (of b's territory) and admins may; the new
// tutor is an active tutor of b's territory. The old tutor, the new one and the person are told.
func (s *Service) Reassign(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, to storage.Staff) error {
	const action = "/reassign"
	target := strconv.FormatInt(b.ID, 10)
	if !a.IsCoordinator() || !a.CanManageCase(b) {
		return s.refused(ctx, q, now, a, action, "beneficiary", target)
	}
	if err := mayReassignTo(b, to); err != nil {
		return s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, err)
	}
	if err := s.reassignOne(ctx, q, now, a, b, to); err != nil {
		return err
	}
	code := b.Code
	if b.TutorID.Valid {
		if err := s.tellStaff(ctx, q, now, b.TutorID.Int64, func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: l.T("cases.reassigned_from", "Code", code, "Tutor", to.DisplayName)}
		}); err != nil {
			return err
		}
	}
	return s.tellStaff(ctx, q, now, to.ID, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.reassigned_to", "Code", code)}
	})
}

// ReassignCaseload gives every open case of tutor from to tutor to; both tutors are told once,
// each person on their own. It returns how many cases moved.
func (s *Service) ReassignCaseload(ctx context.Context, q storage.Queryer, now time.Time, a Actor, from, to storage.Staff) (int, error) {
	const action = "/reassign"
	target := strconv.FormatInt(from.ID, 10)
	if !a.IsCoordinator() || from.Role != storage.RoleTutor || !from.Territory.Valid || !a.CanUseTerritory(from.Territory.String) {
		return 0, s.refused(ctx, q, now, a, action, "staff", target)
	}
	if from.ID == to.ID {
		return 0, s.refusedBecause(ctx, q, now, a, action, "staff", target, ErrSameTutor)
	}
	cases, err := storage.OpenCaseload(ctx, q, from.ID)
	if err != nil {
		return 0, err
	}
	if err := mayReassignTo(storage.Beneficiary{Territory: from.Territory.String}, to); err != nil {
		return 0, s.refusedBecause(ctx, q, now, a, action, "staff", target, err)
	}
	for _, b := range cases {
		if err := s.reassignOne(ctx, q, now, a, b, to); err != nil {
			return 0, err
		}
	}
	if len(cases) == 0 {
		return 0, nil
	}
	n := len(cases)
	if err := s.tellStaff(ctx, q, now, from.ID, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.caseload_from", "N", n, "Tutor", to.DisplayName)}
	}); err != nil {
		return n, err
	}
	return n, s.tellStaff(ctx, q, now, to.ID, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.caseload_to", "N", n, "Tutor", from.DisplayName)}
	})
}

// reassignOne moves one case, records it and tells the person.
func (s *Service) reassignOne(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, to storage.Staff) error {
	if err := storage.SetBeneficiaryTutor(ctx, q, b.ID, to.ID); err != nil {
		return err
	}
	ev := storage.CaseEvent{BeneficiaryID: b.ID, Kind: storage.CaseReassigned, StaffID: nullID(a.StaffID()),
		FromTutorID: b.TutorID, ToTutorID: sql.NullInt64{Int64: to.ID, Valid: true}, At: now}
	if _, err := storage.AddCaseEvent(ctx, q, ev); err != nil {
		return err
	}
	from := "none"
	if b.TutorID.Valid {
		from = strconv.FormatInt(b.TutorID.Int64, 10)
	}
	if err := Audit(ctx, q, now, a, "/reassign", "beneficiary", strconv.FormatInt(b.ID, 10), fmt.Sprintf("tutor %s -> %d", from, to.ID)); err != nil {
		return err
	}
	if b.Status == storage.BeneficiaryErased {
		return nil
	}
	name := to.DisplayName
	_, err := s.tellPerson(ctx, q, now, b, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.new_tutor_notice", "Tutor", name)}
	})
	return err
}

// CanSeeStaff tells whether the actor may see and manage staff member st: an admin everyone, a
// coordinator the staff of the territories they may use.
func (a Actor) CanSeeStaff(st storage.Staff) bool {
	return a.IsCoordinator() && (a.Role() == RoleAdmin || (st.Territory.Valid && a.CanUseTerritory(st.Territory.String)))
}

// CanDeactivate tells whether the actor may deactivate st: a coordinator a tutor or an operator
// of a territory they may use, an admin anyone; nobody themselves.
func (a Actor) CanDeactivate(st storage.Staff) bool {
	return a.IsCoordinator() && st.ID != a.StaffID() &&
		(a.Role() == RoleAdmin || ((st.Role == storage.RoleTutor || st.Role == storage.RoleOperator) && st.Territory.Valid &&
			a.CanUseTerritory(st.Territory.String)))
}

// DeactivateStaff deactivates a staff member whom the actor may (CanDeactivate). A tutor who
// still follows open cases is refused (ErrHasCaseload) until they are reassigned. Their desk
// sessions end.
func (s *Service) DeactivateStaff(ctx context.Context, q storage.Queryer, now time.Time, a Actor, st storage.Staff) error {
	const action = "/deactivate"
	target := strconv.FormatInt(st.ID, 10)
	if !a.CanDeactivate(st) {
		return s.refused(ctx, q, now, a, action, "staff", target)
	}
	if st.Status == StaffStatusDisabled {
		return s.refusedBecause(ctx, q, now, a, action, "staff", target, ErrStaffDisabled)
	}
	open, err := storage.OpenCaseload(ctx, q, st.ID)
	if err != nil {
		return err
	}
	if len(open) > 0 {
		return s.refusedBecause(ctx, q, now, a, action, "staff", target, ErrHasCaseload)
	}
	if err := storage.SetStaffStatus(ctx, q, st.ID, StaffStatusDisabled); err != nil {
		return err
	}
	if _, err := storage.EndDeskSessionsOf(ctx, q, st.ID); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, action, "staff", target, "status "+st.Status+" -> disabled")
}
