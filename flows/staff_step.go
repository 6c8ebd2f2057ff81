package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// tutorTitleMax is the longest step title accepted (characters).
const tutorTitleMax = 200

// tutorStep answers /step:
//
//	/step <code> add <area> <title> [due <date>]
//	/step <code> add <key> [due <date>]
//	/step <code> <n> done|doing|todo|blocked
//	/step <code> <n> due <date>
//
// and, with arguments missing, guides with buttons: pick a beneficiary, add or change, area,
// standard step or title, due date; step, status or date.
func (e *Engine) tutorStep(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	if len(args) == 0 {
		return e.tutorMineList(ctx, c, tutorPickStep, 0)
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/step", args[0])
	if err != nil || !ok {
		return err
	}
	if len(args) == 1 {
		return e.tutorStepPlan(ctx, c, b)
	}
	if e.words.isAdd(args[1]) {
		return e.tutorStepAddCommand(ctx, c, b, args[2:])
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n <= 0 {
		return c.ReplyText(ctx, "step.usage")
	}
	s, ok, err := e.tutorStepAt(ctx, c, b, n)
	if err != nil || !ok {
		return err
	}
	rest := args[2:]
	switch {
	case len(rest) == 0:
		return e.tutorStepChoices(ctx, c, b, s)
	case e.words.isDue(rest[0]) && len(rest) == 1:
		return e.tutorAskNewDue(ctx, c, b, s)
	case e.words.isDue(rest[0]) && len(rest) == 2:
		due, ok, err := e.tutorParseDue(ctx, c, rest[1])
		if err != nil || !ok {
			return err
		}
		return e.tutorSetDue(ctx, c, b, s, due)
	case len(rest) == 1:
		status, ok := e.words.status(rest[0])
		if !ok {
			return c.ReplyText(ctx, "step.bad_status", "Typed", rest[0])
		}
		return e.tutorSetStatus(ctx, c, b, s, status)
	}
	return c.ReplyText(ctx, "step.usage")
}

// tutorStepAddCommand reads what follows "/step <code> add".
func (e *Engine) tutorStepAddCommand(ctx context.Context, c *Ctx, b storage.Beneficiary, args []string) error {
	if len(args) == 0 {
		return e.tutorAreaPicker(ctx, c, b)
	}
	if area, ok := e.words.area(args[0]); ok {
		rest := args[1:]
		due := ""
		if n := len(rest); n >= 2 && e.words.isDue(rest[n-2]) {
			d, ok, err := e.tutorParseDue(ctx, c, rest[n-1])
			if err != nil || !ok {
				return err
			}
			due, rest = d, rest[:n-2]
		}
		if len(rest) == 0 {
			return e.tutorKeyPicker(ctx, c, b, area)
		}
		if std, ok := locales.StandardStepByKey(strings.ToLower(rest[0])); ok && len(rest) == 1 && std.Area == area {
			// "/step MI-007 add documenti spid": the standard step, not a title that spells its key.
			return e.tutorAddStep(ctx, c, b, area, std.Key, "", due)
		}
		title, ok, err := tutorCheckTitle(ctx, c, strings.Join(rest, " "))
		if err != nil || !ok {
			return err
		}
		return e.tutorAddStep(ctx, c, b, area, "", title, due)
	}
	key := strings.ToLower(args[0])
	std, ok := locales.StandardStepByKey(key)
	if !ok {
		return c.ReplyText(ctx, "step.unknown_area", "Typed", args[0], "Keys", tutorStepKeys())
	}
	rest := args[1:]
	due := ""
	switch {
	case len(rest) == 0:
	case len(rest) == 2 && e.words.isDue(rest[0]):
		d, ok, err := e.tutorParseDue(ctx, c, rest[1])
		if err != nil || !ok {
			return err
		}
		due = d
	default:
		return c.ReplyText(ctx, "step.usage_key", "Code", b.Code, "Key", key)
	}
	return e.tutorAddStep(ctx, c, b, std.Area, key, "", due)
}

func tutorStepKeys() string {
	var keys []string
	for _, s := range locales.StandardSteps() {
		keys = append(keys, s.Key)
	}
	return strings.Join(keys, ", ")
}

// tutorParseDue reads a due date; when it is not a date, or is in the past, it has answered
// and returns ok false.
func (e *Engine) tutorParseDue(ctx context.Context, c *Ctx, typed string) (string, bool, error) {
	d, err := civil.ParseDate(typed)
	if errors.Is(err, civil.ErrBadDate) {
		return "", false, c.ReplyText(ctx, "step.bad_date", "Typed", typed)
	}
	if err != nil {
		return "", false, err
	}
	if d < civil.Today(c.Now, e.set.Location) {
		return "", false, c.ReplyText(ctx, "step.past_date", "Date", notify.CivilDate(c.L, d))
	}
	return d, true, nil
}

// tutorCheckTitle checks a typed title; when it is empty or too long it has answered.
func tutorCheckTitle(ctx context.Context, c *Ctx, typed string) (string, bool, error) {
	title := strings.Join(strings.Fields(typed), " ")
	if title == "" {
		return "", false, c.ReplyText(ctx, "step.no_title")
	}
	if utf8.RuneCountInString(title) > tutorTitleMax {
		return "", false, c.ReplyText(ctx, "step.long_title", "Max", tutorTitleMax)
	}
	return title, true, nil
}

// tutorStepAt finds step n of a plan; when it does not exist it has answered.
func (e *Engine) tutorStepAt(ctx context.Context, c *Ctx, b storage.Beneficiary, n int) (storage.PlanStep, bool, error) {
	s, err := storage.StepByPosition(ctx, c.Tx, b.ID, n)
	if err == nil {
		return s, true, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return s, false, err
	}
	steps, err := storage.StepsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return s, false, err
	}
	if len(steps) == 0 {
		return s, false, c.ReplyText(ctx, "step.no_steps", "Code", b.Code)
	}
	return s, false, c.ReplyText(ctx, "step.no_step", "Code", b.Code, "N", n, "Last", len(steps))
}

// tutorStepPlan shows a plan with the Add and Change buttons.
func (e *Engine) tutorStepPlan(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	steps, err := storage.StepsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	l := c.L
	lines := []string{l.T("step.plan_of", "Who", tutorName(b))}
	today := civil.Today(c.Now, e.set.Location)
	for _, s := range steps {
		lines = append(lines, e.tutorStepLine(l, s, today))
	}
	if len(steps) == 0 {
		lines = append(lines, l.T("card.plan_empty"))
	}
	row := []bot.Button{{Text: l.T("card.add_step"), Data: notify.Data(ButtonTutorStep, "a", b.ID)}}
	if len(steps) > 0 {
		row = append(row, bot.Button{Text: l.T("card.change_step"), Data: notify.Data(ButtonTutorStep, "c", b.ID)})
	}
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: [][]bot.Button{row, tutorCancelRow(l)}})
}

