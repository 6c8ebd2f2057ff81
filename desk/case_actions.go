package desk

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// The case actions of a person's page: close, reopen, reassign, record an outcome. Each is the
// domain function the chat's /close, /reopen, /reassign and /outcome call; its refusals are
// audited by the domain and shown as a notice (a refusal of rights is a 404).

// Notices of the case actions (desk.case.ok.<key>, desk.case.err.<key>).
const (
	okCaseClosed      = "case_closed"
	okCaseReopened    = "case_reopened"
	okCaseReassigned  = "case_reassigned"
	okOutcomeRecorded = "outcome_recorded"

	errAlreadyClosed  = "already_closed"
	errNotClosed      = "not_closed"
	errExitReason     = "exit_reason"
	errExitNote       = "exit_note"
	errNotATutor      = "not_a_tutor"
	errSameTutor      = "same_tutor"
	errOutcomeInvalid = "outcome_invalid"
	errOutcomeDate    = "outcome_date"
)

// caseNoticeKeys are the notices of the case actions: true for an error.
func caseNoticeKeys() map[string]bool {
	return map[string]bool{
		okCaseClosed: false, okCaseReopened: false, okCaseReassigned: false, okOutcomeRecorded: false,
		errAlreadyClosed: true, errNotClosed: true, errExitReason: true, errExitNote: true, errNotATutor: true,
		errSameTutor: true, errOutcomeInvalid: true, errOutcomeDate: true,
	}
}

const caseAnchor = "case-title"

// caseChange runs one case action (decide: a refusal is committed with its audit entry) and
// goes back to the person's page at anchor: with the refusal's notice, or with notice() once
// the change is made.
func (d *Desk) caseChange(w http.ResponseWriter, r *Request, b storage.Beneficiary, anchor string, notice func() string, act func(tx *storage.Tx) error) error {
	refused, err := d.decide(r, act)
	if err != nil {
		return err
	}
	if refused != nil {
		d.caseRefused(w, r, b, refused)
		return nil
	}
	back(w, r, personPath(b), "ok", notice(), anchor)
	return nil
}

// caseRefused answers a refusal: a notice on the page, or 404 for a refusal of rights.
func (d *Desk) caseRefused(w http.ResponseWriter, r *Request, b storage.Beneficiary, refused error) {
	if key := caseNotice(refused); key != "" {
		back(w, r, personPath(b), "err", key, caseAnchor)
		return
	}
	d.message(w, r.Request, r, http.StatusNotFound, "not_found")
}

// caseClose closes the person's case (domain.CloseCase, as the chat's /close): an exit reason,
// and a note (required for "other").
func (d *Desk) caseClose(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.case_close")
	if err != nil || !ok {
		return err
	}
	reason, note := r.PostFormValue("reason"), formMessage(r, "note")
	var told bool
	return d.caseChange(w, r, b, caseAnchor, func() string { return toldNotice(told, okCaseClosed) }, func(tx *storage.Tx) error {
		var err error
		told, err = d.cfg.Domain.CloseCase(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, reason, note)
		return err
	})
}

// caseReopen opens the person's closed case again (domain.ReopenCase, as the chat's /reopen).
func (d *Desk) caseReopen(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.case_reopen")
	if err != nil || !ok {
		return err
	}
	var told bool
	return d.caseChange(w, r, b, caseAnchor, func() string { return toldNotice(told, okCaseReopened) }, func(tx *storage.Tx) error {
		var err error
		told, err = d.cfg.Domain.ReopenCase(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b)
		return err
	})
}

// caseReassign gives the person another tutor (domain.Reassign, as the chat's /reassign):
// coordinators and admins only (the route's roles); the tutor is a staff id from the form.
func (d *Desk) caseReassign(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.case_reassign")
	if err != nil || !ok {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("tutor"), 10, 64)
	if err != nil || id <= 0 {
		back(w, r, personPath(b), "err", errNotATutor, caseAnchor)
		return nil
	}
	to, err := storage.StaffByID(r.Context(), d.cfg.DB, id)
	if errors.Is(err, storage.ErrNotFound) {
		back(w, r, personPath(b), "err", errNotATutor, caseAnchor)
		return nil
	}
	if err != nil {
		return err
	}
	return d.caseChange(w, r, b, caseAnchor, func() string { return okCaseReassigned }, func(tx *storage.Tx) error {
		return d.cfg.Domain.Reassign(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, to)
	})
}

// outcomeAdd records an outcome of the person (domain.RecordOutcome, as the chat's /outcome):
// kind/type, a detail when the type asks for one, the date it happened (not in the future),
// an optional note.
func (d *Desk) outcomeAdd(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.personInScope(w, r, "desk.outcome_add")
	if err != nil || !ok {
		return err
	}
	o, bad := d.outcomeForm(r)
	if bad != "" {
		back(w, r, personPath(b), "err", bad, outcomesAnchor)
		return nil
	}
	return d.caseChange(w, r, b, outcomesAnchor, func() string { return okOutcomeRecorded }, func(tx *storage.Tx) error {
		_, err := d.cfg.Domain.RecordOutcome(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, o)
		return err
	})
}
