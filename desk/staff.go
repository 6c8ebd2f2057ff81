package desk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// The Staff page (coordinators: their territory; admins: everyone): the staff with their role,
// territory, centre, status and open cases; invite a tutor or an operator (the code, its links
// and its QR shown once, on the answer to the form); deactivate a member; give a tutor's whole
// caseload to another tutor. Each change is the domain function the chat's /invite tutor,
// /invite operator, /deactivate and /reassign call; a member out of scope is a 404, audited.

// Notices of the Staff page (desk.staff.ok.<key>, desk.staff.err.<key>).
const (
	okStaffDeactivated = "deactivated"
	okCaseloadMoved    = "caseload_moved"
	okCaseloadEmpty    = "caseload_empty"

	errStaffCaseload = "has_caseload"
	errStaffDisabled = "already_disabled"
	errStaffNotTutor = "not_a_tutor"
	errStaffSame     = "same_tutor"
	errStaffConfirm  = "confirm"
)

// staffNoticeKeys are the notices of the Staff page: true for an error.
func staffNoticeKeys() map[string]bool {
	return map[string]bool{okStaffDeactivated: false, okCaseloadMoved: false, okCaseloadEmpty: false,
		errStaffCaseload: true, errStaffDisabled: true, errStaffNotTutor: true, errStaffSame: true, errStaffConfirm: true}
}

// staffRefusals are the domain's refusals of staff changes with the notice each is shown as;
// a refusal of rights (domain.ErrDenied) is a 404.
func staffRefusals() map[error]string {
	return map[error]string{domain.ErrHasCaseload: errStaffCaseload, domain.ErrStaffDisabled: errStaffDisabled,
		domain.ErrNotATutor: errStaffNotTutor, domain.ErrSameTutor: errStaffSame}
}

const (
	staffPath   = "/desk/staff"
	staffAnchor = "staff-list-title"
	// maxStaffName is the longest name an invite takes, in characters.
	maxStaffName = 100
)

// staffPage shows the staff and the invite form.
func (d *Desk) staffPage(w http.ResponseWriter, r *Request) error {
	f := inviteForm{Role: storage.RoleTutor, Lang: "it", Territory: domain.Actor{Staff: &r.Staff}.HomeTerritory()}
	return d.renderStaff(w, r, http.StatusOK, f, nil)
}

