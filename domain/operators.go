package domain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Reception-centre operators follow the people of their centre: they see their plan and case
// status, propose a step (the tutor accepts or declines it) and write to the tutor about
// them. They never write to a beneficiary and change no case themselves.

// Buttons of a proposal's alert (the tutor's answer): "pa:<proposal id>" and "pd:<id>".
const (
	ButtonProposalAccept  = "pa"
	ButtonProposalDecline = "pd"
)

// ErrAnswered is a proposal answered already (a second tap, another tutor): nothing changed.
var ErrAnswered = errors.New("proposal already answered")

// mayOperate checks that an operator may act about b: one of their centre's people.
func (s *Service) mayOperate(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Beneficiary) error {
	if !a.CanSeeInCentre(b) {
		return s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	return nil
}

// ProposeStep records an operator's proposed step for one of their centre's people and alerts
// the person's tutor with Accept and Decline. Nothing reaches the person until the tutor
// accepts. A person without a tutor gets the proposal recorded and no alert (tutorless
// reports false).
func (s *Service) ProposeStep(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, area, title string) (p storage.Proposal, tutorless bool, err error) {
	const action = "/propose"
	if err := s.mayOperate(ctx, q, now, a, action, b); err != nil {
		return p, false, err
	}
	p, err = storage.CreateProposal(ctx, q, b.ID, a.Staff.ID, area, title, now)
	if err != nil {
		return p, false, err
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), fmt.Sprintf("proposal=%d %s", p.ID, area)); err != nil {
		return p, false, err
	}
	if !b.TutorID.Valid {
		return p, true, nil
	}
	al, err := storage.CreateAlert(ctx, q, b.TutorID.Int64, b.ID, storage.AlertProposal, p.ID, now)
	if err != nil {
		return p, false, err
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: b.TutorID.Int64}, notify.SendOptions{Kind: "alert"}, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{
			Text: l.T("alert.proposal", "Code", b.Code, "Operator", a.Staff.DisplayName, "Area", l.T("area."+area), "Detail", title),
			Buttons: [][]bot.Button{{
				{Text: l.T("proposal.accept"), Data: notify.Data(ButtonProposalAccept, p.ID)},
				{Text: l.T("proposal.decline"), Data: notify.Data(ButtonProposalDecline, p.ID)},
			}, {
				{Text: l.T("alert.open"), Data: notify.Data(notify.ButtonAlertOpen, al.ID)},
			}},
		}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return p, false, nil // the alert stays open in /alerts
	}
	return p, false, err
}

// DecideProposal is the tutor's answer to a proposal: accepted, it becomes a step of the
// person's plan (AddStep: the person is told as for any new step); declined, nothing reaches
// the person. The operator is told either way; the proposal's alerts close. A proposal about
// someone the staff member may not act on is refused (ErrDenied); one answered already is
// ErrAnswered.
func (s *Service) DecideProposal(ctx context.Context, q storage.Queryer, now time.Time, a Actor, p storage.Proposal, accept bool) (storage.PlanStep, error) {
	action := "proposal decline"
	if accept {
		action = "proposal accept"
	}
	b, err := storage.BeneficiaryByID(ctx, q, p.BeneficiaryID)
	if err != nil {
		return storage.PlanStep{}, err
	}
	if err := s.mayActOnBeneficiary(ctx, q, now, a, action, b); err != nil {
		return storage.PlanStep{}, err
	}
	if p.Status != storage.ProposalPending {
		return storage.PlanStep{}, ErrAnswered
	}
	var step storage.PlanStep
	status := storage.ProposalDeclined
	if accept {
		status = storage.ProposalAccepted
		if step, _, err = s.AddStep(ctx, q, now, a, b, storage.NewStep{Area: p.Area, Title: p.Title}); err != nil {
			return step, err
		}
	}
	ok, err := storage.DecideProposal(ctx, q, p.ID, status, step.ID, a.Staff.ID, now)
	if err != nil {
		return step, err
	}
	if !ok {
		return step, ErrAnswered // the caller's transaction rolls the step back
	}
	if err := storage.CloseAlertsRef(ctx, q, storage.AlertProposal, p.ID, a.Staff.ID, now); err != nil {
		return step, err
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), fmt.Sprintf("proposal=%d", p.ID)); err != nil {
		return step, err
	}
	textID := "proposal.told_declined"
	if accept {
		textID = "proposal.told_accepted"
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: p.ProposedBy}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{Text: l.T(textID, "Code", b.Code, "Detail", p.Title)}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		err = nil
	}
	return step, err
}

// NoteToTutor passes an operator's text about one of their centre's people to the person's
// tutor, as an alert carrying the text. Nothing reaches the person. tutorless is true when the
// person has no tutor (the note is not recorded then: nobody would read it).
func (s *Service) NoteToTutor(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, text string) (tutorless bool, err error) {
	const action = "/note"
	if err := s.mayOperate(ctx, q, now, a, action, b); err != nil {
		return false, err
	}
	if !b.TutorID.Valid {
		return true, nil
	}
	id, err := storage.CreateOperatorNote(ctx, q, b.ID, a.Staff.ID, b.TutorID.Int64, text, now)
	if err != nil {
		return false, err
	}
	if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), ""); err != nil {
		return false, err
	}
	al, err := storage.CreateAlert(ctx, q, b.TutorID.Int64, b.ID, storage.AlertOperatorNote, id, now)
	if err != nil {
		return false, err
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: b.TutorID.Int64}, notify.SendOptions{Kind: "alert"}, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{
			Text:    l.T("alert.operator_note", "Code", b.Code, "Operator", a.Staff.DisplayName, "Detail", text),
			Buttons: [][]bot.Button{{{Text: l.T("alert.open"), Data: notify.Data(notify.ButtonAlertOpen, al.ID)}}},
		}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		err = nil
	}
	return false, err
}
