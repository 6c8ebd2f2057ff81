package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Buttons of closing and reopening a case.
const (
	ButtonCaseClose  = "csc" // csc:p:<beneficiary id> pick; csc:r:<id>:<reason>; csc:y:<token> confirm
	ButtonCaseReopen = "cso" // cso:p:<beneficiary id> pick; cso:y:<token> confirm
)

// stepCaseNote waits for the note of the exit reason "other"; data: b (beneficiary id).
const stepCaseNote = "case_note"

// Confirmations of the case actions.
const (
	confirmCaseClose  = "case close"  // target "<beneficiary id>:<reason>"; the note in the form's state
	confirmCaseReopen = "case reopen" // target "<beneficiary id>"
)

// caseRoutes are the case lifecycle's commands: closing and reopening (every staff member, on
// the cases they may act on), reassigning and deactivating (coordinators and admins).
func (e *Engine) caseRoutes() []Route {
	return []Route{
		{Command: "close", Roles: domain.Staff, Help: "cases.help_close", Handle: e.caseClose},
		{Command: "reopen", Roles: domain.Staff, Help: "cases.help_reopen", Handle: e.caseReopen},
		{Command: "reassign", Roles: domain.Coordinators, Help: "cases.help_reassign", Handle: e.caseReassign},
		{Command: "deactivate", Roles: domain.Coordinators, Help: "cases.help_deactivate", Handle: e.caseDeactivate},
		{Button: ButtonCaseClose, Roles: domain.Staff, Action: "/close", Handle: e.caseCloseButton},
		{Button: ButtonCaseReopen, Roles: domain.Staff, Action: "/reopen", Handle: e.caseReopenButton},
		{Button: ButtonCaseReassign, Roles: domain.Coordinators, Action: "/reassign", Handle: e.caseReassignButton},
		{Button: ButtonStaffDeactivate, Roles: domain.Coordinators, Action: "/deactivate", Handle: e.caseDeactivateButton},
		{Step: stepCaseNote, Roles: domain.Staff, Action: "/close", Handle: e.caseNoteText},
	}
}

// caseClose answers /close [<code> [<reason> [<note>]]]: without a code, a list of the open
// cases to pick; without a reason, the reasons as buttons; "other" needs a note (asked when
// missing). A typed reason closes at once; a pressed one asks to confirm.
func (e *Engine) caseClose(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	if len(args) == 0 {
		return e.caseOpenPicker(ctx, c)
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/close", args[0])
	if err != nil || !ok {
		return err
	}
	if b.Status == storage.BeneficiaryClosed {
		return e.caseRefused(ctx, c, b, "/close", domain.ErrCaseClosed)
	}
	if len(args) == 1 {
		return e.caseReasonPicker(ctx, c, b)
	}
	reason, ok := e.words.exitReason(args[1])
	if !ok {
		return c.ReplyText(ctx, "cases.bad_reason", "Typed", args[1])
	}
	note := strings.Join(args[2:], " ")
	if reason == storage.ExitOther && note == "" {
		return e.caseAskNote(ctx, c, b)
	}
	return e.caseDoClose(ctx, c, b, reason, note)
}

// caseOpenPicker lists the open cases of the actor's scope (first page) to close.
func (e *Engine) caseOpenPicker(ctx context.Context, c *Ctx) error {
	rows, total, err := storage.Caseload(ctx, c.Tx, c.Actor.CaseloadFilter(), civil.Today(c.Now, e.set.Location), tutorPage, 0)
	if err != nil {
		return err
	}
	if total == 0 {
		return c.ReplyText(ctx, "cases.none")
	}
	var buttons [][]bot.Button
	for _, r := range rows {
		buttons = append(buttons, []bot.Button{{Text: label("🔒 " + r.Code), Data: notify.Data(ButtonCaseClose, "p", r.ID)}})
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.pick_close"), Buttons: buttons})
}

// caseReasonPicker asks why b's case closes.
func (e *Engine) caseReasonPicker(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	if b.Status == storage.BeneficiaryClosed {
		return e.caseRefused(ctx, c, b, "/close", domain.ErrCaseClosed)
	}
	var buttons [][]bot.Button
	for _, r := range storage.ExitReasons() {
		buttons = append(buttons, []bot.Button{{Text: c.T("cases.reason_" + r), Data: notify.Data(ButtonCaseClose, "r", b.ID, r)}})
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.ask_reason", "Who", tutorName(b)), Buttons: buttons})
}

// caseAskNote waits for the note of the reason "other".
func (e *Engine) caseAskNote(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	c.SetStep(stepCaseNote, map[string]string{"b": strconv.FormatInt(b.ID, 10)})
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.ask_note", "Code", b.Code), Buttons: [][]bot.Button{tutorCancelRow(c.L)}})
}

// caseNoteText takes the note of "other" and asks to confirm.
func (e *Engine) caseNoteText(ctx context.Context, c *Ctx) error {
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, c.State.Int("b"))
	if err != nil || !ok {
		return err
	}
	note := strings.TrimSpace(c.In.Text)
	if note == "" {
		return e.caseAskNote(ctx, c, b)
	}
	c.SetStep(stepCaseNote, map[string]string{"b": strconv.FormatInt(b.ID, 10), "note": note})
	return e.caseConfirmClose(ctx, c, b, storage.ExitOther)
}

// caseConfirmClose asks whether to close b's case for reason, with a one-time token.
func (e *Engine) caseConfirmClose(ctx context.Context, c *Ctx, b storage.Beneficiary, reason string) error {
	token, err := c.confirmToken(ctx, confirmCaseClose, strconv.FormatInt(b.ID, 10)+":"+reason)
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.confirm_close", "Who", tutorName(b), "Reason", c.T("cases.reason_"+reason)),
		Buttons: [][]bot.Button{{{Text: c.T("cases.close_button"), Data: notify.Data(ButtonCaseClose, "y", token)}}, tutorCancelRow(c.L)}})
}

