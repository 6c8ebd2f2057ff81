package desk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// caseView is the case part of a person's page: the case status with its last closing, the
// forms that close, reopen and reassign it, and the person's outcomes with the form that
// records one.
type caseView struct {
	Closed bool
	// Closing is the last closing ("" none): its date and reason; Note only for staff who may
	// manage the case.
	Closing, Note string
	// CanManage: the staff member may close, reopen and record outcomes (domain.Actor.CanManageCase);
	// CanReassign: a coordinator or an admin.
	CanManage, CanReassign bool
	ReasonChoices          []choice
	TutorChoices           []choice
	Outcomes               []outcomeRow  // valid, newest first
	History                []outcomeRow  // corrected or withdrawn, newest change first
	OutcomeChoices         []choiceGroup // values kind/type
	DetailChoices          []choiceGroup // values the detail
	NoteMax                int
}

// exitNoteMax is the longest note a closing form sends (characters), as the domain keeps.
const exitNoteMax = 500

// loadCase builds the case part of b's page for the staff member of r.
func (d *Desk) loadCase(ctx context.Context, q storage.Queryer, r *Request, b storage.Beneficiary) (caseView, error) {
	l, loc := r.L, d.cfg.Location
	a := domain.Actor{Staff: &r.Staff}
	v := caseView{Closed: b.Status == storage.BeneficiaryClosed, CanManage: a.CanManageCase(b),
		CanReassign: a.IsCoordinator() && a.CanManageCase(b), NoteMax: exitNoteMax}
	closing, err := storage.LastClosing(ctx, q, b.ID)
	switch {
	case err == nil:
		key := "desk.case.last_closed"
		if v.Closed {
			key = "desk.case.closed_on"
		}
		v.Closing = l.T(key, "Date", l.Date(closing.At.In(loc)), "Reason", l.T("cases.reason_"+closing.Reason.String))
		if v.CanManage {
			v.Note = closing.Note.String
		}
	case !errors.Is(err, storage.ErrNotFound):
		return v, err
	}
	for _, reason := range storage.ExitReasons() {
		v.ReasonChoices = append(v.ReasonChoices, choice{Value: reason, Label: l.T("cases.reason_" + reason)})
	}
	if v.CanReassign {
		tutors, err := storage.TutorsIn(ctx, q, b.Territory)
		if err != nil {
			return v, err
		}
		for _, t := range tutors {
			if t.Status == "active" && !(b.TutorID.Valid && b.TutorID.Int64 == t.ID) {
				v.TutorChoices = append(v.TutorChoices, choice{Value: strconv.FormatInt(t.ID, 10), Label: t.DisplayName})
			}
		}
	}
	outcomes, err := storage.OutcomesOf(ctx, q, b.ID)
	if err != nil {
		return v, err
	}
	for _, o := range outcomes {
		v.Outcomes = append(v.Outcomes, d.outcomeRow(r, o, v.CanManage))
	}
	if v.CanManage {
		// The history is the managers': who corrected what, and when.
		ended, err := storage.OutcomeHistoryOf(ctx, q, b.ID)
		if err != nil {
			return v, err
		}
		for _, o := range ended {
			v.History = append(v.History, d.outcomeRow(r, o, false))
		}
	}
	for _, kind := range storage.OutcomeKinds() {
		g := choiceGroup{Label: l.T("outcomes.kind_" + kind)}
		for _, typ := range storage.OutcomeTypes(kind) {
			g.Choices = append(g.Choices, choice{Value: kind + "/" + typ, Label: l.T("outcomes.type_" + kind + "_" + typ)})
		}
		v.OutcomeChoices = append(v.OutcomeChoices, g)
		dg := choiceGroup{Label: l.T("outcomes.kind_" + kind)}
		typ := ""
		if kind == storage.OutcomeTraining {
			typ = "italian"
		}
		for _, det := range storage.OutcomeDetails(kind, typ) {
			dg.Choices = append(dg.Choices, choice{Value: det, Label: l.T("outcomes.detail_" + kind + "_" + strings.ToLower(det))})
		}
		if len(dg.Choices) > 0 {
			v.DetailChoices = append(v.DetailChoices, dg)
		}
	}
	return v, nil
}

// outcomeName is an outcome as staff read it: kind, type and detail.
func outcomeName(r *Request, kind, typ, detail string) string {
	s := r.L.T("outcomes.kind_"+kind) + " · " + r.L.T("outcomes.type_"+kind+"_"+typ)
	if detail != "" {
		s += " · " + r.L.T("outcomes.detail_"+kind+"_"+strings.ToLower(detail))
	}
	return s
}

// refusals are the domain's refusals of a case action that are about the case or the form,
// not about rights; each is a notice on the page.
func caseRefusals() map[error]string {
	return map[error]string{
		domain.ErrCaseClosed:     errAlreadyClosed,
		domain.ErrCaseOpen:       errNotClosed,
		domain.ErrExitReason:     errExitReason,
		domain.ErrExitNote:       errExitNote,
		domain.ErrNotATutor:      errNotATutor,
		domain.ErrSameTutor:      errSameTutor,
		domain.ErrOutcomeInvalid: errOutcomeInvalid,
		domain.ErrOutcomeGone:    errOutcomeGone,
	}
}

// decide runs a case action through the domain in one transaction. A refusal the domain has
// audited (rights or one of caseRefusals) is committed with its audit entry and nothing else,
// and returned as refused; any other error rolls back and is returned as err.
func (d *Desk) decide(r *Request, f func(tx *storage.Tx) error) (refused, err error) {
	err = d.change(r, func(tx *storage.Tx) error {
		err := f(tx)
		if isRefusal(err) {
			refused = err
			return nil
		}
		return err
	})
	return refused, err
}

func isRefusal(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, domain.ErrDenied) {
		return true
	}
	for e := range caseRefusals() {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// caseNotice is the notice of a refusal ("" for a refusal of rights).
func caseNotice(refused error) string {
	for e, key := range caseRefusals() {
		if errors.Is(refused, e) {
			return key
		}
	}
	return ""
}

// splitOutcome reads a kind/type choice.
func splitOutcome(s string) (kind, typ string, ok bool) {
	kind, typ, ok = strings.Cut(s, "/")
	return kind, typ, ok && slices.Contains(storage.OutcomeKinds(), kind)
}
