package desk

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/storage"
)

// leadsPage is how many leads the Leads page lists at a time.
const leadsPage = 50

// leadsView is the Leads page.
type leadsView struct {
	Status      string // open or closed
	Rows        []leadRow
	Total       int
	Older       string // address of the next page ("" none)
	TerritoryOf bool   // the staff member sees several territories: show each lead's
}

// leadRow is one lead in the list.
type leadRow struct {
	ID                                          int64
	Kind, Title, Territory, Status, Created, At string
	Interested                                  int
}

// leads lists the leads of the staff member's territories, open or closed, newest first.
func (d *Desk) leads(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	status := "open"
	if r.URL.Query().Get("status") == "closed" {
		status = "closed"
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 0)
	rows, total, err := storage.LeadsForDesk(r.Context(), d.cfg.DB, storage.LeadList{Territory: a.ScopeTerritory(), Status: status,
		Limit: leadsPage, Offset: page * leadsPage})
	if err != nil {
		return err
	}
	l, today := r.L, civil.Today(r.Now, d.cfg.Location)
	v := leadsView{Status: status, Total: total, TerritoryOf: a.ScopeTerritory() == ""}
	for _, ld := range rows {
		st := l.T("desk.leads.status_" + ld.Status)
		if ld.Status == "open" && ld.ExpiresOn.Valid && ld.ExpiresOn.String < today {
			st = l.T("desk.leads.status_expired")
		}
		v.Rows = append(v.Rows, leadRow{ID: ld.ID, Kind: l.T("lead.kind." + ld.Kind), Title: ld.Title, Territory: ld.Territory, Status: st,
			Created: l.Date(ld.CreatedAt.In(d.cfg.Location)), Interested: ld.Interested})
	}
	if (page+1)*leadsPage < total {
		v.Older = "/desk/leads?status=" + status + "&page=" + strconv.Itoa(page+1)
	}
	return d.render(w, r, http.StatusOK, "leads", l.T("desk.leads.title"), v)
}

// leadForm is the form of a lead, new or existing, as typed or as stored.
type leadForm struct {
	ID                  int64 // 0: a new lead
	Kind, KindLabel     string
	Job                 bool
	Territory           string
	Territories         []choice // the territories one may pick (a new lead of staff of several)
	Title, Details      string
	Rent, Shared, City  string
	Role, Employer      string
	Contract, Hours     string
	Contact, Expires    string
	Open                bool
	Interested          []choice // code and name of the people in scope who showed interest
	Others              int      // people out of the staff member's scope who did
	Action, Today       string
	Limits              map[string]int
	SharedYes, SharedNo string
}

// leadNew is the form of a new housing or job lead.
func (d *Desk) leadNew(w http.ResponseWriter, r *Request) error {
	kind := storage.LeadHousing
	if r.URL.Query().Get("kind") == storage.LeadJob {
		kind = storage.LeadJob
	}
	f := leadForm{Kind: kind, Territory: domain.Actor{Staff: &r.Staff}.HomeTerritory(), Open: true}
	return d.renderLead(w, r, http.StatusOK, f)
}

// renderLead shows a lead's form with what it offers.
func (d *Desk) renderLead(w http.ResponseWriter, r *Request, status int, f leadForm) error {
	l := r.L
	f.KindLabel, f.Job = l.T("lead.kind."+f.Kind), f.Kind == storage.LeadJob
	f.Limits, f.Today = domain.LeadLimits(), civil.Today(r.Now, d.cfg.Location)
	f.Action = "/desk/leads"
	title := l.T("desk.leads.form_new")
	if f.ID != 0 {
		f.Action = "/desk/leads/" + strconv.FormatInt(f.ID, 10)
		title = l.T("desk.leads.form_edit", "ID", f.ID)
	} else if a := (domain.Actor{Staff: &r.Staff}); a.ScopeTerritory() == "" {
		ts, err := storage.Territories(r.Context(), d.cfg.DB)
		if err != nil {
			return err
		}
		for _, t := range ts {
			f.Territories = append(f.Territories, choice{Value: t.Code, Label: t.Code + " · " + t.Name})
		}
	}
	return d.render(w, r, status, "lead", title, f)
}

