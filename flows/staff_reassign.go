package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Buttons of reassigning and deactivating.
const (
	ButtonCaseReassign    = "csr" // csr:b:<beneficiary id>:<tutor id> one case; csr:t:<from id>:<to id> a caseload
	ButtonStaffDeactivate = "csd" // csd:p:<staff id> pick; csd:y:<token> confirm
)

// confirmDeactivate confirms a deactivation; target "<staff id>".
const confirmDeactivate = "staff deactivate"

// parseStaffID reads a staff member's id as typed: "12" or "#12".
func parseStaffID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return id, err == nil && id > 0
}

// staffInScope finds a staff member by id within the actor's territories; when not, it has
// answered (one line that says nothing about staff elsewhere) and audited the refusal.
func (e *Engine) staffInScope(ctx context.Context, c *Ctx, action string, id int64) (storage.Staff, bool, error) {
	s, err := storage.StaffByID(ctx, c.Tx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return s, false, err
	}
	if err == nil && (c.Actor.Role() == domain.RoleAdmin || (s.Territory.Valid && c.Actor.CanUseTerritory(s.Territory.String))) {
		return s, true, nil
	}
	if err := c.Refuse(ctx, action, "staff", strconv.FormatInt(id, 10)); err != nil {
		return s, false, err
	}
	return s, false, c.ReplyText(ctx, "cases.no_such_staff", "ID", id)
}

// caseReassign answers /reassign <code> <tutor id> (one case) and /reassign <tutor id> <tutor
// id> (a whole open caseload); without the new tutor, the territory's tutors as buttons.
func (e *Engine) caseReassign(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	if len(args) == 0 || len(args) > 2 {
		return c.ReplyText(ctx, "cases.usage_reassign")
	}
	var to int64
	if len(args) == 2 {
		id, ok := parseStaffID(args[1])
		if !ok {
			return c.ReplyText(ctx, "cases.usage_reassign")
		}
		to = id
	}
	if fromID, ok := parseStaffID(args[0]); ok {
		from, ok, err := e.staffInScope(ctx, c, "/reassign", fromID)
		if err != nil || !ok {
			return err
		}
		if to == 0 {
			return e.caseTutorPicker(ctx, c, from.Territory.String, from.ID, "t", from.ID, c.T("cases.pick_tutor", "Who", from.DisplayName))
		}
		return e.caseReassignCaseload(ctx, c, from, to)
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/reassign", args[0])
	if err != nil || !ok {
		return err
	}
	if to == 0 {
		return e.caseTutorPicker(ctx, c, b.Territory, b.TutorID.Int64, "b", b.ID, c.T("cases.pick_tutor", "Who", tutorName(b)))
	}
	return e.caseReassignOne(ctx, c, b, to)
}

// caseTutorPicker shows the active tutors of a territory but one, as buttons csr:<kind>:<id>:<tutor>.
func (e *Engine) caseTutorPicker(ctx context.Context, c *Ctx, territory string, except int64, kind string, id int64, title string) error {
	staff, err := storage.ListStaff(ctx, c.Tx, territory)
	if err != nil {
		return err
	}
	var buttons [][]bot.Button
	for _, s := range staff {
		if s.ID == except || s.Role != storage.RoleTutor || s.Status != "active" || s.Territory.String != territory {
			continue
		}
		buttons = append(buttons, []bot.Button{{Text: label("👤 #" + strconv.FormatInt(s.ID, 10) + " " + s.DisplayName), Data: notify.Data(ButtonCaseReassign, kind, id, s.ID)}})
	}
	if len(buttons) == 0 {
		return c.ReplyText(ctx, "cases.no_other_tutor", "Territory", territory)
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: title, Buttons: buttons})
}

// caseReassignButton handles a pressed tutor of the picker.
func (e *Engine) caseReassignButton(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	id, ok1 := c.Args().Int(1)
	to, ok2 := c.Args().Int(2)
	if !ok1 || !ok2 {
		return e.tutorStale(ctx, c, "", "")
	}
	switch c.Args().Str(0) {
	case "b":
		b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
		if err != nil || !ok {
			return err
		}
		return e.caseReassignOne(ctx, c, b, to)
	case "t":
		from, ok, err := e.staffInScope(ctx, c, "/reassign", id)
		if err != nil || !ok {
			return err
		}
		return e.caseReassignCaseload(ctx, c, from, to)
	}
	return e.tutorStale(ctx, c, "", "")
}

func (e *Engine) caseReassignOne(ctx context.Context, c *Ctx, b storage.Beneficiary, toID int64) error {
	to, ok, err := e.staffInScope(ctx, c, "/reassign", toID)
	if err != nil || !ok {
		return err
	}
	if err := e.domain.Reassign(ctx, c.Tx, c.Now, c.Actor, b, to); err != nil {
		return e.caseAnswerError(ctx, c, b, err)
	}
	c.Answer(c.T("cases.done_short"))
	return c.ReplyText(ctx, "cases.reassigned", "Code", b.Code, "Tutor", to.DisplayName)
}

