package domain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// A case is invited → active → closed, and a closed case can be reopened. Closing records the
// date, who closed it and an exit reason (storage.ExitReasons; "other" with a note); the
// person is told, in their language, what it means; their pending reminders and check-ins stop
// (the scheduler plans none for a closed case); their plan stays readable to them, and
// announcements follow their consent as before. A tutor closes and reopens their own
// beneficiaries' cases, a coordinator those of their territory, an admin any
// (Actor.CanManageCase).

// Refusals of the case actions that are not about rights: each is audited as refused and
// changes nothing.
var (
	ErrCaseClosed  = errors.New("the case is closed already")
	ErrCaseOpen    = errors.New("the case is open")
	ErrExitReason  = errors.New("not an exit reason")
	ErrExitNote    = errors.New("the exit reason other needs a note")
	ErrSameTutor   = errors.New("the beneficiary already has this tutor")
	ErrNotATutor   = errors.New("not an active tutor of the territory")
	ErrHasCaseload = errors.New("the tutor still follows open cases")
)

// exitNoteMax is the longest note of an exit reason (characters).
const exitNoteMax = 500

// CloseCase closes b's case with an exit reason (and a note, required for "other"). told says
// whether the person could be told.
func (s *Service) CloseCase(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, reason, note string) (told bool, err error) {
	const action = "/close"
	target := strconv.FormatInt(b.ID, 10)
	if !a.CanManageCase(b) {
		return false, s.refused(ctx, q, now, a, action, "beneficiary", target)
	}
	note = strings.TrimSpace(note)
	switch {
	case b.Status == storage.BeneficiaryClosed:
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrCaseClosed)
	case !storage.IsExitReason(reason):
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrExitReason)
	case reason == storage.ExitOther && note == "":
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrExitNote)
	}
	if r := []rune(note); len(r) > exitNoteMax {
		note = string(r[:exitNoteMax])
	}
	changed, err := storage.CloseBeneficiary(ctx, q, b.ID, now)
	if err != nil {
		return false, err
	}
	if !changed {
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrCaseClosed)
	}
	ev := storage.CaseEvent{BeneficiaryID: b.ID, Kind: storage.CaseClosed, Reason: sql.NullString{String: reason, Valid: true},
		Note: sql.NullString{String: note, Valid: note != ""}, StaffID: nullID(a.StaffID()), At: now}
	if _, err := storage.AddCaseEvent(ctx, q, ev); err != nil {
		return false, err
	}
	// Nothing more is reminded: step and session reminders, check-ins. Reopening plans them again.
	if _, err := q.Exec(ctx, `UPDATE reminders SET status = 'cancelled', reason = 'closed' WHERE beneficiary_id = ? AND status = 'pending'`, b.ID); err != nil {
		return false, fmt.Errorf("close case: cancel reminders: %w", err)
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", target, "reason="+reason); err != nil {
		return false, err
	}
	told, err = s.tellPerson(ctx, q, now, b, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.closed_notice")}
	})
	if err != nil || !b.ConsentResearchAt.Valid || !b.OnboardedAt.Valid {
		return told, err
	}
	// The self-assessment at closing, from the scheduler (never during quiet hours).
	_, err = storage.EnsureReminder(ctx, q, storage.NewReminder{Kind: storage.ReminderAssessment, TargetKey: AssessmentTarget(b.ID),
		OffsetKey: "closing:" + now.UTC().Format(time.RFC3339), BeneficiaryID: b.ID, DueAt: now.Add(ClosingAssessmentAfter)}, now)
	return told, err
}

// ReopenCase opens b's closed case again (active, or invited when they never onboarded) and
// plans again what is still ahead of them. told says whether the person could be told.
func (s *Service) ReopenCase(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary) (told bool, err error) {
	const action = "/reopen"
	target := strconv.FormatInt(b.ID, 10)
	if !a.CanManageCase(b) {
		return false, s.refused(ctx, q, now, a, action, "beneficiary", target)
	}
	if b.Status != storage.BeneficiaryClosed {
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrCaseOpen)
	}
	changed, err := storage.ReopenBeneficiary(ctx, q, b.ID)
	if err != nil {
		return false, err
	}
	if !changed {
		return false, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrCaseOpen)
	}
	if _, err := storage.AddCaseEvent(ctx, q, storage.CaseEvent{BeneficiaryID: b.ID, Kind: storage.CaseReopened, StaffID: nullID(a.StaffID()), At: now}); err != nil {
		return false, err
	}
	if err := s.replanPerson(ctx, q, now, b.ID); err != nil {
		return false, err
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", target, ""); err != nil {
		return false, err
	}
	return s.tellPerson(ctx, q, now, b, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T("cases.reopened_notice")}
	})
}

// replanPerson plans again the reminders of every step and session of a person.
func (s *Service) replanPerson(ctx context.Context, q storage.Queryer, now time.Time, beneficiaryID int64) error {
	steps, err := storage.StepsOf(ctx, q, beneficiaryID)
	if err != nil {
		return err
	}
	for _, st := range steps {
		if err := s.StepChanged(ctx, q, st.ID, now); err != nil {
			return err
		}
	}
	ens, err := storage.EnrolmentsOfBeneficiary(ctx, q, beneficiaryID)
	if err != nil {
		return err
	}
	for _, e := range ens {
		if err := s.SessionChanged(ctx, q, e.SessionID, now); err != nil {
			return err
		}
	}
	return nil
}

// refusedBecause audits a refusal with its reason and returns the reason.
func (s *Service) refusedBecause(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action, targetKind, target string, why error) error {
	if err := Refuse(ctx, q, now, a, action, targetKind, target, why.Error()); err != nil {
		return err
	}
	return why
}

// tellPerson sends a notice to a beneficiary; one who cannot be reached is not an error (told
// false).
func (s *Service) tellPerson(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, build func(l *locales.Localizer) bot.Outgoing) (bool, error) {
	_, err := s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, build)
	if errors.Is(err, notify.ErrUnreachable) {
		return false, nil
	}
	return err == nil, err
}

// tellStaff sends a notice to a staff member; one who cannot be reached is not an error.
func (s *Service) tellStaff(ctx context.Context, q storage.Queryer, now time.Time, staffID int64, build func(l *locales.Localizer) bot.Outgoing) error {
	_, err := s.notify.SendTo(ctx, q, notify.Person{StaffID: staffID}, notify.SendOptions{Kind: "notice"}, now, build)
	if errors.Is(err, notify.ErrUnreachable) {
		return nil
	}
	return err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
