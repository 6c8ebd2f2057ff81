package desk

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// The Contacts page (issue 14): the contacts the beneficiaries' Help screen lists for a
// territory, edited by its coordinators (admins: any territory's) and marked as confirmed by
// whoever checked them. Saving goes through domain.SaveContacts (which resets the
// confirmation), the mark through domain.ConfirmContacts.

// Notices of the Contacts page after a change (desk.contacts.ok_<key>).
const (
	okContactsSaved     = "contacts_saved"
	okContactsConfirmed = "contacts_confirmed"
)

// contactsIndexView lists the territories whose contacts a staff member keeps.
type contactsIndexView struct {
	Rows []contactsIndexRow
}

type contactsIndexRow struct {
	Code, Name string
	Contacts   int
	Confirmed  bool
}

// contactsView is one territory's Contacts page.
type contactsView struct {
	Code, Name string
	Several    bool // the staff member keeps several territories' contacts: link back to the list
	Rows       []contactRow
	Kinds      []choice
	Limits     map[string]int
	Confirmed  bool
	// ConfirmedText says who confirmed the list and when; UpdatedText when it last changed.
	ConfirmedText, UpdatedText string
}

// contactRow is one contact of the form, as stored or as typed; Index names its fields.
type contactRow struct {
	Index                         int
	Kind, Name, Where, Phone, URL string
	Remove, Bad                   bool
}

// Blank tells whether the row says nothing (the row to add a contact, or one emptied).
func (c contactRow) Blank() bool {
	return c.Name == "" && c.Where == "" && c.Phone == "" && c.URL == ""
}

// Number is the row's place in the form, from 1 (what a mistake's notice names).
func (c contactRow) Number() int { return c.Index + 1 }

// contactsIndex lists the territories of the staff member's scope with their contacts'
// state; a coordinator of one territory goes straight to its page.
func (d *Desk) contactsIndex(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	if t := a.ScopeTerritory(); t != "" {
		http.Redirect(w, r.Request, "/desk/contacts/"+t, http.StatusSeeOther)
		return nil
	}
	lists, err := loadContactLists(r.Context(), d.cfg.DB, a.ScopeTerritory())
	if err != nil {
		return err
	}
	var v contactsIndexView
	for _, l := range lists {
		v.Rows = append(v.Rows, contactsIndexRow{Code: l.Territory, Name: l.Name, Contacts: l.Contacts, Confirmed: l.ConfirmedAt.Valid})
	}
	return d.render(w, r, http.StatusOK, "contacts_index", r.L.T("desk.contacts.title"), v)
}

// contactsTerritory is the territory a path names when the staff member may keep its
// contacts; anything else has been answered as out of scope (404, audited).
func (d *Desk) contactsTerritory(w http.ResponseWriter, r *Request, action string) (storage.Territory, bool, error) {
	code := strings.ToUpper(r.PathValue("code"))
	t, err := storage.TerritoryByCode(r.Context(), d.cfg.DB, code)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return t, false, err
	}
	if err != nil || !(domain.Actor{Staff: &r.Staff}).CanEditContacts(t.Code) {
		return t, false, d.OutOfScope(w, r, action, "territory", code)
	}
	return t, true, nil
}

// contactsPage is a territory's contacts: the form to edit them and the confirmation.
func (d *Desk) contactsPage(w http.ResponseWriter, r *Request) error {
	t, ok, err := d.contactsTerritory(w, r, "desk.contacts")
	if err != nil || !ok {
		return err
	}
	l, err := loadContactList(r.Context(), d.cfg.DB, t.Code)
	if err != nil {
		return err
	}
	var rows []contactRow
	for i, c := range l.Contacts {
		rows = append(rows, contactRow{Index: i, Kind: c.Kind, Name: c.Name, Where: c.Where, Phone: c.Phone, URL: c.URL})
	}
	if key := r.URL.Query().Get("ok"); key == okContactsSaved || key == okContactsConfirmed {
		r.shown = notice{Text: r.L.T("desk.contacts.ok_" + key)}
	}
	return d.renderContacts(w, r, http.StatusOK, t, l, rows)
}

