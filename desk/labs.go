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

// labsView is the Labs page: one week of sessions.
type labsView struct {
	Week, Prev, Next string // the week's title; addresses of the weeks around it
	Sessions         []sessionRow
	TerritoryOf      bool
	New              *newSessionForm // the form to schedule a session; nil: the staff member does not schedule
}

// sessionRow is a session in the week's list, or the head of a session's page.
type sessionRow struct {
	ID                                  int64
	Name, When, At, Place, Territory    string
	Places                              string // capacity in words
	Enrolled, Coming, NotComing, Absent int
}

// labs lists the scheduled sessions of a week (Monday to Sunday, BOT_TIMEZONE) in the staff
// member's territories, with places, enrolments and answers.
func (d *Desk) labs(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	loc := d.cfg.Location
	day, err := civil.ParseDate(r.URL.Query().Get("week"))
	if err != nil {
		day = civil.Today(r.Now, loc)
	}
	start, err := civil.DayStart(day, loc)
	if err != nil {
		return err
	}
	start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7)) // back to Monday
	end := start.AddDate(0, 0, 7)
	sessions, err := storage.SessionsBetween(r.Context(), d.cfg.DB, a.ScopeTerritory(), start, end)
	if err != nil {
		return err
	}
	l := r.L
	v := labsView{Week: l.T("desk.labs.week", "Date", l.Date(start)), TerritoryOf: a.ScopeTerritory() == "",
		Prev: "/desk/labs?week=" + start.AddDate(0, 0, -7).Format(time.DateOnly), Next: "/desk/labs?week=" + end.Format(time.DateOnly)}
	if v.New, err = d.sessionForm(r); err != nil {
		return err
	}
	for _, s := range sessions {
		row, _, err := d.sessionRow(r, s)
		if err != nil {
			return err
		}
		v.Sessions = append(v.Sessions, row)
	}
	return d.render(w, r, http.StatusOK, "labs", l.T("desk.labs.title"), v)
}

// sessionRow reads a session's enrolments into its row.
func (d *Desk) sessionRow(r *Request, s storage.Session) (sessionRow, []storage.Enrolment, error) {
	l := r.L
	row := sessionRow{ID: s.ID, Name: s.LabName + " — " + s.ModuleName, When: domain.SessionSpan(l, s, d.cfg.Location),
		At: s.StartsAt.UTC().Format(time.RFC3339), Place: s.Place, Territory: s.Territory, Places: l.T("desk.labs.unlimited")}
	if s.Capacity.Valid {
		row.Places = strconv.FormatInt(s.Capacity.Int64, 10)
	}
	ens, err := storage.EnrolmentsOf(r.Context(), d.cfg.DB, s.ID)
	if err != nil {
		return row, nil, err
	}
	row.Enrolled = len(ens)
	for _, e := range ens {
		switch e.RSVP.String {
		case "yes":
			row.Coming++
		case "no":
			row.NotComing++
		}
	}
	return row, ens, nil
}

// sessionView is a session's page.
type sessionView struct {
	Session  sessionRow
	Roster   []rosterRow
	CanMark  bool // attendance can be marked (the day of the session or later)
	CanEnrol bool // the staff member enrols people (coordinators and admins, as /enrol)
	// CanChange: the session has not started and the staff member schedules sessions (move,
	// cancel); Date and Time are its start, the move form's defaults; Today the earliest date.
	CanChange         bool
	Date, Time, Today string
	Week, Back        string
}

// rosterRow is an enrolled person.
type rosterRow struct {
	Code, Name, RSVP, Attendance string
	Mine                         bool // in the staff member's scope: named, linked, markable
}

// sessionInScope finds the session a path names in the staff member's territories; anything
// else has been answered as out of scope.
func (d *Desk) sessionInScope(w http.ResponseWriter, r *Request, action string) (storage.Session, bool, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return storage.Session{}, false, d.OutOfScope(w, r, action, "session", "")
	}
	s, err := storage.SessionByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return s, false, err
	}
	if err != nil || !(domain.Actor{Staff: &r.Staff}).CanUseTerritory(s.Territory) {
		return s, false, d.OutOfScope(w, r, action, "session", strconv.FormatInt(id, 10))
	}
	return s, true, nil
}

func sessionPath(s storage.Session) string {
	return "/desk/labs/sessions/" + strconv.FormatInt(s.ID, 10)
}