// caseCloseButton handles the buttons of /close.
func (e *Engine) caseCloseButton(ctx context.Context, c *Ctx) error {
	switch c.Args().Str(0) {
	case "p":
		c.ClearStep()
		id, _ := c.Args().Int(1)
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		return e.caseReasonPicker(ctx, c, b)
	case "r":
		c.ClearStep()
		id, _ := c.Args().Int(1)
		reason := c.Args().Str(2)
		if !storage.IsExitReason(reason) {
			return e.tutorStale(ctx, c, "", "")
		}
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		if b.Status == storage.BeneficiaryClosed {
			return e.caseRefused(ctx, c, b, "/close", domain.ErrCaseClosed)
		}
		if reason == storage.ExitOther {
			return e.caseAskNote(ctx, c, b)
		}
		return e.caseConfirmClose(ctx, c, b, reason)
	case "y":
		target, ok, err := c.takeConfirm(ctx, confirmCaseClose, 1)
		if err != nil || !ok {
			return err
		}
		note := c.State.Get("note")
		c.ClearStep()
		idText, reason, _ := strings.Cut(target, ":")
		id, _ := strconv.ParseInt(idText, 10, 64)
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		if reason == storage.ExitOther && note == "" {
			// The form's note was lost (it expired): ask again rather than close without it.
			return e.caseAskNote(ctx, c, b)
		}
		return e.caseDoClose(ctx, c, b, reason, note)
	}
	return e.tutorStale(ctx, c, "", "")
}

// caseDoClose closes the case through the domain and answers what happened.
func (e *Engine) caseDoClose(ctx context.Context, c *Ctx, b storage.Beneficiary, reason, note string) error {
	told, err := e.domain.CloseCase(ctx, c.Tx, c.Now, c.Actor, b, reason, note)
	if err != nil {
		return e.caseAnswerError(ctx, c, b, err)
	}
	c.Answer(c.T("cases.done_short"))
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.closed", "Code", b.Code, "Reason", c.T("cases.reason_"+reason)) + "\n" + caseToldLine(c, told)})
}