func (e *Engine) caseReassignCaseload(ctx context.Context, c *Ctx, from storage.Staff, toID int64) error {
	to, ok, err := e.staffInScope(ctx, c, "/reassign", toID)
	if err != nil || !ok {
		return err
	}
	n, err := e.domain.ReassignCaseload(ctx, c.Tx, c.Now, c.Actor, from, to)
	switch {
	case errors.Is(err, domain.ErrNotATutor):
		return c.ReplyText(ctx, "cases.not_a_tutor", "Territory", from.Territory.String)
	case errors.Is(err, domain.ErrSameTutor):
		return c.ReplyText(ctx, "cases.same_tutor")
	case errors.Is(err, domain.ErrDenied):
		return c.ReplyText(ctx, "cases.no_such_staff", "ID", from.ID)
	case err != nil:
		return err
	}
	c.Answer(c.T("cases.done_short"))
	return c.ReplyText(ctx, "cases.caseload_moved", "N", n, "From", from.DisplayName, "Tutor", to.DisplayName)
}

// caseDeactivate answers /deactivate [<staff id>]: without an id, the active staff of the
// actor's scope with their open cases; with one, a confirmation.
func (e *Engine) caseDeactivate(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	switch len(args) {
	case 0:
		return e.caseStaffPicker(ctx, c)
	case 1:
	default:
		return c.ReplyText(ctx, "cases.usage_deactivate")
	}
	id, ok := parseStaffID(args[0])
	if !ok {
		return c.ReplyText(ctx, "cases.usage_deactivate")
	}
	s, ok, err := e.staffInScope(ctx, c, "/deactivate", id)
	if err != nil || !ok {
		return err
	}
	return e.caseConfirmDeactivate(ctx, c, s)
}

// caseStaffPicker lists the active tutors of the actor's scope (every active staff member for
// an admin) with their open cases.
func (e *Engine) caseStaffPicker(ctx context.Context, c *Ctx) error {
	staff, err := storage.ListStaff(ctx, c.Tx, c.Actor.ScopeTerritory())
	if err != nil {
		return err
	}
	lines := []string{c.T("cases.pick_staff")}
	var buttons [][]bot.Button
	for _, s := range staff {
		if s.Status != "active" || s.ID == c.Actor.StaffID() || (c.Actor.Role() != domain.RoleAdmin && s.Role != storage.RoleTutor) {
			continue
		}
		open, err := storage.OpenCaseload(ctx, c.Tx, s.ID)
		if err != nil {
			return err
		}
		lines = append(lines, c.T("cases.staff_line", "ID", s.ID, "Name", s.DisplayName, "Role", s.Role, "Territory", s.Territory.String, "Open", len(open)))
		if len(buttons) < tutorPage {
			buttons = append(buttons, []bot.Button{{Text: label("⛔ #" + strconv.FormatInt(s.ID, 10) + " " + s.DisplayName), Data: notify.Data(ButtonStaffDeactivate, "p", s.ID)}})
		}
	}
	if len(buttons) == 0 {
		return c.ReplyText(ctx, "cases.none")
	}
	buttons = append(buttons, tutorCancelRow(c.L))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: buttons})
}

// caseConfirmDeactivate asks whether to deactivate s (refused at once while they follow open
// cases).
func (e *Engine) caseConfirmDeactivate(ctx context.Context, c *Ctx, s storage.Staff) error {
	open, err := storage.OpenCaseload(ctx, c.Tx, s.ID)
	if err != nil {
		return err
	}
	if len(open) > 0 || s.Status == domain.StaffStatusDisabled {
		// The domain refuses and audits; answering here keeps one wording.
		return e.caseDoDeactivate(ctx, c, s)
	}
	token, err := c.confirmToken(ctx, confirmDeactivate, strconv.FormatInt(s.ID, 10))
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("cases.confirm_deactivate", "ID", s.ID, "Name", s.DisplayName),
		Buttons: [][]bot.Button{{{Text: c.T("cases.deactivate_button"), Data: notify.Data(ButtonStaffDeactivate, "y", token)}}, tutorCancelRow(c.L)}})
}

func (e *Engine) caseDeactivateButton(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	switch c.Args().Str(0) {
	case "p":
		id, ok := c.Args().Int(1)
		if !ok {
			return e.tutorStale(ctx, c, "", "")
		}
		s, ok, err := e.staffInScope(ctx, c, "/deactivate", id)
		if err != nil || !ok {
			return err
		}
		return e.caseConfirmDeactivate(ctx, c, s)
	case "y":
		target, ok, err := c.takeConfirm(ctx, confirmDeactivate, 1)
		if err != nil || !ok {
			return err
		}
		id, _ := strconv.ParseInt(target, 10, 64)
		s, ok, err := e.staffInScope(ctx, c, "/deactivate", id)
		if err != nil || !ok {
			return err
		}
		return e.caseDoDeactivate(ctx, c, s)
	}
	return e.tutorStale(ctx, c, "", "")
}

func (e *Engine) caseDoDeactivate(ctx context.Context, c *Ctx, s storage.Staff) error {
	err := e.domain.DeactivateStaff(ctx, c.Tx, c.Now, c.Actor, s)
	switch {
	case errors.Is(err, domain.ErrHasCaseload):
		open, err := storage.OpenCaseload(ctx, c.Tx, s.ID)
		if err != nil {
			return err
		}
		return c.ReplyText(ctx, "cases.has_caseload", "Name", s.DisplayName, "N", len(open), "ID", s.ID)
	case errors.Is(err, domain.ErrStaffDisabled):
		return c.ReplyText(ctx, "cases.already_disabled", "Name", s.DisplayName)
	case errors.Is(err, domain.ErrDenied):
		return c.ReplyText(ctx, "auth.denied")
	case err != nil:
		return err
	}
	c.Answer(c.T("cases.done_short"))
	return c.ReplyText(ctx, "cases.deactivated", "Name", s.DisplayName, "ID", s.ID)
}
