package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// buttonOperatorAttendance marks an operator at a session of an operators' lab:
// Data(buttonOperatorAttendance, sessionID, staffID, "p"|"a").
const buttonOperatorAttendance = "toa"

// operatorRoster is /attendance for a session of an operators' lab: who is enrolled, by name
// and centre, their answer and attendance, with buttons to mark it.
func (e *Engine) operatorRoster(ctx context.Context, c *Ctx, s storage.Session, head string) error {
	ops, err := storage.OperatorEnrolmentsOf(ctx, c.Tx, s.ID)
	if err != nil {
		return err
	}
	l := c.L
	var lines []string
	if head != "" {
		lines = append(lines, head, "")
	}
	lines = append(lines, l.T("attendance.title", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "Territory", s.Territory,
		"When", domain.SessionSpan(l, s, e.set.Location), "Place", s.Place))
	if len(ops) == 0 {
		lines = append(lines, l.T("attendance.nobody"))
		return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
	}
	var rows [][]bot.Button
	present := 0
	for _, op := range ops {
		state := "none"
		if op.Attendance.Valid {
			state = op.Attendance.String
			if state == tutorPresent {
				present++
			}
		}
		who := op.Name
		if op.Centre != "" {
			who += " (" + op.Centre + ")"
		}
		lines = append(lines, "• "+l.Iso(who)+" — "+l.T("attendance.state."+state))
		rows = append(rows, []bot.Button{
			{Text: label("✅ " + op.Name), Data: notify.Data(buttonOperatorAttendance, s.ID, op.StaffID, "p")},
			{Text: label("❌ " + op.Name), Data: notify.Data(buttonOperatorAttendance, s.ID, op.StaffID, "a")},
		})
	}
	lines = append(lines, l.T("attendance.count", "Present", present, "Total", len(ops)))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// operatorAttendanceButton runs toa:<session>:<staff id>:p|a: marks an operator present or
// absent (domain.MarkOperatorAttendance: the territory's rule and the audit entry).
func (e *Engine) operatorAttendanceButton(ctx context.Context, c *Ctx) error {
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
	opID, ok := args.Int(1)
	var value string
	switch args.Str(2) {
	case "p":
		value = domain.AttendancePresent
	case "a":
		value = domain.AttendanceAbsent
	}
	if !ok || value == "" || !s.ForOperators() {
		return e.tutorStale(ctx, c, "session", strconv.FormatInt(sid, 10))
	}
	op, err := storage.OperatorEnrolmentOf(ctx, c.Tx, sid, opID)
	if errors.Is(err, storage.ErrNotFound) {
		return e.tutorStale(ctx, c, "session", strconv.FormatInt(sid, 10))
	}
	if err != nil {
		return err
	}
	l := c.L
	changed, err := e.domain.MarkOperatorAttendance(ctx, c.Tx, c.Now, c.Actor, s, opID, value)
	if err != nil {
		return err
	}
	if !changed {
		return c.ReplyText(ctx, "attendance.same", "Code", op.Name, "State", l.T("attendance.state."+value))
	}
	head := l.T("attendance.marked", "Code", op.Name, "State", l.T("attendance.state."+value))
	c.Answer(head)
	return e.operatorRoster(ctx, c, s, head)
}