// caseReopen answers /reopen [<code>]: without a code, the closed cases of the actor's scope to
// pick; with one, a confirmation.
func (e *Engine) caseReopen(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	switch len(args) {
	case 0:
		closed, err := storage.ClosedCases(ctx, c.Tx, c.Actor.CaseloadFilter(), tutorPage)
		if err != nil {
			return err
		}
		if len(closed) == 0 {
			return c.ReplyText(ctx, "cases.none")
		}
		var buttons [][]bot.Button
		for _, b := range closed {
			buttons = append(buttons, []bot.Button{{Text: label("🔓 " + b.Code), Data: notify.Data(ButtonCaseReopen, "p", b.ID)}})
		}
		buttons = append(buttons, tutorCancelRow(c.L))
		return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.pick_reopen"), Buttons: buttons})
	case 1:
	default:
		return c.ReplyText(ctx, "cases.usage_reopen")
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/reopen", args[0])
	if err != nil || !ok {
		return err
	}
	return e.caseConfirmReopen(ctx, c, b)
}

// caseConfirmReopen asks whether to reopen b's case.
func (e *Engine) caseConfirmReopen(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	if b.Status != storage.BeneficiaryClosed {
		return e.caseRefused(ctx, c, b, "/reopen", domain.ErrCaseOpen)
	}
	token, err := c.confirmToken(ctx, confirmCaseReopen, strconv.FormatInt(b.ID, 10))
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.confirm_reopen", "Who", tutorName(b)),
		Buttons: [][]bot.Button{{{Text: c.T("cases.reopen_button"), Data: notify.Data(ButtonCaseReopen, "y", token)}}, tutorCancelRow(c.L)}})
}

// caseReopenButton handles the buttons of /reopen.
func (e *Engine) caseReopenButton(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	switch c.Args().Str(0) {
	case "p":
		id, _ := c.Args().Int(1)
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		return e.caseConfirmReopen(ctx, c, b)
	case "y":
		target, ok, err := c.takeConfirm(ctx, confirmCaseReopen, 1)
		if err != nil || !ok {
			return err
		}
		id, _ := strconv.ParseInt(target, 10, 64)
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		told, err := e.domain.ReopenCase(ctx, c.Tx, c.Now, c.Actor, b)
		if err != nil {
			return e.caseAnswerError(ctx, c, b, err)
		}
		c.Answer(c.T("cases.done_short"))
		return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.reopened", "Code", b.Code) + "\n" + caseToldLine(c, told)})
	}
	return e.tutorStale(ctx, c, "", "")
}

// caseRefused audits and answers a refusal the domain would give, before any form goes on.
func (e *Engine) caseRefused(ctx context.Context, c *Ctx, b storage.Beneficiary, action string, why error) error {
	if err := domain.Refuse(ctx, c.Tx, c.Now, c.Actor, action, "beneficiary", strconv.FormatInt(b.ID, 10), why.Error()); err != nil {
		return err
	}
	return e.caseAnswerError(ctx, c, b, why)
}

// caseAnswerError answers a refusal of the case actions (already audited) in the staff
// member's language; other errors are returned.
func (e *Engine) caseAnswerError(ctx context.Context, c *Ctx, b storage.Beneficiary, err error) error {
	c.ClearStep()
	switch {
	case errors.Is(err, domain.ErrCaseClosed):
		return c.ReplyText(ctx, "cases.already_closed", "Code", b.Code)
	case errors.Is(err, domain.ErrCaseOpen):
		return c.ReplyText(ctx, "cases.not_closed", "Code", b.Code)
	case errors.Is(err, domain.ErrExitReason):
		return c.ReplyText(ctx, "cases.bad_reason", "Typed", "")
	case errors.Is(err, domain.ErrExitNote):
		return c.ReplyText(ctx, "cases.ask_note", "Code", b.Code)
	case errors.Is(err, domain.ErrDenied):
		return c.ReplyText(ctx, "staff.no_such_beneficiary", "Code", b.Code)
	case errors.Is(err, domain.ErrNotATutor):
		return c.ReplyText(ctx, "cases.not_a_tutor", "Territory", b.Territory)
	case errors.Is(err, domain.ErrSameTutor):
		return c.ReplyText(ctx, "cases.same_tutor")
	}
	return err
}

// caseToldLine says whether the person was told.
func caseToldLine(c *Ctx, told bool) string {
	if told {
		return c.T("cases.told")
	}
	return c.T("cases.not_told")
}
