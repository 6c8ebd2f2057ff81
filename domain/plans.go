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

// mayChangePlan checks that a staff member may change b's plan (and, when step is not nil,
// that the step is b's), auditing a refusal under action.
func (s *Service) mayChangePlan(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Beneficiary, step *storage.PlanStep) error {
	if a.Staff == nil || !a.CanSeeBeneficiary(b) || b.Status == storage.BeneficiaryErased {
		return s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	if step != nil && step.BeneficiaryID != b.ID {
		return s.refused(ctx, q, now, a, action, "plan_step", strconv.FormatInt(step.ID, 10))
	}
	return nil
}

// AddStep adds a step to b's plan on behalf of a staff member: re-plans its reminders,
// audits it and tells the beneficiary. told says whether the notice could be sent.
func (s *Service) AddStep(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, ns storage.NewStep) (step storage.PlanStep, told bool, err error) {
	const action = "/step add"
	if err := s.mayChangePlan(ctx, q, now, a, action, b, nil); err != nil {
		return step, false, err
	}
	ns.BeneficiaryID, ns.CreatedBy = b.ID, a.Staff.ID
	step, err = storage.AddStep(ctx, q, ns, now)
	if err != nil {
		return step, false, err
	}
	if err := s.StepChanged(ctx, q, step.ID, now); err != nil {
		return step, false, err
	}
	if err := Audit(ctx, q, now, a, action, "plan_step", strconv.FormatInt(step.ID, 10), fmt.Sprintf("beneficiary=%d step=%d %s", b.ID, step.Position, ns.Area)); err != nil {
		return step, false, err
	}
	told, err = s.tellStep(ctx, q, now, b, step, "added")
	return step, told, err
}

// SetStepStatus changes the status of one of b's steps on behalf of a staff member; setting
// the status it has changes nothing and tells no one (changed false).
func (s *Service) SetStepStatus(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, step storage.PlanStep, status string) (changed, told bool, err error) {
	const action = "/step status"
	if err := s.mayChangePlan(ctx, q, now, a, action, b, &step); err != nil {
		return false, false, err
	}
	old := step.Status
	changed, err = storage.SetStepStatus(ctx, q, step.ID, status, storage.Actor{Kind: storage.ActorStaff, ID: a.Staff.ID}, now)
	if err != nil || !changed {
		return false, false, err
	}
	step.Status = status
	if err := s.StepChanged(ctx, q, step.ID, now); err != nil {
		return true, false, err
	}
	if err := Audit(ctx, q, now, a, action, "plan_step", strconv.FormatInt(step.ID, 10), fmt.Sprintf("beneficiary=%d step=%d %s -> %s", b.ID, step.Position, old, status)); err != nil {
		return true, false, err
	}
	told, err = s.tellStep(ctx, q, now, b, step, "status")
	return true, told, err
}

// SetStepDue changes the due date of one of b's steps on behalf of a staff member; the date
// it has changes nothing (changed false).
func (s *Service) SetStepDue(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, step storage.PlanStep, due string) (changed, told bool, err error) {
	const action = "/step due"
	if err := s.mayChangePlan(ctx, q, now, a, action, b, &step); err != nil {
		return false, false, err
	}
	changed, err = storage.SetStepDue(ctx, q, step.ID, due, storage.Actor{Kind: storage.ActorStaff, ID: a.Staff.ID}, now)
	if err != nil || !changed {
		return false, false, err
	}
	old := step.DueDate.String
	step.DueDate.String, step.DueDate.Valid = due, true
	if err := s.StepChanged(ctx, q, step.ID, now); err != nil {
		return true, false, err
	}
	if err := Audit(ctx, q, now, a, action, "plan_step", strconv.FormatInt(step.ID, 10), fmt.Sprintf("beneficiary=%d step=%d %s -> %s", b.ID, step.Position, old, due)); err != nil {
		return true, false, err
	}
	told, err = s.tellStep(ctx, q, now, b, step, "due")
	return true, told, err
}

// tellStep tells the beneficiary, in their language, what their tutor changed in their plan
// (what: added, status or due), and reports whether it reached them. Steps of psychological
// support are announced in generic words: a phone may be shared.
func (s *Service) tellStep(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, step storage.PlanStep, what string) (bool, error) {
	_, err := s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
		if step.Area == storage.AreaPsych {
			return bot.Outgoing{Text: l.T("step.notice_generic")}
		}
		title := notify.StepTitle(l, step)
		var text string
		switch what {
		case "added":
			text = l.T("step.notice_added", "Title", title)
			if step.DueDate.Valid && step.DueDate.String != "" {
				text += "\n" + l.T("step.notice_by", "Date", notify.CivilDate(l, step.DueDate.String))
			}
		case "status":
			text = l.T("step.notice_status", "Title", title, "Status", l.T("step.status."+step.Status))
		default:
			text = l.T("step.notice_due", "Title", title, "Date", notify.CivilDate(l, step.DueDate.String))
		}
		out := bot.Outgoing{Text: text}
		if step.Title.Valid && step.Title.String != "" {
			out.Foreign = []bot.Foreign{notify.ForeignInline(title, notify.StaffLang)} // the tutor's own words
		}
		return out
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return false, nil
	}
	return err == nil, err
}
