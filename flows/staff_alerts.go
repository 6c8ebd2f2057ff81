package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// tutorReplyMax is the longest message a tutor may send in one go (characters).
const tutorReplyMax = 3500

// tutorReply answers /reply <code> <text>; with the text missing it waits for it, with the code
// missing it offers the caseload.
func (e *Engine) tutorReply(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	raw := strings.TrimSpace(c.In.Text)
	if raw == "" {
		return e.tutorMineList(ctx, c, tutorPickReply, 0)
	}
	code, text := raw, ""
	if i := strings.IndexFunc(raw, unicode.IsSpace); i >= 0 {
		code, text = raw[:i], strings.TrimSpace(raw[i:])
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/reply", code)
	if err != nil || !ok {
		return err
	}
	if text == "" {
		return e.tutorAskReply(ctx, c, b, 0)
	}
	return e.tutorSendReply(ctx, c, b, text, 0)
}

// tutorAskReply waits for the text to send to a beneficiary (alertID: the alert it answers).
func (e *Engine) tutorAskReply(ctx context.Context, c *Ctx, b storage.Beneficiary, alertID int64) error {
	data := map[string]string{"b": strconv.FormatInt(b.ID, 10)}
	if alertID != 0 {
		data["a"] = strconv.FormatInt(alertID, 10)
	}
	c.SetStep(stepTutorReply, data)
	return c.Reply(ctx, bot.Outgoing{Text: c.T("reply.ask", "Who", tutorName(b)), Buttons: [][]bot.Button{tutorCancelRow(c.L)}})
}

// tutorReplyText sends the text typed at the reply step.
func (e *Engine) tutorReplyText(ctx context.Context, c *Ctx) error {
	b, ok, err := e.tutorFormBeneficiary(ctx, c)
	if err != nil || !ok {
		return err
	}
	return e.tutorSendReply(ctx, c, b, strings.TrimSpace(c.In.Text), c.State.Int("a"))
}

// tutorSendReply relays a staff member's text to a beneficiary and closes the alerts it
// answers: the one replied to, and the staff member's open alerts about that beneficiary.
// When the beneficiary cannot be reached nothing is closed.
func (e *Engine) tutorSendReply(ctx context.Context, c *Ctx, b storage.Beneficiary, text string, alertID int64) error {
	if text == "" {
		return c.ReplyText(ctx, "reply.empty")
	}
	if n := utf8.RuneCountInString(text); n > tutorReplyMax {
		return c.ReplyText(ctx, "reply.too_long", "Max", tutorReplyMax, "Length", n)
	}
	c.ClearStep()
	r, err := e.domain.ReplyToPerson(ctx, c.Tx, c.Now, c.Actor, b, text, alertID)
	if err != nil {
		return err
	}
	return e.tutorReplied(ctx, c, b, r)
}

// tutorReplied tells a staff member what their reply (a text or a file) did.
func (e *Engine) tutorReplied(ctx context.Context, c *Ctx, b storage.Beneficiary, r domain.Reply) error {
	if !r.Sent {
		return c.ReplyText(ctx, "reply.unreachable", "Code", b.Code)
	}
	closed := r.Closed
	out := c.T("reply.sent", "Code", b.Code)
	if closed > 0 {
		out += "\n" + c.L.N("reply.closed", int(closed))
	}
	return c.Reply(ctx, bot.Outgoing{Text: out, Buttons: [][]bot.Button{{{Text: c.T("card.open"), Data: notify.Data(ButtonTutorCard, b.ID)}}}})
}

// tutorWriteButton starts a message to a beneficiary from their card or the /reply list.
func (e *Engine) tutorWriteButton(ctx context.Context, c *Ctx) error {
	id, ok := c.Args().Int(0)
	if !ok {
		return e.tutorStale(ctx, c, "", "")
	}
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
	if err != nil || !ok {
		return err
	}
	return e.tutorAskReply(ctx, c, b, 0)
}

// tutorAlertFor finds the alert a button names and its beneficiary, checking the staff member
// may act on them; when not, it has answered.
func (e *Engine) tutorAlertFor(ctx context.Context, c *Ctx) (storage.Alert, storage.Beneficiary, bool, error) {
	id, ok := c.Args().Int(0)
	if !ok {
		return storage.Alert{}, storage.Beneficiary{}, false, e.tutorStale(ctx, c, "", "")
	}
	a, err := storage.AlertByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return a, storage.Beneficiary{}, false, e.tutorStale(ctx, c, "alert", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return a, storage.Beneficiary{}, false, err
	}
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, a.BeneficiaryID)
	return a, b, ok, err
}

