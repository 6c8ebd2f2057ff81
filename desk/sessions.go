package desk

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/storage"
)

// newSessionForm is the Labs page's form to schedule a session: the modules and territories
// the staff member may pick.
type newSessionForm struct {
	Modules     []choiceGroup // by lab
	Territories []choice      // more than one only for staff of several territories
	Today       string        // the earliest date, for the date picker
}

// sessionForm reads the modules of the labs the staff member may schedule (shared labs and
// their territories' own) and the territories they may use.
func (d *Desk) sessionForm(r *Request) (*newSessionForm, error) {
	a := domain.Actor{Staff: &r.Staff}
	if !a.IsCoordinator() {
		return nil, nil
	}
	labs, err := storage.Labs(r.Context(), d.cfg.DB)
	if err != nil {
		return nil, err
	}
	modules, err := storage.AllModules(r.Context(), d.cfg.DB)
	if err != nil {
		return nil, err
	}
	f := &newSessionForm{Today: civil.Today(r.Now, d.cfg.Location)}
	for _, lab := range labs {
		if lab.Territory.Valid && !a.CanUseTerritory(lab.Territory.String) {
			continue
		}
		g := choiceGroup{Label: lab.Name}
		for _, m := range modules {
			if m.LabID == lab.ID {
				g.Choices = append(g.Choices, choice{Value: strconv.FormatInt(m.ID, 10), Label: m.Name})
			}
		}
		if len(g.Choices) > 0 {
			f.Modules = append(f.Modules, g)
		}
	}
	if home := a.ScopeTerritory(); home != "" {
		f.Territories = []choice{{Value: home, Label: home}}
		return f, nil
	}
	ts, err := storage.Territories(r.Context(), d.cfg.DB)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		f.Territories = append(f.Territories, choice{Value: t.Code, Label: t.Code + " · " + t.Name})
	}
	return f, nil
}

// formStart reads a date (YYYY-MM-DD) and a time (HH:MM) of BOT_TIMEZONE; "" for bad input.
func (d *Desk) formStart(r *Request) (time.Time, string) {
	day, err := civil.ParseDate(r.PostFormValue("date"))
	if err != nil {
		return time.Time{}, errBadDate
	}
	h, m, err := civil.ParseClock(r.PostFormValue("time"))
	if err != nil {
		return time.Time{}, errBadTime
	}
	at, err := civil.At(day, h, m, d.cfg.Location)
	if err != nil {
		return time.Time{}, errBadDate
	}
	if !at.After(r.Now) {
		return time.Time{}, errPastDate
	}
	return at, ""
}

// sessionAnswer turns what the domain said of a session change into the notice that says
// why nothing changed: param "err" (or "ok" when it was already so) and the notice's key.
func sessionAnswer(err error) (param, key string, ok bool) {
	switch {
	case errors.Is(err, domain.ErrSessionCancelled):
		return "err", errSessionGone, true
	case errors.Is(err, domain.ErrSessionStarted):
		return "err", errSessionStarted, true
	case errors.Is(err, domain.ErrSessionPast):
		return "err", errPastDate, true
	case errors.Is(err, domain.ErrSessionSameTime):
		return "ok", okUnchanged, true
	case errors.Is(err, storage.ErrLabElsewhere):
		return "err", errLabElsewhere, true
	}
	return "", "", false
}

// sessionAdd schedules a session (domain.CreateSession, as the chat's /session add).
func (d *Desk) sessionAdd(w http.ResponseWriter, r *Request) error {
	const labsPath = "/desk/labs"
	a := domain.Actor{Staff: &r.Staff}
	moduleID, err := strconv.ParseInt(r.PostFormValue("module"), 10, 64)
	if err != nil || moduleID <= 0 {
		back(w, r, labsPath, "err", errSessionModule, "new-session")
		return nil
	}
	territory := a.ScopeTerritory()
	if territory == "" {
		territory = r.PostFormValue("territory")
	}
	starts, bad := d.formStart(r)
	if bad != "" {
		back(w, r, labsPath, "err", bad, "new-session")
		return nil
	}
	place := formText(r, "place")
	if place == "" || len([]rune(place)) > maxSessionPlace {
		back(w, r, labsPath, "err", errSessionPlace, "new-session", "max", strconv.Itoa(maxSessionPlace))
		return nil
	}
	var capacity int64
	if c := strings.TrimSpace(r.PostFormValue("capacity")); c != "" {
		if capacity, err = strconv.ParseInt(c, 10, 64); err != nil || capacity < 1 || capacity > 1000 {
			back(w, r, labsPath, "err", errCapacity, "new-session")
			return nil
		}
	}
	if _, err := storage.ModuleByID(r.Context(), d.cfg.DB, moduleID); errors.Is(err, storage.ErrNotFound) {
		back(w, r, labsPath, "err", errSessionModule, "new-session")
		return nil
	} else if err != nil {
		return err
	}
	var sess storage.Session
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		sess, err = d.cfg.Domain.CreateSession(r.Context(), tx, r.Now, a, storage.NewSession{ModuleID: moduleID, Territory: territory,
			StartsAt: starts, EndsAt: starts.Add(domain.SessionLength), Place: place, Capacity: capacity})
		return err
	})
	if param, key, ok := sessionAnswer(err); ok {
		back(w, r, labsPath, param, key, "new-session")
		return nil
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, sessionPath(sess), "ok", okSessionAdded, "")
	return nil
}

// sessionMove moves an upcoming session (domain.MoveSession, as the chat's /session move);
// everyone enrolled is told.
func (d *Desk) sessionMove(w http.ResponseWriter, r *Request) error {
	starts, bad := d.formStart(r)
	return d.sessionStep(w, r, "desk.session_move", "move", okSessionMoved, bad, func(tx *storage.Tx, a domain.Actor, s storage.Session) error {
		_, err := d.cfg.Domain.MoveSession(r.Context(), tx, r.Now, a, s, starts)
		return err
	})
}

// sessionCancel cancels an upcoming session once the box saying so is ticked
// (domain.CancelSession, as the chat's /session cancel); everyone enrolled is told.
func (d *Desk) sessionCancel(w http.ResponseWriter, r *Request) error {
	bad := ""
	if r.PostFormValue("sure") != "yes" {
		bad = errNotSure
	}
	return d.sessionStep(w, r, "desk.session_cancel", "cancel", okSessionCancelled, bad, func(tx *storage.Tx, a domain.Actor, s storage.Session) error {
		_, err := d.cfg.Domain.CancelSession(r.Context(), tx, r.Now, a, s)
		return err
	})
}

// sessionStep runs a change of the session a path names and goes back to its page with a
// notice: bad, a mistake in the form (nothing done), or what the domain said, or ok. anchor is
// the form's place on the page.
func (d *Desk) sessionStep(w http.ResponseWriter, r *Request, action, anchor, ok, bad string,
	change func(tx *storage.Tx, a domain.Actor, s storage.Session) error) error {
	s, found, err := d.sessionInScope(w, r, action)
	if err != nil || !found {
		return err
	}
	path := sessionPath(s)
	if bad != "" {
		back(w, r, path, "err", bad, anchor)
		return nil
	}
	err = d.change(r, func(tx *storage.Tx) error { return change(tx, domain.Actor{Staff: &r.Staff}, s) })
	if param, key, said := sessionAnswer(err); said {
		back(w, r, path, param, key, anchor)
		return nil
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, path, "ok", ok, "")
	return nil
}

// maxSessionPlace is the longest place a session may name.
const maxSessionPlace = 200