// leadInScope finds the lead a path names, in a territory the staff member may use; anything
// else has been answered as out of scope.
func (d *Desk) leadInScope(w http.ResponseWriter, r *Request, action string) (storage.Lead, bool, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return storage.Lead{}, false, d.OutOfScope(w, r, action, "lead", "")
	}
	ld, err := storage.LeadByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return ld, false, err
	}
	if err != nil || !(domain.Actor{Staff: &r.Staff}).CanUseTerritory(ld.Territory) {
		return ld, false, d.OutOfScope(w, r, action, "lead", strconv.FormatInt(id, 10))
	}
	return ld, true, nil
}

// lead is one lead's page: its form, who showed interest, Close or Reopen.
func (d *Desk) lead(w http.ResponseWriter, r *Request) error {
	ld, ok, err := d.leadInScope(w, r, "desk.lead")
	if err != nil || !ok {
		return err
	}
	f := formOfLead(ld)
	people, err := storage.InterestedPeople(r.Context(), d.cfg.DB, ld.ID)
	if err != nil {
		return err
	}
	for _, b := range people {
		if inScope(r.Staff, b) {
			f.Interested = append(f.Interested, choice{Value: b.Code, Label: b.Name()})
		} else {
			f.Others++
		}
	}
	return d.renderLead(w, r, http.StatusOK, f)
}

// formOfLead is a stored lead as its form shows it.
func formOfLead(ld storage.Lead) leadForm {
	f := leadForm{ID: ld.ID, Kind: ld.Kind, Territory: ld.Territory, Title: ld.Title, Details: ld.Details, City: ld.City.String,
		Role: ld.JobRole.String, Employer: ld.Employer.String, Contract: ld.Contract.String, Hours: ld.Hours.String,
		Contact: ld.Contact.String, Expires: ld.ExpiresOn.String, Open: ld.Status == "open"}
	if ld.RentEUR.Valid {
		f.Rent = strconv.FormatInt(ld.RentEUR.Int64, 10)
	}
	if ld.Shared.Valid {
		f.Shared = map[bool]string{true: "1", false: "0"}[ld.Shared.Bool]
	}
	return f
}

// readLeadForm reads a lead's form into f and a lead; bad is the notice of its first mistake
// (max: the limit it broke).
func (d *Desk) readLeadForm(r *Request, f *leadForm) (ld storage.Lead, bad string, limit int) {
	f.Title, f.Details = formText(r, "title"), formMessage(r, "details")
	f.City, f.Contact, f.Expires = formText(r, "city"), formText(r, "contact"), formText(r, "expires")
	if f.Kind == storage.LeadJob {
		f.Role, f.Employer, f.Contract, f.Hours = formText(r, "role"), formText(r, "employer"), formText(r, "contract"), formText(r, "hours")
	} else {
		f.Rent, f.Shared = formText(r, "rent"), r.PostFormValue("shared")
	}
	if f.Title == "" {
		return ld, errLeadTitle, 0
	}
	for field, v := range map[string]string{"title": f.Title, "details": f.Details, "city": f.City, "contact": f.Contact, "role": f.Role,
		"employer": f.Employer, "contract": f.Contract, "hours": f.Hours} {
		if n := domain.LeadLimits()[field]; utf8.RuneCountInString(v) > n {
			return ld, errLeadLong, n
		}
	}
	ld = storage.Lead{ID: f.ID, Kind: f.Kind, Territory: f.Territory, Title: f.Title, Details: f.Details, City: nullText(f.City),
		JobRole: nullText(f.Role), Employer: nullText(f.Employer), Contract: nullText(f.Contract), Hours: nullText(f.Hours),
		Contact: nullText(f.Contact)}
	if f.Rent != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(f.Rent, "€")), 10, 64)
		if err != nil || n < 0 || n > 100000 {
			return ld, errLeadRent, 0
		}
		ld.RentEUR = sql.NullInt64{Int64: n, Valid: true}
	}
	if f.Shared == "1" || f.Shared == "0" {
		ld.Shared = sql.NullBool{Bool: f.Shared == "1", Valid: true}
	}
	if f.Expires != "" {
		due, bad := d.dueDate(r, f.Expires)
		if bad != "" {
			return ld, bad, 0
		}
		ld.ExpiresOn = sql.NullString{String: due, Valid: true}
	}
	return ld, "", 0
}

func nullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// formMistake shows the form again as typed, with what is wrong (422).
func (d *Desk) formMistake(w http.ResponseWriter, r *Request, f leadForm, bad string, limit int) error {
	r.shown = notice{Text: r.L.T("desk.act.err."+bad, "Max", limit), Error: true}
	return d.renderLead(w, r, http.StatusUnprocessableEntity, f)
}

// leadCreate publishes a new lead (domain.CreateLead, as the chat's /lead add).
func (d *Desk) leadCreate(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	f := leadForm{Kind: r.PostFormValue("kind"), Territory: a.HomeTerritory(), Open: true}
	if f.Kind != storage.LeadJob {
		f.Kind = storage.LeadHousing
	}
	if a.ScopeTerritory() == "" {
		f.Territory = r.PostFormValue("territory")
	}
	ld, bad, limit := d.readLeadForm(r, &f)
	if bad == "" && (f.Territory == "" || !a.CanUseTerritory(f.Territory)) {
		bad = errLeadTerritor
	}
	if bad == "" {
		if _, err := storage.TerritoryByCode(r.Context(), d.cfg.DB, f.Territory); errors.Is(err, storage.ErrNotFound) {
			bad = errLeadTerritor
		} else if err != nil {
			return err
		}
	}
	if bad != "" {
		return d.formMistake(w, r, f, bad, limit)
	}
	var created storage.Lead
	err := d.change(r, func(tx *storage.Tx) error {
		var err error
		created, err = d.cfg.Domain.CreateLead(r.Context(), tx, r.Now, a, ld)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, "/desk/leads/"+strconv.FormatInt(created.ID, 10), "ok", okLeadCreated, "")
	return nil
}

// leadSave saves the edited form of a lead (domain.UpdateLead).
func (d *Desk) leadSave(w http.ResponseWriter, r *Request) error {
	old, ok, err := d.leadInScope(w, r, "desk.lead_edit")
	if err != nil || !ok {
		return err
	}
	f := formOfLead(old)
	ld, bad, limit := d.readLeadForm(r, &f)
	if bad != "" {
		return d.formMistake(w, r, f, bad, limit)
	}
	err = d.change(r, func(tx *storage.Tx) error {
		_, err := d.cfg.Domain.UpdateLead(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, ld)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, "/desk/leads/"+strconv.FormatInt(old.ID, 10), "ok", okLeadSaved, "")
	return nil
}

// leadClose closes a lead (domain.CloseLead, as the chat's /lead close).
func (d *Desk) leadClose(w http.ResponseWriter, r *Request) error { return d.leadOpen(w, r, false) }

// leadReopen opens a closed lead again (domain.ReopenLead).
func (d *Desk) leadReopen(w http.ResponseWriter, r *Request) error { return d.leadOpen(w, r, true) }

func (d *Desk) leadOpen(w http.ResponseWriter, r *Request, open bool) error {
	action, ok, bad := "desk.lead_close", okLeadClosed, errLeadClosed
	if open {
		action, ok, bad = "desk.lead_reopen", okLeadReopened, errLeadOpen
	}
	ld, found, err := d.leadInScope(w, r, action)
	if err != nil || !found {
		return err
	}
	path := "/desk/leads/" + strconv.FormatInt(ld.ID, 10)
	err = d.change(r, func(tx *storage.Tx) error {
		a := domain.Actor{Staff: &r.Staff}
		if open {
			_, err := d.cfg.Domain.ReopenLead(r.Context(), tx, r.Now, a, ld.ID)
			return err
		}
		_, err := d.cfg.Domain.CloseLead(r.Context(), tx, r.Now, a, ld.ID)
		return err
	})
	if errors.Is(err, domain.ErrLeadState) {
		back(w, r, path, "err", bad, "")
		return nil
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, path, "ok", ok, "")
	return nil
}