// tutorAreaPicker asks the area of a new step.
func (e *Engine) tutorAreaPicker(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	var rows [][]bot.Button
	for _, area := range storage.Areas() {
		rows = append(rows, []bot.Button{{Text: c.T("step.area." + area), Data: notify.Data(ButtonTutorStep, "r", b.ID, area)}})
	}
	rows = append(rows, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: c.T("step.ask_area", "Code", b.Code), Buttons: rows})
}

// tutorKeyPicker offers the standard steps of an area and waits for a title.
func (e *Engine) tutorKeyPicker(ctx context.Context, c *Ctx, b storage.Beneficiary, area string) error {
	var rows [][]bot.Button
	var row []bot.Button
	for _, s := range locales.StandardSteps() {
		if s.Area != area {
			continue
		}
		row = append(row, bot.Button{Text: label(notify.KeyTitle(c.L, s.Key)), Data: notify.Data(ButtonTutorStep, "k", b.ID, s.Key)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, tutorCancelRow(c.L))
	c.SetStep(stepTutorStepTitle, map[string]string{"b": strconv.FormatInt(b.ID, 10), "area": area})
	return c.Reply(ctx, bot.Outgoing{Text: c.T("step.ask_title", "Code", b.Code, "Area", c.T("step.area."+area)), Buttons: rows})
}

// tutorAskDue asks the due date of a new step (or none).
func (e *Engine) tutorAskDue(ctx context.Context, c *Ctx, b storage.Beneficiary, data map[string]string) error {
	c.SetStep(stepTutorStepDue, data)
	return c.Reply(ctx, bot.Outgoing{Text: c.T("step.ask_due", "Code", b.Code), Buttons: [][]bot.Button{
		{{Text: c.T("step.no_due"), Data: notify.Data(ButtonTutorStep, "n", b.ID)}}, tutorCancelRow(c.L),
	}})
}

// tutorStepChoices offers the new status or a new date for one step.
func (e *Engine) tutorStepChoices(ctx context.Context, c *Ctx, b storage.Beneficiary, s storage.PlanStep) error {
	l := c.L
	var rows [][]bot.Button
	for _, pair := range [][2]string{{storage.StepDone, storage.StepInProgress}, {storage.StepTodo, storage.StepBlocked}} {
		rows = append(rows, []bot.Button{
			{Text: l.T("step.status." + pair[0]), Data: notify.Data(ButtonTutorStep, "u", s.ID, pair[0])},
			{Text: l.T("step.status." + pair[1]), Data: notify.Data(ButtonTutorStep, "u", s.ID, pair[1])},
		})
	}
	rows = append(rows, []bot.Button{{Text: l.T("step.set_due"), Data: notify.Data(ButtonTutorStep, "d", s.ID)}}, tutorCancelRow(l))
	return c.Reply(ctx, bot.Outgoing{Text: l.T("step.ask_change", "Code", b.Code) + "\n" + e.tutorStepLine(l, s, civil.Today(c.Now, e.set.Location)),
		Buttons: rows})
}

// tutorStepPicker offers the steps of a plan to change.
func (e *Engine) tutorStepPicker(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	steps, err := storage.StepsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	if len(steps) == 0 {
		return c.Reply(ctx, bot.Outgoing{Text: c.T("step.no_steps", "Code", b.Code), Buttons: [][]bot.Button{
			{{Text: c.T("card.add_step"), Data: notify.Data(ButtonTutorStep, "a", b.ID)}}, tutorCancelRow(c.L),
		}})
	}
	var rows [][]bot.Button
	today := civil.Today(c.Now, e.set.Location)
	lines := []string{c.T("step.ask_which", "Code", b.Code)}
	for _, s := range steps {
		lines = append(lines, e.tutorStepLine(c.L, s, today))
		rows = append(rows, []bot.Button{{Text: label(strconv.Itoa(s.Position) + ". " + notify.StepTitle(c.L, s)), Data: notify.Data(ButtonTutorStep, "s", s.ID)}})
	}
	rows = append(rows, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// tutorAskNewDue waits for the new due date of a step.
func (e *Engine) tutorAskNewDue(ctx context.Context, c *Ctx, b storage.Beneficiary, s storage.PlanStep) error {
	c.SetStep(stepTutorStepNewDue, map[string]string{"b": strconv.FormatInt(b.ID, 10), "s": strconv.FormatInt(s.ID, 10)})
	return c.Reply(ctx, bot.Outgoing{Text: c.T("step.ask_new_due", "Code", b.Code, "N", s.Position), Buttons: [][]bot.Button{tutorCancelRow(c.L)}})
}

// tutorStepButton runs the /step form's buttons: ts:<op>:<args>.
func (e *Engine) tutorStepButton(ctx context.Context, c *Ctx) error {
	args := c.Args()
	op := args.Str(0)
	id, ok := args.Int(1)
	if !ok {
		return e.tutorStale(ctx, c, "", "")
	}
	switch op {
	case "b", "a", "r", "k", "c", "n":
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		switch op {
		case "b":
			c.ClearStep()
			return e.tutorStepPlan(ctx, c, b)
		case "a":
			c.ClearStep()
			return e.tutorAreaPicker(ctx, c, b)
		case "r":
			area := args.Str(2)
			if !isArea(area) {
				return e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(b.ID, 10))
			}
			return e.tutorKeyPicker(ctx, c, b, area)
		case "k":
			std, ok := locales.StandardStepByKey(args.Str(2))
			if !ok {
				return e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(b.ID, 10))
			}
			return e.tutorAskDue(ctx, c, b, map[string]string{"b": strconv.FormatInt(b.ID, 10), "area": std.Area, "key": std.Key})
		case "c":
			c.ClearStep()
			return e.tutorStepPicker(ctx, c, b)
		case "n":
			if c.State.Step != stepTutorStepDue || c.State.Int("b") != b.ID {
				return e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(b.ID, 10))
			}
			return e.tutorAddStep(ctx, c, b, c.State.Get("area"), c.State.Get("key"), c.State.Get("title"), "")
		}
	case "s", "u", "d":
		s, b, ok, err := e.tutorStepByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		switch op {
		case "s":
			c.ClearStep()
			return e.tutorStepChoices(ctx, c, b, s)
		case "u":
			status := args.Str(2)
			switch status {
			case storage.StepTodo, storage.StepInProgress, storage.StepDone, storage.StepBlocked:
			default:
				return e.tutorStale(ctx, c, "plan_step", strconv.FormatInt(s.ID, 10))
			}
			c.ClearStep()
			return e.tutorSetStatus(ctx, c, b, s, status)
		case "d":
			return e.tutorAskNewDue(ctx, c, b, s)
		}
	}
	return e.tutorStale(ctx, c, "", "")
}

// tutorStepByID finds the step a button names and its beneficiary, checking the staff member may
// act on them; when not, it has answered.
func (e *Engine) tutorStepByID(ctx context.Context, c *Ctx, id int64) (storage.PlanStep, storage.Beneficiary, bool, error) {
	s, err := storage.StepByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return s, storage.Beneficiary{}, false, e.tutorStale(ctx, c, "plan_step", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return s, storage.Beneficiary{}, false, err
	}
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, s.BeneficiaryID)
	return s, b, ok, err
}

