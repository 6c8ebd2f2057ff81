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

// An operator's residential labs: /labs lists the sessions of operators' labs they are enrolled
// in (from and to, where, their answer) with buttons to say whether they come; the enrolment
// notice carries the same buttons (domain.ButtonOperatorRSVP).

// operatorLabs answers an operator's /labs.
func (e *Engine) operatorLabs(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	return e.showOperatorLabs(ctx, c, "")
}

func (e *Engine) showOperatorLabs(ctx context.Context, c *Ctx, head string) error {
	sessions, err := storage.SessionsOfOperator(ctx, c.Tx, c.Actor.Staff.ID, c.Now)
	if err != nil {
		return err
	}
	l := c.L
	var lines []string
	if head != "" {
		lines = append(lines, head, "")
	}
	if len(sessions) == 0 {
		lines = append(lines, l.T("oplabs.mine_none"))
		return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
	}
	lines = append(lines, l.T("oplabs.mine_title"))
	var rows [][]bot.Button
	for _, s := range sessions {
		answer := "oplabs.answer_none"
		if s.RSVP.Valid {
			answer = "oplabs.answer_" + s.RSVP.String
		}
		lines = append(lines, "", l.T("oplabs.mine_session", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName,
			"When", domain.SessionSpan(l, s.Session, e.set.Location), "Place", s.Place, "Map", notify.MapLink(s.Session), "Answer", l.T(answer)))
		if len(rows) < tutorPage {
			id := strconv.FormatInt(s.ID, 10)
			rows = append(rows, []bot.Button{
				{Text: label("✅ #" + id), Data: notify.Data(domain.ButtonOperatorRSVP, s.ID, notify.RSVPYes)},
				{Text: label("❌ #" + id), Data: notify.Data(domain.ButtonOperatorRSVP, s.ID, notify.RSVPNo)},
			})
		}
	}
	lines = append(lines, "", l.T("oplabs.mine_hint"))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n"), Buttons: rows})
}

// operatorRSVP records an operator's answer from a button (olr:<session>:yes|no); a session
// they are no longer enrolled in, cancelled or over, is answered as out of date.
func (e *Engine) operatorRSVP(ctx context.Context, c *Ctx) error {
	args := c.Args()
	sid, ok := args.Int(0)
	answer := args.Str(1)
	if !ok || (answer != notify.RSVPYes && answer != notify.RSVPNo) {
		return e.operatorLabsStale(ctx, c, "")
	}
	s, err := storage.SessionByID(ctx, c.Tx, sid)
	if errors.Is(err, storage.ErrNotFound) {
		return e.operatorLabsStale(ctx, c, strconv.FormatInt(sid, 10))
	}
	if err != nil {
		return err
	}
	if s.Status != storage.SessionScheduled || !s.EndsAt.After(c.Now) {
		return e.operatorLabsStale(ctx, c, strconv.FormatInt(sid, 10))
	}
	changed, err := e.domain.OperatorRSVP(ctx, c.Tx, c.Now, c.Actor, s, answer)
	if errors.Is(err, storage.ErrNotFound) {
		return e.operatorLabsStale(ctx, c, strconv.FormatInt(sid, 10))
	}
	if err != nil {
		return err
	}
	head := c.T("oplabs.rsvp_"+answer, "Lab", s.LabName, "Module", s.ModuleName, "When", domain.SessionSpan(c.L, s, e.set.Location))
	if !changed {
		head = c.T("oplabs.rsvp_same")
	}
	c.Answer(head)
	return e.showOperatorLabs(ctx, c, head)
}

// operatorLabsStale answers a button of a session the operator cannot answer about (audited),
// with their current labs.
func (e *Engine) operatorLabsStale(ctx context.Context, c *Ctx, sessionID string) error {
	if err := c.Refuse(ctx, "button:"+domain.ButtonOperatorRSVP, "session", sessionID); err != nil {
		return err
	}
	return e.showOperatorLabs(ctx, c, c.T("oplabs.rsvp_stale"))
}
