package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Buttons of the tutors' commands (coordinators and admins use them too).
const (
	ButtonTutorCard       = "tb" // tb:<beneficiary id>: the beneficiary's card
	ButtonTutorMinePage   = "tm" // tm:<offset>: a page of /mine
	ButtonTutorStep       = "ts" // ts:<op>:<args>: the /step form
	ButtonTutorInvite     = "ti" // ti:<kind>[:<lang>[:<territory>]]: the /invite form
	ButtonTutorWrite      = "tw" // tw:<beneficiary id>: write to a beneficiary (card, /reply form)
	ButtonTutorAlertDone  = "ta" // ta:<alert id>: close an alert
	ButtonTutorAlertsPage = "tq" // tq:<offset>: a page of /alerts
	ButtonTutorLead       = "tl" // tl:<op>:<args>: the /lead form
	ButtonTutorAttendance = "tt" // tt:<session id>[:<beneficiary id>:p|a]: attendance
	ButtonTutorLang       = "tg" // tg:<lang>: the staff member's language
	ButtonTutorCancel     = "tx" // tx: cancel the open form
)

// Conversation steps of the tutors' forms (free text expected).
const (
	stepTutorReply      = "tutor_reply"       // data: b (beneficiary id), a (alert id, optional)
	stepTutorStepTitle  = "tutor_step_title"  // data: b, area
	stepTutorStepDue    = "tutor_step_due"    // data: b, area, key or title
	stepTutorStepNewDue = "tutor_step_newdue" // data: b, s (step id)
	stepTutorInvite     = "tutor_invite"      // the /invite pickers are open
	stepTutorLead       = "tutor_lead"        // data: the lead so far, f (the field asked)
)

// tutorPage is how many entries a list shows at once (one button each).
const tutorPage = 10

// tutorRoutes are the tutors' commands, buttons and form steps. Coordinators and admins may use
// every one of them, across their territory or everywhere (Actor.CanSeeBeneficiary,
// Actor.CanUseTerritory); /invite tutor is checked in its handler.
func (e *Engine) tutorRoutes() []Route {
	return []Route{
		{Command: "mine", Roles: domain.Staff, Help: "staffhelp.mine", Handle: e.tutorMine},
		{Command: "b", Roles: domain.Staff, Help: "staffhelp.b", Handle: e.tutorCardCommand},
		{Command: "alerts", Roles: domain.Staff, Help: "staffhelp.alerts", Handle: e.tutorAlerts},
		{Command: "reply", Roles: domain.Staff, Help: "staffhelp.reply", Handle: e.tutorReply},
		{Command: "step", Roles: domain.Staff, Help: "staffhelp.step", Handle: e.tutorStep},
		{Command: "invite", Roles: domain.Staff, Help: "staffhelp.invite", Handle: e.tutorInvite},
		{Command: "lead", Roles: domain.Staff, Help: "staffhelp.lead", Handle: e.tutorLead},
		{Command: "attendance", Roles: domain.Staff, Help: "staffhelp.attendance", Handle: e.tutorAttendance},
		{Command: "lang", Roles: domain.Staff | domain.RoleOperator, Help: "staffhelp.lang", Handle: e.tutorLang},
		{Command: "help", Roles: domain.Staff | domain.RoleOperator, Help: "staffhelp.help", Handle: e.tutorHelp},
		{Command: "menu", Roles: domain.Staff | domain.RoleOperator, Handle: e.tutorHelp},

		{Button: ButtonTutorCard, Roles: domain.Staff, Handle: e.tutorCardButton},
		{Button: ButtonTutorMinePage, Roles: domain.Staff, Handle: e.tutorMinePage},
		{Button: notify.ButtonAlertOpen, Roles: domain.Staff, Handle: e.tutorAlertOpen},
		{Button: notify.ButtonAlertReply, Roles: domain.Staff, Handle: e.tutorAlertReply},
		{Button: ButtonTutorAlertDone, Roles: domain.Staff, Handle: e.tutorAlertDone},
		{Button: ButtonTutorAlertsPage, Roles: domain.Staff, Handle: e.tutorAlertsPage},
		{Button: ButtonTutorWrite, Roles: domain.Staff, Handle: e.tutorWriteButton},
		{Button: ButtonTutorStep, Roles: domain.Staff, Handle: e.tutorStepButton},
		{Button: ButtonTutorInvite, Roles: domain.Staff, Handle: e.tutorInviteButton},
		{Button: ButtonTutorLead, Roles: domain.Staff, Handle: e.tutorLeadButton},
		{Button: ButtonTutorAttendance, Roles: domain.Staff, Handle: e.tutorAttendanceButton},
		{Button: ButtonTutorLang, Roles: domain.Staff | domain.RoleOperator, Handle: e.tutorLangButton},
		{Button: ButtonTutorCancel, Roles: domain.Staff | domain.RoleOperator, Handle: e.tutorCancel},

		{Step: stepTutorReply, Roles: domain.Staff, Action: "reply", Handle: e.tutorReplyText},
		{Step: stepTutorStepTitle, Roles: domain.Staff, Action: "/step add", Handle: e.tutorStepTitleText},
		{Step: stepTutorStepDue, Roles: domain.Staff, Action: "/step add", Handle: e.tutorStepDueText},
		{Step: stepTutorStepNewDue, Roles: domain.Staff, Action: "/step due", Handle: e.tutorStepNewDueText},
		{Step: stepTutorLead, Roles: domain.Staff, Action: "/lead add", Handle: e.tutorLeadText},

		{Fallback: true, Roles: domain.Staff | domain.RoleOperator, Action: "fallback", Handle: e.tutorFallback},
	}
}