// renderContacts shows a territory's page with rows in its form (and a blank one to add a
// contact).
func (d *Desk) renderContacts(w http.ResponseWriter, r *Request, status int, t storage.Territory, l storage.ContactList, rows []contactRow) error {
	lz := r.L
	v := contactsView{Code: t.Code, Name: t.Name, Several: (domain.Actor{Staff: &r.Staff}).ScopeTerritory() == "",
		Rows: rows, Limits: domain.ContactLimits(), Confirmed: l.Confirmed()}
	if len(rows) == 0 || !rows[len(rows)-1].Blank() {
		v.Rows = append(v.Rows, contactRow{Index: len(rows), Kind: locales.ContactKinds()[0]})
	}
	for _, k := range locales.ContactKinds() {
		v.Kinds = append(v.Kinds, choice{Value: k, Label: lz.T("help.kind_" + k)})
	}
	if l.Confirmed() {
		at := lz.DateTime(l.ConfirmedAt.Time.In(d.cfg.Location))
		v.ConfirmedText = lz.T("desk.contacts.confirmed_file", "At", at)
		if l.ConfirmedBy.Valid {
			v.ConfirmedText = lz.T("desk.contacts.confirmed_by", "Name", staffName(lz, storage.Staff{ID: l.ConfirmedBy.Int64,
				DisplayName: l.ConfirmedByName}), "At", at)
		}
	}
	if l.UpdatedBy.Valid {
		v.UpdatedText = lz.T("desk.contacts.updated", "At", lz.DateTime(l.UpdatedAt.In(d.cfg.Location)))
	}
	return d.render(w, r, status, "contacts", lz.T("desk.contacts.title_of", "Territory", t.Name), v)
}

// maxContactRows bounds how many rows of the form are read.
const maxContactRows = domain.MaxContacts + 5

// readContactRows reads the form's rows as typed.
func readContactRows(r *Request) []contactRow {
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = min(max(n, 0), maxContactRows)
	rows := make([]contactRow, 0, n)
	for i := range n {
		s := strconv.Itoa(i)
		rows = append(rows, contactRow{Index: i, Kind: r.PostFormValue("kind" + s), Name: formText(r, "name"+s),
			Where: formText(r, "where"+s), Phone: formText(r, "phone"+s), URL: strings.TrimSpace(r.PostFormValue("url" + s)),
			Remove: r.PostFormValue("remove"+s) != ""})
	}
	return rows
}

// contactsSave saves the edited list: rows marked for removal and blank rows are left out.
// A mistake shows the form again as typed with what is wrong (422); nothing is saved.
func (d *Desk) contactsSave(w http.ResponseWriter, r *Request) error {
	t, ok, err := d.contactsTerritory(w, r, "desk.contacts_edit")
	if err != nil || !ok {
		return err
	}
	rows := readContactRows(r)
	var contacts []storage.TerritoryContact
	var shown []int // the row (from 1) of each contact kept
	for i, c := range rows {
		if c.Remove || c.Blank() {
			continue
		}
		contacts = append(contacts, storage.TerritoryContact{Kind: c.Kind, Name: c.Name, Where: c.Where, Phone: c.Phone, URL: c.URL})
		shown = append(shown, i+1)
	}
	var changed bool
	err = d.changeContacts(r, func(tx *storage.Tx) error {
		var err error
		changed, err = d.cfg.Domain.SaveContacts(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, t.Code, contacts)
		return err
	})
	if m, ok := domain.IsContactMistake(err); ok {
		row := 0
		if m.Row > 0 && m.Row <= len(shown) {
			row = shown[m.Row-1]
			rows[row-1].Bad = true
		}
		r.shown = notice{Text: r.L.T("desk.contacts.err_"+m.Field, "Row", row, "Max", m.Limit), Error: true}
		l, err := loadContactList(r.Context(), d.cfg.DB, t.Code)
		if err != nil {
			return err
		}
		return d.renderContacts(w, r, http.StatusUnprocessableEntity, t, l, rows)
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	key := okContactsSaved
	if !changed {
		key = okUnchanged
	}
	back(w, r, "/desk/contacts/"+t.Code, "ok", key, "")
	return nil
}

// contactsConfirm marks the territory's contacts as checked by the staff member, now.
func (d *Desk) contactsConfirm(w http.ResponseWriter, r *Request) error {
	t, ok, err := d.contactsTerritory(w, r, "desk.contacts_confirm")
	if err != nil || !ok {
		return err
	}
	err = d.changeContacts(r, func(tx *storage.Tx) error {
		return d.cfg.Domain.ConfirmContacts(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, t.Code)
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, "/desk/contacts/"+t.Code, "ok", okContactsConfirmed, "")
	return nil
}

// changeContacts runs a change of the contacts (Desk.change); a refusal by the domain
// (domain.ErrDenied) is returned after its transaction commits, so its audit entry is kept.
func (d *Desk) changeContacts(r *Request, f func(tx *storage.Tx) error) error {
	var refused error
	err := d.change(r, func(tx *storage.Tx) error {
		err := f(tx)
		if errors.Is(err, domain.ErrDenied) {
			refused = err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return refused
}

// staffWhoKeepContacts are the roles that edit and confirm territories' contacts (each within
// domain.Actor.CanEditContacts).
func staffWhoKeepContacts() []string { return []string{storage.RoleCoordinator, storage.RoleAdmin} }