// staffInvite invites a tutor or an operator (domain.InvitePerson, as the chat's /invite tutor
// and /invite operator) and answers with the page showing the new code, its links and QR:
// once, nowhere else.
func (d *Desk) staffInvite(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	f := inviteForm{Role: r.PostFormValue("role"), Name: formText(r, "name"), Centre: formText(r, "centre"),
		Lang: r.PostFormValue("lang"), Territory: r.PostFormValue("territory")}
	if f.Territory == "" {
		f.Territory = a.HomeTerritory()
	}
	switch {
	case f.Role != storage.RoleTutor && f.Role != storage.RoleOperator:
		f.Error = "role"
	case utf8.RuneCountInString(f.Name) > maxStaffName:
		f.Error = "name"
	case locales.Match(f.Lang) == "":
		f.Error = "lang"
	case f.Territory == "":
		f.Error = "territory"
	case f.Role == storage.RoleOperator && f.Centre == "":
		f.Error = "centre"
	}
	if f.Error != "" {
		return d.renderStaff(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	req := domain.InviteRequest{Role: f.Role, Territory: f.Territory, Lang: f.Lang, Name: f.Name, CreatedBy: r.Staff.ID}
	if f.Role == storage.RoleOperator {
		req.Centre = f.Centre
	}
	var inv domain.Invitation
	refused, err := d.staffDecide(r, func(tx *storage.Tx) error {
		var err error
		inv, err = domain.InvitePerson(r.Context(), tx, r.Now, a, req, d.cfg.Invites)
		return err
	})
	var ie *domain.InviteError
	if errors.As(err, &ie) {
		f.Error = ie.Field
		if !slices.Contains([]string{"lang", "territory", "centre"}, f.Error) {
			f.Error = "role"
		}
		return d.renderStaff(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	if refused != nil {
		d.message(w, r.Request, r, http.StatusNotFound, "not_found")
		return nil
	}
	card, err := d.invitedCard(r, f, inv)
	if err != nil {
		return err
	}
	r.shown = notice{Text: r.L.T("desk.staff.invited", "Role", staffRoleName(r.L, f.Role))}
	return d.renderStaff(w, r, http.StatusOK, inviteForm{Role: f.Role, Lang: f.Lang, Territory: f.Territory}, &card)
}

// staffDeactivate deactivates a member (domain.DeactivateStaff, as the chat's /deactivate),
// once its box is ticked (the chat asks to confirm too; there is no undo): refused with a
// notice while a tutor still follows open cases. Their desk sessions end.
func (d *Desk) staffDeactivate(w http.ResponseWriter, r *Request) error {
	st, ok, err := d.staffInScope(w, r, "desk.staff_deactivate")
	if err != nil || !ok {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		back(w, r, staffPath, "err", errStaffConfirm, staffAnchor)
		return nil
	}
	return d.staffChange(w, r, okStaffDeactivated, func(tx *storage.Tx) error {
		return d.cfg.Domain.DeactivateStaff(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, st)
	})
}

// staffReassign gives a tutor's whole open caseload to another active tutor of the territory
// (domain.ReassignCaseload, as the chat's /reassign <tutor> <tutor>); the people and both tutors
// are told.
func (d *Desk) staffReassign(w http.ResponseWriter, r *Request) error {
	from, ok, err := d.staffInScope(w, r, "desk.staff_reassign")
	if err != nil || !ok {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	if err != nil || id <= 0 {
		back(w, r, staffPath, "err", errStaffNotTutor, staffAnchor)
		return nil
	}
	to, err := storage.StaffByID(r.Context(), d.cfg.DB, id)
	if errors.Is(err, storage.ErrNotFound) {
		back(w, r, staffPath, "err", errStaffNotTutor, staffAnchor)
		return nil
	}
	if err != nil {
		return err
	}
	moved := 0
	return d.staffChange(w, r, okCaseloadMoved, func(tx *storage.Tx) error {
		n, err := d.cfg.Domain.ReassignCaseload(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, from, to)
		moved = n
		if err == nil && moved == 0 {
			return errNothingMoved
		}
		return err
	})
}

// errNothingMoved is a caseload reassignment that found no open case: shown as a notice.
var errNothingMoved = errors.New("no open case to move")

// staffChange runs a staff change and goes back to the Staff page with its notice: ok once
// made, the refusal's otherwise (404 for a refusal of rights).
func (d *Desk) staffChange(w http.ResponseWriter, r *Request, ok string, act func(tx *storage.Tx) error) error {
	refused, err := d.staffDecide(r, act)
	switch {
	case errors.Is(err, errNothingMoved):
		back(w, r, staffPath, "ok", okCaseloadEmpty, staffAnchor)
		return nil
	case err != nil:
		return err
	case refused == nil:
		back(w, r, staffPath, "ok", ok, staffAnchor)
		return nil
	}
	if key, known := staffRefusals()[unwrapRefusal(refused)]; known {
		back(w, r, staffPath, "err", key, staffAnchor)
		return nil
	}
	d.message(w, r.Request, r, http.StatusNotFound, "not_found")
	return nil
}

// staffDecide runs a staff change in a transaction. A refusal of the domain (audited there) is
// committed with its audit entry and returned as refused; anything else that fails rolls back.
func (d *Desk) staffDecide(r *Request, f func(tx *storage.Tx) error) (refused, err error) {
	err = d.change(r, func(tx *storage.Tx) error {
		err := f(tx)
		if unwrapRefusal(err) != nil {
			refused = err
			return nil
		}
		return err
	})
	return refused, err
}

// unwrapRefusal is the domain's refusal err is (nil when it is none).
func unwrapRefusal(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, domain.ErrDenied) {
		return domain.ErrDenied
	}
	for e := range staffRefusals() {
		if errors.Is(err, e) {
			return e
		}
	}
	return nil
}

// staffInScope finds the staff member a path names among those the signed-in member may
// manage; anything else has been answered as out of scope (404, audited).
func (d *Desk) staffInScope(w http.ResponseWriter, r *Request, action string) (storage.Staff, bool, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return storage.Staff{}, false, d.OutOfScope(w, r, action, "staff", "")
	}
	st, err := storage.StaffByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return st, false, err
	}
	if err != nil || !(domain.Actor{Staff: &r.Staff}).CanSeeStaff(st) {
		return st, false, d.OutOfScope(w, r, action, "staff", strconv.FormatInt(id, 10))
	}
	return st, true, nil
}
