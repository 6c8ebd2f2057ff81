package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// My plan: the beneficiary's steps grouped by area, with status icons and due dates; a step
// opens its details with Done, I need help and Back. Done and help reach the tutor at once.
const (
	ButtonStep     = "ps" // Data(ButtonStep, stepID, page)
	ButtonStepDone = "pd" // Data(ButtonStepDone, stepID, page)
	ButtonStepHelp = "ph" // Data(ButtonStepHelp, stepID, page)
)

const planPageSize = 6

func (e *Engine) planRoutes() []Route {
	return []Route{
		{Command: "plan", Roles: domain.RoleBeneficiary, Help: "menu.cmd_plan", Handle: e.member(e.planFirstPage)},
		{Button: ButtonPlan, Roles: domain.RoleBeneficiary, Handle: e.member(e.planPage)},
		{Button: ButtonStep, Roles: domain.RoleBeneficiary, Handle: e.member(e.stepDetails)},
		{Button: ButtonStepDone, Roles: domain.RoleBeneficiary, Handle: e.member(e.stepDone)},
		{Button: ButtonStepHelp, Roles: domain.RoleBeneficiary, Handle: e.member(e.stepHelp)},
	}
}

// orderedSteps lists a plan in the order it is shown: by area, then by position.
func orderedSteps(steps []storage.PlanStep) []storage.PlanStep {
	var out []storage.PlanStep
	for _, a := range storage.Areas() {
		for _, s := range steps {
			if s.Area == a {
				out = append(out, s)
			}
		}
	}
	return out
}

// stepTitle is how a step is named in a language: the catalogue's title for a standard step,
// the free title as written otherwise.
func stepTitle(l *locales.Localizer, s storage.PlanStep) string {
	if s.StepKey.Valid {
		if _, ok := locales.StandardStepByKey(s.StepKey.String); ok {
			return l.T("steps." + s.StepKey.String + ".title")
		}
	}
	if s.Title.Valid && strings.TrimSpace(s.Title.String) != "" {
		return strings.TrimSpace(s.Title.String)
	}
	return l.T("plan.untitled", "N", s.Position)
}

// freeTitle tells a step whose title is the tutor's own words (no standard step's title).
func freeTitle(s storage.PlanStep) bool {
	if s.StepKey.Valid {
		if _, ok := locales.StandardStepByKey(s.StepKey.String); ok {
			return false
		}
	}
	return s.Title.Valid && strings.TrimSpace(s.Title.String) != ""
}

func (e *Engine) planFirstPage(ctx context.Context, c *Ctx) error { return e.showPlan(ctx, c, 0, "") }

func (e *Engine) planPage(ctx context.Context, c *Ctx) error {
	page, _ := c.Args().Int(0)
	return e.showPlan(ctx, c, int(page), "")
}

