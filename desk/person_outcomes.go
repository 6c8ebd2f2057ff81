package desk

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/storage"
)

// Correcting and withdrawing an outcome from a person's page, for the staff who may manage the
// case (the person's tutor, a coordinator of the territory, an admin): the chat's /outcome
// buttons ✏️ and 🗑️. A correction records the outcome again with the new values and marks the
// old one corrected (domain.RecordOutcome with ReplacesID); a withdrawal marks it withdrawn
// (domain.WithdrawOutcome), once confirmed on the form. Nothing is deleted: the page keeps the
// history, the audit log each change, and the figures count valid outcomes only.

const outcomesAnchor = "outcomes-title"

// outcomeRow is one outcome as the page shows it, with the values its Correct form starts from.
type outcomeRow struct {
	ID          int64
	Label, Date string
	// What (kind/type), Detail, DateValue (YYYY-MM-DD) and Note fill the Correct form; Note
	// only for staff who may manage the case.
	What, Detail, DateValue, Note string
	// Ended says, in the history, when the outcome was corrected or withdrawn.
	Ended string
}

// outcomeRow is o as r's staff member reads it; withNote adds its note for the Correct form.
func (d *Desk) outcomeRow(r *Request, o storage.CaseOutcome, withNote bool) outcomeRow {
	l := r.L
	row := outcomeRow{ID: o.ID, Label: outcomeName(r, o.Kind, o.Type, o.Detail.String), Date: o.OccurredOn,
		What: o.Kind + "/" + o.Type, Detail: o.Detail.String, DateValue: o.OccurredOn[:min(len(o.OccurredOn), 10)]}
	if day, err := time.Parse(time.DateOnly, row.DateValue); err == nil {
		row.Date = l.Date(day)
	}
	if withNote {
		row.Note = o.Note.String
	}
	if o.EndedAt.Valid && o.Status != storage.OutcomeValid {
		row.Ended = l.T("desk.outcome_edit."+o.Status+"_on", "Date", l.Date(o.EndedAt.Time.In(d.cfg.Location)))
	}
	return row
}

// outcomeForm reads an outcome from a form (what: kind/type, detail when the type asks for one,
// date: today or before, note): bad is the notice when it is not one.
func (d *Desk) outcomeForm(r *Request) (o storage.NewOutcome, bad string) {
	kind, typ, known := splitOutcome(r.PostFormValue("what"))
	if !known {
		return o, errOutcomeInvalid
	}
	on, err := civil.ParseDate(r.PostFormValue("date"))
	if err != nil || on > civil.Today(r.Now, d.cfg.Location) {
		return o, errOutcomeDate
	}
	o = storage.NewOutcome{Kind: kind, Type: typ, OccurredOn: on, Note: formMessage(r, "note")}
	if storage.OutcomeDetails(kind, typ) != nil {
		o.Detail = r.PostFormValue("detail")
	}
	return o, ""
}

// outcomeInScope finds the person ({code}) and one of their outcomes ({id}) a path names; an
// outcome of someone else, or none, has been answered as out of scope (404, audited).
func (d *Desk) outcomeInScope(w http.ResponseWriter, r *Request, action string) (storage.Beneficiary, int64, bool, error) {
	b, ok, err := d.personInScope(w, r, action)
	if err != nil || !ok {
		return b, 0, false, err
	}
	id, ok := pathID(r, "id")
	if !ok {
		return b, 0, false, d.OutOfScope(w, r, action, "outcome", "")
	}
	o, err := storage.OutcomeByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return b, 0, false, err
	}
	if err != nil || o.BeneficiaryID != b.ID {
		return b, 0, false, d.OutOfScope(w, r, action, "outcome", strconv.FormatInt(id, 10))
	}
	return b, id, true, nil
}

// outcomeWithdraw withdraws one of the person's outcomes (domain.WithdrawOutcome), once the
// form's confirmation is ticked; without it nothing changes.
func (d *Desk) outcomeWithdraw(w http.ResponseWriter, r *Request) error {
	b, id, ok, err := d.outcomeInScope(w, r, "desk.outcome_withdraw")
	if err != nil || !ok {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		back(w, r, personPath(b), "err", errOutcomeConfirm, outcomesAnchor)
		return nil
	}
	return d.caseChange(w, r, b, outcomesAnchor, func() string { return okOutcomeWithdrawn }, func(tx *storage.Tx) error {
		return d.cfg.Domain.WithdrawOutcome(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, id)
	})
}

// outcomeCorrect records one of the person's outcomes again with the form's values; the old one
// is marked corrected and stays in the history (domain.RecordOutcome with ReplacesID).
func (d *Desk) outcomeCorrect(w http.ResponseWriter, r *Request) error {
	b, id, ok, err := d.outcomeInScope(w, r, "desk.outcome_correct")
	if err != nil || !ok {
		return err
	}
	o, bad := d.outcomeForm(r)
	if bad != "" {
		back(w, r, personPath(b), "err", bad, outcomesAnchor)
		return nil
	}
	o.ReplacesID = id
	return d.caseChange(w, r, b, outcomesAnchor, func() string { return okOutcomeCorrected }, func(tx *storage.Tx) error {
		_, err := d.cfg.Domain.RecordOutcome(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, o)
		return err
	})
}