// tutorAlertOpen shows the card of an alert's beneficiary.
func (e *Engine) tutorAlertOpen(ctx context.Context, c *Ctx) error {
	_, b, ok, err := e.tutorAlertFor(ctx, c)
	if err != nil || !ok {
		return err
	}
	return e.tutorCard(ctx, c, b)
}

// tutorAlertReply waits for the answer to an alert.
func (e *Engine) tutorAlertReply(ctx context.Context, c *Ctx) error {
	a, b, ok, err := e.tutorAlertFor(ctx, c)
	if err != nil || !ok {
		return err
	}
	return e.tutorAskReply(ctx, c, b, a.ID)
}

// tutorAlertDone closes an alert without a message.
func (e *Engine) tutorAlertDone(ctx context.Context, c *Ctx) error {
	a, b, ok, err := e.tutorAlertFor(ctx, c)
	if err != nil || !ok {
		return err
	}
	closed, err := e.domain.CloseAlert(ctx, c.Tx, c.Now, c.Actor, a, b)
	if err != nil {
		return err
	}
	if !closed {
		return c.ReplyText(ctx, "alerts.already_closed", "Code", b.Code)
	}
	c.Answer(c.T("alerts.closed", "Code", b.Code))
	return c.ReplyText(ctx, "alerts.closed", "Code", b.Code)
}

// tutorAlerts answers /alerts: the caller's open alerts, each with Open, Reply and Done.
func (e *Engine) tutorAlerts(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	if len(tutorFields(c)) > 0 {
		return c.ReplyText(ctx, "alerts.usage")
	}
	return e.tutorAlertList(ctx, c, 0)
}

// tutorAlertsPage shows another page of /alerts.
func (e *Engine) tutorAlertsPage(ctx context.Context, c *Ctx) error {
	offset, ok := c.Args().Int(0)
	if !ok || offset < 0 {
		return e.tutorStale(ctx, c, "", "")
	}
	return e.tutorAlertList(ctx, c, int(offset))
}

func (e *Engine) tutorAlertList(ctx context.Context, c *Ctx, offset int) error {
	alerts, err := storage.OpenAlerts(ctx, c.Tx, c.Actor.Staff.ID)
	if err != nil {
		return err
	}
	if len(alerts) == 0 {
		return c.ReplyText(ctx, "alerts.none")
	}
	if offset >= len(alerts) {
		offset = 0
	}
	// The count first, then each alert as a message of its own with its own buttons, so that
	// every Done says which alert it closes; then the pages, if there are several.
	l := c.L
	if err := c.Reply(ctx, bot.Outgoing{Text: l.N("alerts.title", len(alerts))}); err != nil {
		return err
	}
	end := min(offset+tutorPage, len(alerts))
	for i, a := range alerts[offset:end] {
		detail, err := e.tutorAlertDetail(ctx, c, a)
		if err != nil {
			return err
		}
		kind := a.Kind
		if a.Kind == storage.AlertLeadInterest && a.RefID.Valid {
			// A job lead's interest is listed with 💼, a housing lead's with 🏠.
			if ld, err := storage.LeadByID(ctx, c.Tx, a.RefID.Int64); err == nil && ld.Kind == storage.LeadJob {
				kind = "lead_interest_job"
			} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
		}
		line := l.T("alerts.line", "N", offset+i+1, "Code", a.Code, "What", e.tutorAlertKind(l, kind), "When", e.tutorTime(l, a.CreatedAt))
		if detail != "" {
			line += "\n   " + detail
		}
		if err := c.Reply(ctx, bot.Outgoing{Text: line, Buttons: [][]bot.Button{{
			{Text: label("📂 " + a.Code), Data: notify.Data(notify.ButtonAlertOpen, a.ID)},
			{Text: l.T("alert.reply"), Data: notify.Data(notify.ButtonAlertReply, a.ID)},
			{Text: label(l.T("alerts.done_code", "Code", a.Code)), Data: notify.Data(ButtonTutorAlertDone, a.ID)},
		}}}); err != nil {
			return err
		}
	}
	if pager := tutorPager(l, ButtonTutorAlertsPage, offset, len(alerts)); len(pager) > 0 {
		return c.Reply(ctx, bot.Outgoing{Text: l.T("alerts.shown", "From", offset+1, "To", end, "Total", len(alerts)),
			Buttons: [][]bot.Button{pager}})
	}
	return nil
}