// tutorFormBeneficiary is the beneficiary a form step is about, checked again (their tutor may
// have changed since the form began).
func (e *Engine) tutorFormBeneficiary(ctx context.Context, c *Ctx) (storage.Beneficiary, bool, error) {
	return e.tutorBeneficiaryByID(ctx, c, c.State.Int("b"))
}

// tutorStepTitleText takes the typed title of a new step.
func (e *Engine) tutorStepTitleText(ctx context.Context, c *Ctx) error {
	b, ok, err := e.tutorFormBeneficiary(ctx, c)
	if err != nil || !ok {
		return err
	}
	title, ok, err := tutorCheckTitle(ctx, c, c.In.Text)
	if err != nil || !ok {
		return err
	}
	return e.tutorAskDue(ctx, c, b, map[string]string{"b": strconv.FormatInt(b.ID, 10), "area": c.State.Get("area"), "title": title})
}

// tutorStepDueText takes the typed due date of a new step and adds it.
func (e *Engine) tutorStepDueText(ctx context.Context, c *Ctx) error {
	b, ok, err := e.tutorFormBeneficiary(ctx, c)
	if err != nil || !ok {
		return err
	}
	due, ok, err := e.tutorParseDue(ctx, c, c.In.Text)
	if err != nil || !ok {
		return err
	}
	return e.tutorAddStep(ctx, c, b, c.State.Get("area"), c.State.Get("key"), c.State.Get("title"), due)
}

