package desk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// stepTitleMax is the longest title of a step of one's own (characters), as the chat's /step.
const stepTitleMax = 200

// personInScope finds the person a path names ({code}) for a change: someone the staff member
// may see, not erased. Anyone else (or no one) has been answered as out of scope (ok false),
// audited under action.
func (d *Desk) personInScope(w http.ResponseWriter, r *Request, action string) (storage.Beneficiary, bool, error) {
	return d.findPerson(w, r, action, inScope)
}

// findPerson finds the person a path names ({code}): someone may lets the staff member see,
// not erased. Anyone else (or no one) has been answered as out of scope (ok false), audited
// under action.
func (d *Desk) findPerson(w http.ResponseWriter, r *Request, action string, may func(storage.Staff, storage.Beneficiary) bool) (storage.Beneficiary, bool, error) {
	code := r.PathValue("code")
	if !plausibleCode(code) {
		return storage.Beneficiary{}, false, d.OutOfScope(w, r, action, "beneficiary", "")
	}
	b, err := storage.BeneficiaryByCode(r.Context(), d.cfg.DB, code)
	if errors.Is(err, storage.ErrNotFound) {
		return b, false, d.OutOfScope(w, r, action, "beneficiary", "")
	}
	if err != nil {
		return b, false, err
	}
	if b.Status == storage.BeneficiaryErased || !may(r.Staff, b) {
		return b, false, d.OutOfScope(w, r, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	return b, true, nil
}

func personPath(b storage.Beneficiary) string { return "/desk/people/" + b.Code }

// personReply sends a message to the person from their page (domain.ReplyToPerson, as the
// chat's /reply).
func (d *Desk) personReply(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.reply")
	if err != nil || !ok {
		return err
	}
	return d.reply(w, r, b, 0, personPath(b), "talk-title")
}

// stepAdd adds a step to the person's plan (domain.AddStep, as the chat's /step add): a
// standard step (key), or a title of one's own in an area, with an optional due date.
func (d *Desk) stepAdd(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.step_add")
	if err != nil || !ok {
		return err
	}
	path := personPath(b)
	ns := storage.NewStep{Area: r.PostFormValue("area")}
	if key := r.PostFormValue("key"); key != "" {
		std, known := locales.StandardStepByKey(key)
		if !known {
			back(w, r, path, "err", errBadArea, "plan-title")
			return nil
		}
		ns.Area, ns.StepKey = std.Area, std.Key
	} else {
		if !slices.Contains(storage.Areas(), ns.Area) {
			back(w, r, path, "err", errBadArea, "plan-title")
			return nil
		}
		ns.Title = formText(r, "title")
		if ns.Title == "" {
			back(w, r, path, "err", errStepTitle, "plan-title")
			return nil
		}
		if utf8.RuneCountInString(ns.Title) > stepTitleMax {
			back(w, r, path, "err", errStepLong, "plan-title", "max", strconv.Itoa(stepTitleMax))
			return nil
		}
	}
	if typed := r.PostFormValue("due"); typed != "" {
		due, bad := d.dueDate(r, typed)
		if bad != "" {
			back(w, r, path, "err", bad, "plan-title")
			return nil
		}
		ns.DueDate = due
	}
	var told bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		_, told, err = d.cfg.Domain.AddStep(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, ns)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, path, "ok", toldNotice(told, okStepAdded), "plan-title")
	return nil
}

// dueDate reads a due date from a form (YYYY-MM-DD from a date field, or as the chat takes
// it): bad is the notice when it is not a date or is before today.
func (d *Desk) dueDate(r *Request, typed string) (date, bad string) {
	due, err := civil.ParseDate(typed)
	if err != nil {
		return "", errBadDate
	}
	if due < civil.Today(r.Now, d.cfg.Location) {
		return "", errPastDate
	}
	return due, ""
}

// toldNotice is the notice after a change the person is told of: ok, or that it was made but
// could not reach them.
func toldNotice(told bool, ok string) string {
	if told {
		return ok
	}
	return okNotTold
}

// stepInScope finds the step a path names ({id}) in the person's plan; a step of someone else
// has been answered as out of scope.
func (d *Desk) stepInScope(w http.ResponseWriter, r *Request, action string) (storage.Beneficiary, storage.PlanStep, bool, error) {
	b, ok, err := d.personInScope(w, r, action)
	if err != nil || !ok {
		return b, storage.PlanStep{}, false, err
	}
	id, ok := pathID(r, "id")
	if !ok {
		return b, storage.PlanStep{}, false, d.OutOfScope(w, r, action, "plan_step", "")
	}
	s, err := storage.StepByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return b, s, false, err
	}
	if err != nil || s.BeneficiaryID != b.ID {
		return b, s, false, d.OutOfScope(w, r, action, "plan_step", strconv.FormatInt(id, 10))
	}
	return b, s, true, nil
}

// stepStatuses are the statuses a step can be given.
func stepStatuses() []string {
	return []string{storage.StepTodo, storage.StepInProgress, storage.StepDone, storage.StepBlocked}
}

// stepStatus changes a step's status (domain.SetStepStatus, as the chat's /step <code> <n> <status>).
func (d *Desk) stepStatus(w http.ResponseWriter, r *Request) error {
	b, s, ok, err := d.stepInScope(w, r, "desk.step_status")
	if err != nil || !ok {
		return err
	}
	path, anchor := personPath(b), "step-"+strconv.FormatInt(s.ID, 10)
	status := r.PostFormValue("status")
	if !slices.Contains(stepStatuses(), status) {
		back(w, r, path, "err", errBadStatus, anchor)
		return nil
	}
	var changed, told bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		changed, told, err = d.cfg.Domain.SetStepStatus(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, s, status)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if !changed {
		back(w, r, path, "ok", okUnchanged, anchor)
		return nil
	}
	back(w, r, path, "ok", toldNotice(told, okStepStatus), anchor)
	return nil
}

// stepDue changes a step's due date (domain.SetStepDue, as the chat's /step <code> <n> due <date>).
func (d *Desk) stepDue(w http.ResponseWriter, r *Request) error {
	b, s, ok, err := d.stepInScope(w, r, "desk.step_due")
	if err != nil || !ok {
		return err
	}
	path, anchor := personPath(b), "step-"+strconv.FormatInt(s.ID, 10)
	due, bad := d.dueDate(r, r.PostFormValue("due"))
	if bad != "" {
		back(w, r, path, "err", bad, anchor)
		return nil
	}
	var changed, told bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		changed, told, err = d.cfg.Domain.SetStepDue(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, s, due)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if !changed {
		back(w, r, path, "ok", okUnchanged, anchor)
		return nil
	}
	back(w, r, path, "ok", toldNotice(told, okStepDue), anchor)
	return nil
}