// tutorFields are the words after a command.
func tutorFields(c *Ctx) []string { return strings.Fields(c.In.Text) }

// tutorRefuse refuses an action on a record outside the staff member's scope (another
// territory's session or lead): audited, answered with one precise line, nothing changed.
func tutorRefuse(ctx context.Context, c *Ctx, action, targetKind, targetID, msgID string, kv ...any) error {
	if err := c.Refuse(ctx, action, targetKind, targetID); err != nil {
		return err
	}
	return c.ReplyText(ctx, msgID, kv...)
}

// tutorStale answers a button that is out of date or about a record the staff member may not
// act on (or a form whose record changed meanwhile): audited as refused, the form closed,
// nothing changed, the commands shown.
func (e *Engine) tutorStale(ctx context.Context, c *Ctx, targetKind, targetID string) error {
	action, msg := "text:"+c.State.Step, "staffhelp.stale_form"
	if c.In.Kind == bot.KindButton {
		name, _ := notify.ParseData(c.In.Data)
		action, msg = "button:"+name, "staffhelp.stale"
	}
	if err := c.Refuse(ctx, action, targetKind, targetID); err != nil {
		return err
	}
	c.ClearStep()
	return c.Reply(ctx, bot.Outgoing{Text: c.T(msg) + "\n\n" + e.tutorMenuText(c)})
}

// tutorBeneficiaryByID finds the beneficiary a button names and checks the staff member may
// act on them; when not, it has answered (stale) and returns ok false.
func (e *Engine) tutorBeneficiaryByID(ctx context.Context, c *Ctx, id int64) (storage.Beneficiary, bool, error) {
	b, err := storage.BeneficiaryByID(ctx, c.Tx, id)
	if err == nil && b.Status != storage.BeneficiaryErased && c.Actor.CanSeeBeneficiary(b) {
		return b, true, nil
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return b, false, err
	}
	return b, false, e.tutorStale(ctx, c, "beneficiary", strconv.FormatInt(id, 10))
}

// tutorCancelRow is the row with the Cancel button every form step shows.
func tutorCancelRow(l *locales.Localizer) []bot.Button {
	return []bot.Button{{Text: l.T("staffhelp.cancel"), Data: notify.Data(ButtonTutorCancel)}}
}

// tutorCancel ends the open form; nothing was saved.
func (e *Engine) tutorCancel(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	c.Answer(c.T("staffhelp.cancelled"))
	return c.ReplyText(ctx, "staffhelp.cancelled")
}

// tutorName is how staff see a beneficiary: code and name, never a phone number.
func tutorName(b storage.Beneficiary) string {
	if b.DisplayName.Valid && b.DisplayName.String != "" {
		return b.Code + " · " + b.DisplayName.String
	}
	return b.Code
}

// tutorPager adds Previous / Next buttons to a paginated list.
func tutorPager(l *locales.Localizer, name string, offset, total int, extra ...any) []bot.Button {
	at := func(n int) string {
		args := append(append([]any{}, extra...), n)
		return notify.Data(name, args...)
	}
	var row []bot.Button
	if offset > 0 {
		row = append(row, bot.Button{Text: l.T("staffhelp.prev"), Data: at(max(offset-tutorPage, 0))})
	}
	if offset+tutorPage < total {
		row = append(row, bot.Button{Text: l.T("staffhelp.next"), Data: at(offset + tutorPage)})
	}
	return row
}