// tutorStepNewDueText takes the typed new due date of a step.
func (e *Engine) tutorStepNewDueText(ctx context.Context, c *Ctx) error {
	s, b, ok, err := e.tutorStepByID(ctx, c, c.State.Int("s"))
	if err != nil || !ok {
		return err
	}
	due, ok, err := e.tutorParseDue(ctx, c, c.In.Text)
	if err != nil || !ok {
		return err
	}
	c.ClearStep()
	return e.tutorSetDue(ctx, c, b, s, due)
}

// tutorAddStep adds a step to a plan (domain.Service.AddStep: reminders, audit, the
// beneficiary's notice) and says what changed.
func (e *Engine) tutorAddStep(ctx context.Context, c *Ctx, b storage.Beneficiary, area, key, title, due string) error {
	if !isArea(area) || (key == "" && title == "") {
		return e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	s, sent, err := e.domain.AddStep(ctx, c.Tx, c.Now, c.Actor, b, storage.NewStep{Area: area, StepKey: key, Title: title, DueDate: due})
	if errors.Is(err, domain.ErrDenied) {
		return e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	if err != nil {
		return err
	}
	c.ClearStep()
	l := c.L
	text := l.T("step.added", "Code", b.Code, "N", s.Position) + "\n" + e.tutorStepLine(l, s, civil.Today(c.Now, e.set.Location)) + "\n" + toldLine(c, b, sent)
	return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: [][]bot.Button{{
		{Text: l.T("step.another"), Data: notify.Data(ButtonTutorStep, "a", b.ID)},
		{Text: l.T("card.open"), Data: notify.Data(ButtonTutorCard, b.ID)},
	}}})
}

