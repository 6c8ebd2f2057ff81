package desk

import (
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// A reception-centre operator's person page: what the chat's /b shows of one of their centre's
// people (code, name, plan with status and due dates, outcomes, case status), read only, and
// the two things an operator does about them, as /propose and /note: propose a step to the
// tutor (domain.ProposeStep: the tutor accepts or declines it) and write to the tutor
// (domain.NoteToTutor). Never the conversation with the tutor, the self-assessment answers,
// consents, alerts, labs or offers, and no form that changes the plan or the case.

// noteMax is the longest note to a tutor (characters), as the chat's /note.
const noteMax = 800

// operatorAnchor is where the operator's forms are on the page.
const operatorAnchor = "operator-title"

// centrePersonView is an operator's person page as its template shows it.
type centrePersonView struct {
	Code, Name, Status, Lang, Territory, Tutor string
	HasTutor                                   bool
	Areas                                      []areaView
	StepsTotal                                 int
	Closed                                     bool
	Closing                                    string
	Outcomes                                   []outcomeRow
	AreaChoices                                []choice
	TitleMax, NoteMax                          int
}

// centrePerson is an operator's page of one of their centre's people; anyone else is a 404,
// audited as for every staff member.
func (d *Desk) centrePerson(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.findPerson(w, r, "desk.person", inCentre)
	if err != nil || !ok {
		return err
	}
	ctx, l, loc := r.Context(), r.L, d.cfg.Location
	v := centrePersonView{Code: b.Code, Name: b.Name(), Status: l.T("desk.status." + b.Status), Lang: langName(d.cfg.Catalog, b.Lang),
		Territory: b.Territory, Tutor: l.T("desk.person.no_tutor"), Closed: b.Status == storage.BeneficiaryClosed,
		AreaChoices: areaChoices(l), TitleMax: stepTitleMax, NoteMax: noteMax}
	if t, err := storage.TerritoryByCode(ctx, d.cfg.DB, b.Territory); err == nil {
		v.Territory = t.Name
	}
	if b.TutorID.Valid {
		t, err := storage.StaffByID(ctx, d.cfg.DB, b.TutorID.Int64)
		if err != nil {
			return err
		}
		v.Tutor, v.HasTutor = staffName(l, t), true
	}
	steps, err := storage.StepsOf(ctx, d.cfg.DB, b.ID)
	if err != nil {
		return err
	}
	v.Areas, v.StepsTotal = planAreas(l, steps, r.Now.In(loc).Format(time.DateOnly)), len(steps)
	c, err := d.loadCase(ctx, d.cfg.DB, r, b)
	if err != nil {
		return err
	}
	v.Closing, v.Outcomes = c.Closing, c.Outcomes
	return d.render(w, r, http.StatusOK, "person_operator", b.Code+" · "+b.Name(), v)
}

// operatorPropose proposes a step for one of the operator's centre's people (domain.ProposeStep,
// as the chat's /propose): an area and a title. The tutor gets the alert with Accept and
// Decline; nothing reaches the person before the tutor accepts.
func (d *Desk) operatorPropose(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.findPerson(w, r, "desk.propose", inCentre)
	if err != nil || !ok {
		return err
	}
	path := personPath(b)
	area, title := r.PostFormValue("area"), formText(r, "title")
	switch {
	case !slices.Contains(storage.Areas(), area):
		back(w, r, path, "err", errBadArea, operatorAnchor)
		return nil
	case title == "":
		back(w, r, path, "err", errOpTitleEmpty, operatorAnchor)
		return nil
	case utf8.RuneCountInString(title) > stepTitleMax:
		back(w, r, path, "err", errOpTitleLong, operatorAnchor, "max", strconv.Itoa(stepTitleMax))
		return nil
	}
	var tutorless bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		_, tutorless, err = d.cfg.Domain.ProposeStep(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, area, title)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if tutorless {
		back(w, r, path, "err", errOpNoTutor, operatorAnchor)
		return nil
	}
	back(w, r, path, "ok", okOpProposed, operatorAnchor)
	return nil
}

// operatorNote writes to the tutor of one of the operator's centre's people (domain.NoteToTutor,
// as the chat's /note). Nothing reaches the person.
func (d *Desk) operatorNote(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.findPerson(w, r, "desk.note", inCentre)
	if err != nil || !ok {
		return err
	}
	path := personPath(b)
	text := formMessage(r, "text")
	switch {
	case text == "":
		back(w, r, path, "err", errOpNoteEmpty, operatorAnchor)
		return nil
	case utf8.RuneCountInString(text) > noteMax:
		back(w, r, path, "err", errOpNoteLong, operatorAnchor, "max", strconv.Itoa(noteMax))
		return nil
	}
	var tutorless bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		tutorless, err = d.cfg.Domain.NoteToTutor(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, text)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if tutorless {
		back(w, r, path, "err", errOpNoTutor, operatorAnchor)
		return nil
	}
	back(w, r, path, "ok", okOpNoted, operatorAnchor)
	return nil
}