// session is a session's page: who is enrolled, their answers and attendance, with Present
// and Absent from the day of the session, and a form to enrol people.
func (d *Desk) session(w http.ResponseWriter, r *Request) error {
	s, ok, err := d.sessionInScope(w, r, "desk.session")
	if err != nil || !ok {
		return err
	}
	row, ens, err := d.sessionRow(r, s)
	if err != nil {
		return err
	}
	l := r.L
	v := sessionView{Session: row, CanMark: d.canMark(r, s), CanEnrol: (domain.Actor{Staff: &r.Staff}).IsCoordinator() && s.Status != storage.SessionCancelled && !s.ForOperators(),
		Back: "/desk/labs?week=" + s.StartsAt.In(d.cfg.Location).Format(time.DateOnly)}
	if v.CanEnrol && s.StartsAt.After(r.Now) {
		start := s.StartsAt.In(d.cfg.Location)
		v.CanChange, v.Date, v.Time, v.Today = true, start.Format(time.DateOnly), start.Format("15:04"), civil.Today(r.Now, d.cfg.Location)
	}
	for _, e := range ens {
		rr := rosterRow{Code: e.Code}
		if e.RSVP.Valid {
			rr.RSVP = l.T("desk.person.rsvp_" + e.RSVP.String)
		}
		if e.Attendance.Valid {
			rr.Attendance = l.T("desk.person.attendance_" + e.Attendance.String)
		}
		b, err := storage.BeneficiaryByID(r.Context(), d.cfg.DB, e.BeneficiaryID)
		if err != nil {
			return err
		}
		if b.Status != storage.BeneficiaryErased && inScope(r.Staff, b) {
			rr.Mine, rr.Name = true, b.Name()
		}
		v.Roster = append(v.Roster, rr)
	}
	return d.render(w, r, http.StatusOK, "session", row.Name, v)
}

// canMark tells whether attendance of s can be marked now: from its day on, as in the chat.
func (d *Desk) canMark(r *Request, s storage.Session) bool {
	return s.Status != storage.SessionCancelled && civil.Today(s.StartsAt, d.cfg.Location) <= civil.Today(r.Now, d.cfg.Location)
}

// sessionEnrol enrols the people whose codes are typed (domain.Enrol, as the chat's /enrol),
// within the session's places.
func (d *Desk) sessionEnrol(w http.ResponseWriter, r *Request) error {
	s, ok, err := d.sessionInScope(w, r, "desk.enrol")
	if err != nil || !ok {
		return err
	}
	path := sessionPath(s)
	if s.ForOperators() {
		back(w, r, path, "err", errOperatorsSession, "")
		return nil
	}
	var people []storage.Beneficiary
	for _, code := range strings.FieldsFunc(strings.ToUpper(r.PostFormValue("codes")), func(c rune) bool { return c == ',' || c == ' ' || c == ';' || c == '\n' || c == '\r' }) {
		b, err := storage.BeneficiaryByCode(r.Context(), d.cfg.DB, code)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err != nil || b.Status == storage.BeneficiaryErased || !inScope(r.Staff, b) {
			back(w, r, path, "err", errEnrolCodes, "")
			return nil
		}
		people = append(people, b)
	}
	if len(people) == 0 || s.Status == storage.SessionCancelled {
		back(w, r, path, "err", errEnrolCodes, "")
		return nil
	}
	full := int64(-1)
	err = d.change(r, func(tx *storage.Tx) error {
		if err := storage.LockSession(r.Context(), tx, s.ID); err != nil {
			return err
		}
		room, err := storage.RoomOf(r.Context(), tx, s.ID)
		if err != nil {
			return err
		}
		var fresh int64
		for _, b := range people {
			if _, err := storage.EnrolmentOf(r.Context(), tx, s.ID, b.ID); errors.Is(err, storage.ErrNotFound) {
				fresh++
			} else if err != nil {
				return err
			}
		}
		if free := room.Free(); free >= 0 && fresh > free {
			full = free
			return nil
		}
		_, err = d.cfg.Domain.Enrol(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, s, people)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if full >= 0 {
		back(w, r, path, "err", errFull, "", "max", strconv.FormatInt(full, 10))
		return nil
	}
	back(w, r, path, "ok", okEnrolled, "")
	return nil
}

// sessionAttendance marks a person present or absent (domain.MarkAttendance, as the chat's
// /attendance).
func (d *Desk) sessionAttendance(w http.ResponseWriter, r *Request) error {
	s, ok, err := d.sessionInScope(w, r, "desk.attendance")
	if err != nil || !ok {
		return err
	}
	path := sessionPath(s)
	if !d.canMark(r, s) {
		back(w, r, path, "err", errNotYet, "")
		return nil
	}
	b, err := storage.BeneficiaryByCode(r.Context(), d.cfg.DB, r.PostFormValue("code"))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err != nil || b.Status == storage.BeneficiaryErased || !inScope(r.Staff, b) {
		target := ""
		if err == nil {
			target = strconv.FormatInt(b.ID, 10)
		}
		return d.OutOfScope(w, r, "desk.attendance", "beneficiary", target)
	}
	value := r.PostFormValue("attendance")
	if value != domain.AttendancePresent && value != domain.AttendanceAbsent {
		back(w, r, path, "err", errBadStatus, "")
		return nil
	}
	var changed bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		changed, err = d.cfg.Domain.MarkAttendance(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, s, b.ID, value)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return d.OutOfScope(w, r, "desk.attendance", "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if !changed {
		back(w, r, path, "ok", okUnchanged, "")
		return nil
	}
	back(w, r, path, "ok", okAttendance, "")
	return nil
}