// showPlan shows one page of the plan, after a line (noteID) when set.
func (e *Engine) showPlan(ctx context.Context, c *Ctx, page int, note string) error {
	b := c.Actor.Beneficiary
	all, err := storage.StepsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	prefix := ""
	if note != "" {
		prefix = note + "\n\n"
	}
	if len(all) == 0 {
		return c.screen(ctx, prefix+c.T("plan.empty"),
			[]bot.Button{btn(c.T("menu.tutor"), notify.Data(notify.ButtonMyTutor))}, c.menuRow())
	}
	steps := orderedSteps(all)
	pages := (len(steps) + planPageSize - 1) / planPageSize
	page = max(0, min(page, pages-1))
	shown := steps[page*planPageSize : min(len(steps), (page+1)*planPageSize)]
	done := 0
	for _, s := range steps {
		if s.Status == storage.StepDone {
			done++
		}
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	sb.WriteString(c.L.N("plan.progress", done, "Total", len(steps)))
	if pages > 1 {
		sb.WriteString(" " + c.T("plan.page", "Page", page+1, "Pages", pages))
	}
	today := civil.Today(c.Now, e.set.Location)
	area := ""
	var bs []bot.Button
	for _, s := range shown {
		if s.Area != area {
			area = s.Area
			sb.WriteString("\n\n" + c.T("area."+area))
		}
		title := clip(stepTitle(c.L, s), maxLineRunes)
		shownTitle := title
		if freeTitle(s) {
			shownTitle = c.foreignInline(title)
		}
		sb.WriteString("\n" + c.T("status.icon."+s.Status) + " " + c.L.Iso(fmt.Sprintf("%d.", s.Position)) + " " + c.L.Iso(shownTitle))
		if s.DueDate.Valid && s.Status != storage.StepDone {
			id := "plan.due"
			if s.DueDate.String < today {
				id = "plan.overdue"
			}
			sb.WriteString(" — " + c.T(id, "Date", e.civilDate(c.L, s.DueDate.String)))
		}
		bs = append(bs, btn(fmt.Sprintf("%s %d. %s", c.T("status.icon."+s.Status), s.Position, title), notify.Data(ButtonStep, s.ID, page)))
	}
	sb.WriteString("\n\n" + c.T("plan.tap_step"))
	rows := c.withPager(grid(bs, 1), page, pages, func(p int) string { return notify.Data(ButtonPlan, p) })
	rows = append(rows, c.menuRow())
	return c.screen(ctx, sb.String(), rows...)
}

// ownStep finds the step a button names if it is the actor's own; ok false otherwise (a
// button of someone else's step, or of a step that no longer exists).
func (e *Engine) ownStep(ctx context.Context, c *Ctx) (storage.PlanStep, int, bool, error) {
	id, ok := c.Args().Int(0)
	if !ok {
		return storage.PlanStep{}, 0, false, nil
	}
	page, _ := c.Args().Int(1)
	s, err := storage.StepByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return s, 0, false, nil
	}
	if err != nil {
		return s, 0, false, err
	}
	return s, int(page), s.BeneficiaryID == c.Actor.Beneficiary.ID, nil
}

