package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Attendance values.
const (
	tutorPresent = "present"
	tutorAbsent  = "absent"
)

// tutorAttendanceDays is how far back /attendance alone offers sessions.
const tutorAttendanceDays = 14

// tutorAttendance answers /attendance <session id>: present / absent per enrolled beneficiary
// with buttons; alone, it offers the recent sessions of the staff member's territory.
func (e *Engine) tutorAttendance(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	switch len(args) {
	case 0:
		return e.tutorSessionPicker(ctx, c)
	case 1:
	default:
		return c.ReplyText(ctx, "attendance.usage")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return c.ReplyText(ctx, "attendance.bad_id", "Typed", args[0])
	}
	s, ok, err := e.tutorSession(ctx, c, id, false)
	if err != nil || !ok {
		return err
	}
	return e.tutorRoster(ctx, c, s, "")
}

// tutorSession finds a session the staff member may take attendance of. A session that does not
// exist and one of another territory get the same answer (the latter audited as refused); from
// a button, the answer is the stale one.
func (e *Engine) tutorSession(ctx context.Context, c *Ctx, id int64, button bool) (storage.Session, bool, error) {
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return s, false, err
	}
	sid := strconv.FormatInt(id, 10)
	if err != nil || !c.Actor.CanUseTerritory(s.Territory) {
		if button {
			return s, false, e.tutorStale(ctx, c, "session", sid)
		}
		if err != nil {
			return s, false, c.ReplyText(ctx, "attendance.no_session", "ID", id)
		}
		return s, false, tutorRefuse(ctx, c, "/attendance", "session", sid, "attendance.no_session", "ID", id)
	}
	if s.Status == storage.SessionCancelled {
		return s, false, c.ReplyText(ctx, "attendance.cancelled", "ID", id, "When", e.tutorTime(c.L, s.StartsAt))
	}
	if civil.Today(s.StartsAt, e.set.Location) > civil.Today(c.Now, e.set.Location) {
		return s, false, c.ReplyText(ctx, "attendance.not_yet", "ID", id, "When", e.tutorTime(c.L, s.StartsAt))
	}
	return s, true, nil
}

// tutorSessionPicker offers the sessions of the last two weeks and today.
func (e *Engine) tutorSessionPicker(ctx context.Context, c *Ctx) error {
	terr := c.Actor.ScopeTerritory()
	loc := e.set.Location
	today, err := civil.At(civil.Today(c.Now, loc), 0, 0, loc)
	if err != nil {
		return err
	}
	sessions, err := storage.SessionsBetween(ctx, c.Tx, terr, today.AddDate(0, 0, -tutorAttendanceDays), today.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		return c.ReplyText(ctx, "attendance.no_recent", "Days", tutorAttendanceDays)
	}
	l := c.L
	lines := []string{l.T("attendance.pick")}
	var rows [][]bot.Button
	// Newest first, at most one page.
	for i := len(sessions) - 1; i >= 0 && len(rows) < tutorPage; i-- {
		s := sessions[i]
		lines = append(lines, l.T("attendance.session", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "Territory", s.Territory,
			"When", e.tutorTime(l, s.StartsAt)))
		rows = append(rows, []bot.Button{{Text: label("📋 #" + strconv.FormatInt(s.ID, 10) + " " + s.ModuleName), Data: notify.Data(ButtonTutorAttendance, s.ID)}})
	}
	rows = append(rows, tutorCancelRow(l))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// tutorRoster shows who is enrolled in a session and their attendance, with buttons to mark
// it; head, when set, says what just changed.
func (e *Engine) tutorRoster(ctx context.Context, c *Ctx, s storage.Session, head string) error {
	if s.ForOperators() {
		return e.operatorRoster(ctx, c, s, head)
	}
	enrolments, err := storage.EnrolmentsOf(ctx, c.Tx, s.ID)
	if err != nil {
		return err
	}
	l := c.L
	var lines []string
	if head != "" {
		lines = append(lines, head, "")
	}
	lines = append(lines, l.T("attendance.title", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "Territory", s.Territory,
		"When", e.tutorTime(l, s.StartsAt), "Place", s.Place))
	if len(enrolments) == 0 {
		lines = append(lines, l.T("attendance.nobody"))
		return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
	}
	var rows [][]bot.Button
	present := 0
	for _, en := range enrolments {
		state := "none"
		if en.Attendance.Valid {
			state = en.Attendance.String
			if state == tutorPresent {
				present++
			}
		}
		lines = append(lines, "• "+l.Iso(en.Code)+" — "+l.T("attendance.state."+state))
		rows = append(rows, []bot.Button{
			{Text: label("✅ " + en.Code), Data: notify.Data(ButtonTutorAttendance, s.ID, en.BeneficiaryID, "p")},
			{Text: label("❌ " + en.Code), Data: notify.Data(ButtonTutorAttendance, s.ID, en.BeneficiaryID, "a")},
		})
	}
	lines = append(lines, l.T("attendance.count", "Present", present, "Total", len(enrolments)))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// tutorAttendanceButton runs tt:<session id> (open the roster) and
// tt:<session id>:<beneficiary id>:p|a (mark present or absent). An absence tells the
// beneficiary's tutor with an alert.
func (e *Engine) tutorAttendanceButton(ctx context.Context, c *Ctx) error {
	args := c.Args()
	sid, ok := args.Int(0)
	if !ok {
		return e.tutorStale(ctx, c, "", "")
	}
	s, ok, err := e.tutorSession(ctx, c, sid, true)
	if err != nil || !ok {
		return err
	}
	c.ClearStep()
	if len(args) == 1 {
		return e.tutorRoster(ctx, c, s, "")
	}
	bid, ok := args.Int(1)
	var value string
	switch args.Str(2) {
	case "p":
		value = tutorPresent
	case "a":
		value = tutorAbsent
	}
	if !ok || value == "" {
		return e.tutorStale(ctx, c, "session", strconv.FormatInt(sid, 10))
	}
	en, err := storage.EnrolmentOf(ctx, c.Tx, sid, bid)
	if errors.Is(err, storage.ErrNotFound) {
		return e.tutorStale(ctx, c, "session", strconv.FormatInt(sid, 10))
	}
	if err != nil {
		return err
	}
	l := c.L
	// domain.MarkAttendance: the territory's rule, the audit entry, the tutor's alert on an absence.
	changed, err := e.domain.MarkAttendance(ctx, c.Tx, c.Now, c.Actor, s, bid, value)
	if err != nil {
		return err
	}
	if !changed {
		return c.ReplyText(ctx, "attendance.same", "Code", en.Code, "State", l.T("attendance.state."+value))
	}
	head := l.T("attendance.marked", "Code", en.Code, "State", l.T("attendance.state."+value))
	c.Answer(head)
	return e.tutorRoster(ctx, c, s, head)
}