// tutorAlertKind names what an alert is about.
func (e *Engine) tutorAlertKind(l *locales.Localizer, kind string) string {
	id := "alerts.kind." + kind
	if e.cat.Has("it", id) || e.cat.Has("en", id) {
		return l.T(id)
	}
	return l.T("alerts.kind_other")
}

// tutorAlertDetail is what an alert refers to: the step, the lead or the session.
func (e *Engine) tutorAlertDetail(ctx context.Context, c *Ctx, a storage.Alert) (string, error) {
	if !a.RefID.Valid {
		return "", nil
	}
	l := c.L
	switch a.Kind {
	case storage.AlertStepHelp, storage.AlertStepDone, storage.AlertStepOverdue:
		s, err := storage.StepByID(ctx, c.Tx, a.RefID.Int64)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && s.BeneficiaryID != a.BeneficiaryID) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return l.T("alerts.about_step", "N", s.Position, "Title", notify.StepTitle(l, s)), nil
	case storage.AlertLeadInterest:
		ld, err := storage.LeadByID(ctx, c.Tx, a.RefID.Int64)
		if errors.Is(err, storage.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return l.T("alerts.about_lead", "ID", ld.ID, "Title", ld.Title), nil
	case storage.AlertProposal:
		p, err := storage.ProposalByID(ctx, c.Tx, a.RefID.Int64)
		if errors.Is(err, storage.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return l.T("alerts.about_proposal", "Area", l.T("area."+p.Area), "Title", p.Title), nil
	case storage.AlertOperatorNote:
		n, err := storage.OperatorNoteByID(ctx, c.Tx, a.RefID.Int64)
		if errors.Is(err, storage.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return l.T("alerts.about_note", "Text", n.Body), nil
	case storage.AlertMessage:
		msgs, err := storage.ConversationMessagesByID(ctx, c.Tx, []int64{a.RefID.Int64})
		if err != nil {
			return "", err
		}
		m, ok := msgs[a.RefID.Int64]
		if !ok || m.BeneficiaryID != a.BeneficiaryID {
			return "", nil // purged by the retention, or erased
		}
		return messageDetail(l, m), nil
	case storage.AlertRSVPNo, storage.AlertAbsent:
		s, err := storage.SessionByID(ctx, c.Tx, a.RefID.Int64)
		if errors.Is(err, storage.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return l.T("alerts.about_session", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "When", e.tutorTime(l, s.StartsAt)), nil
	}
	return "", nil
}

// alertTextRunes is how much of a relayed message /alerts and the card show.
const alertTextRunes = 300

// messageDetail is what a relayed message said, as staff see it in a list: its text (clipped),
// a file's kind before its caption.
func messageDetail(l *locales.Localizer, m storage.ConversationMessage) string {
	text := clip(m.Body, alertTextRunes)
	if m.MediaKind.Valid && m.MediaKind.String != "" {
		kind := domain.MediaLabel(l, bot.MediaKind(m.MediaKind.String))
		if text == "" {
			return kind
		}
		return kind + ": «" + text + "»"
	}
	return "«" + text + "»"
}

// cardMessages is the card's part with the latest messages between the person and their
// tutor, newest first.
func (e *Engine) cardMessages(ctx context.Context, c *Ctx, b storage.Beneficiary) ([]string, error) {
	msgs, err := storage.ConversationOf(ctx, c.Tx, b.ID, 0, cardMessageCount)
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	l := c.L
	out := []string{"", l.T("relay.card_title")}
	for _, m := range msgs {
		id := "relay.card_in"
		if m.Direction == storage.ToPerson {
			id = "relay.card_out"
		}
		out = append(out, l.T(id, "When", e.tutorTime(l, m.CreatedAt), "Text", messageDetail(l, m)))
	}
	return out, nil
}

// cardMessageCount is how many messages the card shows.
const cardMessageCount = 3