func (e *Engine) stepDetails(ctx context.Context, c *Ctx) error {
	s, page, ok, err := e.ownStep(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	return e.showStep(ctx, c, s, page, "")
}

// showStep shows a step's details and what the beneficiary can do about it.
func (e *Engine) showStep(ctx context.Context, c *Ctx, s storage.PlanStep, page int, note string) error {
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	sb.WriteString(c.T("area." + s.Area))
	title := stepTitle(c.L, s)
	if freeTitle(s) {
		title = c.foreignInline(title)
	}
	sb.WriteString("\n" + c.T("status.icon."+s.Status) + " " + c.L.Iso(title))
	if s.StepKey.Valid && s.Title.Valid && strings.TrimSpace(s.Title.String) != "" {
		if _, std := locales.StandardStepByKey(s.StepKey.String); std {
			sb.WriteString("\n" + c.T("plan.note", "Note", c.foreignInline(clip(s.Title.String, 300))))
		}
	}
	sb.WriteString("\n" + c.T("plan.status", "Status", c.T("status.name."+s.Status)))
	if s.DueDate.Valid {
		sb.WriteString("\n" + c.T("plan.due_on", "Date", e.civilDate(c.L, s.DueDate.String)))
	}
	if s.StepKey.Valid {
		if _, std := locales.StandardStepByKey(s.StepKey.String); std {
			sb.WriteString("\n\n" + c.T("steps."+s.StepKey.String+".explain"))
		}
	}
	var row []bot.Button
	if s.Status != storage.StepDone {
		row = append(row, btn(c.T("plan.done"), notify.Data(ButtonStepDone, s.ID, page)))
	}
	row = append(row, btn(c.T("plan.help"), notify.Data(ButtonStepHelp, s.ID, page)))
	return c.screen(ctx, sb.String(), row, []bot.Button{btn(c.T("menu.back"), notify.Data(ButtonPlan, page)), c.menuRow()[0]})
}

// stepDone marks a step done once, tells the tutor and re-plans its reminders.
func (e *Engine) stepDone(ctx context.Context, c *Ctx) error {
	s, page, ok, err := e.ownStep(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	b := c.Actor.Beneficiary
	changed, err := storage.SetStepStatus(ctx, c.Tx, s.ID, storage.StepDone,
		storage.Actor{Kind: storage.ActorBeneficiary, ID: b.ID}, c.Now)
	if err != nil {
		return err
	}
	if !changed {
		c.Answer(c.T("plan.already_done"))
		return e.showPlan(ctx, c, page, c.T("plan.already_done"))
	}
	detail, err := e.tutorStepDetail(ctx, c, s)
	if err != nil {
		return err
	}
	if err := c.AlertTutor(ctx, *b, storage.AlertStepDone, s.ID, detail); err != nil {
		return err
	}
	if err := c.StepChanged(ctx, s.ID); err != nil {
		return err
	}
	return e.showPlan(ctx, c, page, c.T("plan.done_ok")+" "+e.tutorToldLine(c))
}

// stepHelp tells the tutor the beneficiary needs help with a step, once while that alert is
// open.
func (e *Engine) stepHelp(ctx context.Context, c *Ctx) error {
	s, page, ok, err := e.ownStep(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	b := c.Actor.Beneficiary
	if !b.TutorID.Valid {
		return c.screen(ctx, c.T("plan.help_no_tutor"),
			[]bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), btn(c.T("menu.back"), notify.Data(ButtonPlan, page))})
	}
	open, err := e.openAlert(ctx, c, storage.AlertStepHelp, s.ID)
	if err != nil {
		return err
	}
	if open {
		c.Answer(c.T("plan.help_already"))
		return e.showStep(ctx, c, s, page, c.T("plan.help_already"))
	}
	detail, err := e.tutorStepDetail(ctx, c, s)
	if err != nil {
		return err
	}
	if err := c.AlertTutor(ctx, *b, storage.AlertStepHelp, s.ID, detail); err != nil {
		return err
	}
	return e.showStep(ctx, c, s, page, c.T("plan.help_sent"))
}

// openAlert tells whether the beneficiary's tutor still has an open alert of this kind about
// ref (so a second tap does not raise a second one).
func (e *Engine) openAlert(ctx context.Context, c *Ctx, kind string, ref int64) (bool, error) {
	b := c.Actor.Beneficiary
	alerts, err := storage.OpenAlerts(ctx, c.Tx, b.TutorID.Int64)
	if err != nil {
		return false, err
	}
	for _, a := range alerts {
		if a.BeneficiaryID == b.ID && a.Kind == kind && a.RefID.Valid && a.RefID.Int64 == ref {
			return true, nil
		}
	}
	return false, nil
}

// tutorLocalizer is the language of the beneficiary's tutor (Italian when there is none).
func (e *Engine) tutorLocalizer(ctx context.Context, c *Ctx) (*locales.Localizer, error) {
	b := c.Actor.Beneficiary
	if !b.TutorID.Valid {
		return e.cat.For("it"), nil
	}
	t, err := storage.StaffByID(ctx, c.Tx, b.TutorID.Int64)
	if err != nil {
		return nil, err
	}
	return e.cat.For(t.Lang), nil
}

// tutorStepDetail names a step for the tutor's alert, in the tutor's language, with the number
// tutors use in their commands.
func (e *Engine) tutorStepDetail(ctx context.Context, c *Ctx, s storage.PlanStep) (string, error) {
	l, err := e.tutorLocalizer(ctx, c)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d. %s", s.Position, clip(stepTitle(l, s), maxLineRunes)), nil
}

// tutorToldLine says the tutor was informed, or that there is no tutor yet.
func (e *Engine) tutorToldLine(c *Ctx) string {
	if c.Actor.Beneficiary.TutorID.Valid {
		return c.T("plan.tutor_told")
	}
	return c.T("plan.saved_no_tutor")
}

// orUnknown returns err, or answers a button that is not the person's to press.
func orUnknown(ctx context.Context, c *Ctx, err error) error {
	if err != nil {
		return err
	}
	return c.Unknown(ctx)
}