// tutorSetStatus changes a step's status; setting the status it has changes nothing and tells
// no one.
func (e *Engine) tutorSetStatus(ctx context.Context, c *Ctx, b storage.Beneficiary, s storage.PlanStep, status string) error {
	l := c.L
	old := s.Status
	changed, sent, err := e.domain.SetStepStatus(ctx, c.Tx, c.Now, c.Actor, b, s, status)
	if errors.Is(err, domain.ErrDenied) {
		return e.tutorStale(ctx, c, "plan_step", strconv.FormatInt(s.ID, 10))
	}
	if err != nil {
		return err
	}
	if !changed {
		return c.ReplyText(ctx, "step.same_status", "Code", b.Code, "N", s.Position, "Status", l.T("step.status."+status))
	}
	s.Status = status
	text := l.T("step.status_set", "Code", b.Code, "N", s.Position, "Old", l.T("step.status."+old), "New", l.T("step.status."+status)) +
		"\n" + e.tutorStepLine(l, s, civil.Today(c.Now, e.set.Location)) + "\n" + toldLine(c, b, sent)
	return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: [][]bot.Button{{{Text: l.T("card.open"), Data: notify.Data(ButtonTutorCard, b.ID)}}}})
}

// tutorSetDue changes a step's due date.
func (e *Engine) tutorSetDue(ctx context.Context, c *Ctx, b storage.Beneficiary, s storage.PlanStep, due string) error {
	l := c.L
	changed, sent, err := e.domain.SetStepDue(ctx, c.Tx, c.Now, c.Actor, b, s, due)
	if errors.Is(err, domain.ErrDenied) {
		return e.tutorStale(ctx, c, "plan_step", strconv.FormatInt(s.ID, 10))
	}
	if err != nil {
		return err
	}
	if !changed {
		return c.ReplyText(ctx, "step.same_due", "Code", b.Code, "N", s.Position, "Date", notify.CivilDate(l, due))
	}
	s.DueDate.String, s.DueDate.Valid = due, true
	text := l.T("step.due_set", "Code", b.Code, "N", s.Position, "Date", notify.CivilDate(l, due)) +
		"\n" + e.tutorStepLine(l, s, civil.Today(c.Now, e.set.Location)) + "\n" + toldLine(c, b, sent)
	return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: [][]bot.Button{{{Text: l.T("card.open"), Data: notify.Data(ButtonTutorCard, b.ID)}}}})
}

// toldLine says to staff whether a beneficiary's notice reached them.
func toldLine(c *Ctx, b storage.Beneficiary, sent bool) string {
	if sent {
		return c.T("step.told", "Code", b.Code)
	}
	return c.T("step.not_told", "Code", b.Code)
}
