package flows

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Purposes of a caseload list: what pressing a beneficiary does.
const (
	tutorPickCard  = "m" // open the card (/mine, /b)
	tutorPickStep  = "s" // change the plan (/step)
	tutorPickReply = "r" // write to them (/reply)
)

// tutorMine answers /mine: the beneficiaries the staff member follows, with their plan figures
// and last activity, a button to open each.
func (e *Engine) tutorMine(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	if len(tutorFields(c)) > 0 {
		return c.ReplyText(ctx, "mine.usage")
	}
	return e.tutorMineList(ctx, c, tutorPickCard, 0)
}

// tutorMinePage shows another page of a caseload list: tm:<purpose>:<offset>.
func (e *Engine) tutorMinePage(ctx context.Context, c *Ctx) error {
	purpose := c.Args().Str(0)
	offset, ok := c.Args().Int(1)
	if !ok || offset < 0 || (purpose != tutorPickCard && purpose != tutorPickStep && purpose != tutorPickReply) {
		return e.tutorStale(ctx, c, "", "")
	}
	return e.tutorMineList(ctx, c, purpose, int(offset))
}

// tutorMineList renders a page of the caseload, each beneficiary a button that does what
// purpose says.
func (e *Engine) tutorMineList(ctx context.Context, c *Ctx, purpose string, offset int) error {
	rows, total, err := storage.Caseload(ctx, c.Tx, c.Actor.CaseloadFilter(), civil.Today(c.Now, e.set.Location), tutorPage, offset)
	if err != nil {
		return err
	}
	if total == 0 {
		return c.ReplyText(ctx, "mine.empty")
	}
	var b strings.Builder
	switch purpose {
	case tutorPickStep:
		b.WriteString(c.T("step.pick"))
	case tutorPickReply:
		b.WriteString(c.T("reply.pick"))
	default:
		b.WriteString(c.L.N("mine.title", total))
	}
	var buttons [][]bot.Button
	var row []bot.Button
	for _, r := range rows {
		b.WriteString("\n" + e.tutorMineLine(c.L, r))
		var btn bot.Button
		switch purpose {
		case tutorPickStep:
			btn = bot.Button{Text: label("📋 " + r.Code), Data: notify.Data(ButtonTutorStep, "b", r.ID)}
		case tutorPickReply:
			btn = bot.Button{Text: label("💬 " + r.Code), Data: notify.Data(ButtonTutorWrite, r.ID)}
		default:
			btn = bot.Button{Text: label("📂 " + r.Code), Data: notify.Data(ButtonTutorCard, r.ID)}
		}
		row = append(row, btn)
		if len(row) == 2 {
			buttons = append(buttons, row)
			row = nil
		}
	}
	if len(row) > 0 {
		buttons = append(buttons, row)
	}
	if pager := tutorPager(c.L, ButtonTutorMinePage, offset, total, purpose); len(pager) > 0 {
		buttons = append(buttons, pager)
	}
	if purpose != tutorPickCard {
		buttons = append(buttons, tutorCancelRow(c.L))
	}
	return c.Reply(ctx, bot.Outgoing{Text: b.String(), Buttons: buttons})
}

func (e *Engine) tutorMineLine(l *locales.Localizer, r storage.CaseloadRow) string {
	who := r.Code
	if r.Name() != r.Code {
		who += " · " + r.Name()
	}
	parts := []string{l.T("mine.steps", "Done", r.StepsDone, "Total", r.StepsTotal)}
	if r.StepsOverdue > 0 {
		parts = append(parts, l.N("mine.overdue", r.StepsOverdue))
	}
	switch {
	case r.Status == storage.BeneficiaryInvited:
		parts = append(parts, l.T("mine.invited"))
	case r.LastInboundAt.Valid:
		parts = append(parts, l.T("mine.last", "When", l.DateTime(r.LastInboundAt.Time.In(e.set.Location))))
	default:
		parts = append(parts, l.T("mine.never"))
	}
	return "• " + l.Iso(who) + " — " + strings.Join(parts, " · ")
}

// tutorCardCommand answers /b <code>.
func (e *Engine) tutorCardCommand(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	switch len(args) {
	case 0:
		return e.tutorMineList(ctx, c, tutorPickCard, 0)
	case 1:
	default:
		return c.ReplyText(ctx, "card.usage")
	}
	b, ok, err := c.StaffBeneficiary(ctx, "/b", args[0])
	if err != nil || !ok {
		return err
	}
	return e.tutorCard(ctx, c, b)
}

// tutorCardButton opens a card from a list or an alert.
func (e *Engine) tutorCardButton(ctx context.Context, c *Ctx) error {
	id, ok := c.Args().Int(0)
	if !ok {
		return e.tutorStale(ctx, c, "", "")
	}
	b, ok, err := e.tutorBeneficiaryByID(ctx, c, id)
	if err != nil || !ok {
		return err
	}
	return e.tutorCard(ctx, c, b)
}

// tutorCard shows a beneficiary's card: plan, labs, lead interest, last activity, consents,
// with buttons for what staff do next.
func (e *Engine) tutorCard(ctx context.Context, c *Ctx, b storage.Beneficiary) error {
	text, err := e.tutorCardText(ctx, c, b)
	if err != nil {
		return err
	}
	l := c.L
	return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: [][]bot.Button{
		{{Text: l.T("card.add_step"), Data: notify.Data(ButtonTutorStep, "a", b.ID)}, {Text: l.T("card.change_step"), Data: notify.Data(ButtonTutorStep, "c", b.ID)}},
		{{Text: l.T("card.write"), Data: notify.Data(ButtonTutorWrite, b.ID)}, {Text: l.T("card.mine"), Data: notify.Data(ButtonTutorMinePage, tutorPickCard, 0)}},
	}})
}

func (e *Engine) tutorCardText(ctx context.Context, c *Ctx, b storage.Beneficiary) (string, error) {
	l := c.L
	loc := e.set.Location
	var out []string
	lang := b.Lang
	if lg, ok := e.cat.Lang(b.Lang); ok {
		lang = lg.Native
	}
	out = append(out, l.T("card.title", "Who", tutorName(b)),
		l.T("card.about", "Territory", b.Territory, "Lang", lang, "Status", l.T("card.status."+b.Status)))
	if b.LastInboundAt.Valid {
		out = append(out, l.T("card.last", "When", l.DateTime(b.LastInboundAt.Time.In(loc))))
	} else {
		out = append(out, l.T("card.never"))
	}

	plan, err := e.cardPlanLines(ctx, c, b)
	if err != nil {
		return "", err
	}
	out = append(out, plan...)

	labs, err := storage.LabRecordsOf(ctx, c.Tx, b.ID, 5)
	if err != nil {
		return "", err
	}
	out = append(out, "", l.T("card.labs"))
	if len(labs) == 0 {
		out = append(out, l.T("card.none"))
	}
	for _, r := range labs {
		out = append(out, l.T("card.lab", "Lab", r.LabName, "Module", r.ModuleName, "When", l.DateTime(r.StartsAt.In(loc)),
			"State", tutorLabState(l, r)))
	}

	interests, err := storage.InterestsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return "", err
	}
	out = append(out, "", l.T("card.leads"))
	if len(interests) == 0 {
		out = append(out, l.T("card.none"))
	}
	for _, in := range interests {
		out = append(out, l.T("card.lead", "ID", in.LeadID, "Kind", l.T("lead.kind."+in.Kind), "Title", in.Title))
	}

	msgs, err := e.cardMessages(ctx, c, b)
	if err != nil {
		return "", err
	}
	out = append(out, msgs...)

	out = append(out, "", l.T("card.consents", "Service", tutorYesNo(b.ConsentServiceAt.Valid),
		"Research", tutorYesNo(b.ConsentResearchAt.Valid), "Announcements", tutorYesNo(b.ConsentAnnouncementsAt.Valid)))
	if b.AnnouncementsStoppedAt.Valid {
		out = append(out, l.T("card.stopped", "When", l.DateTime(b.AnnouncementsStoppedAt.Time.In(loc))))
	}
	return strings.Join(out, "\n"), nil
}

// cardPlanLines are a card's plan: steps done of all, overdue, then each step with its status
// and due date.
func (e *Engine) cardPlanLines(ctx context.Context, c *Ctx, b storage.Beneficiary) ([]string, error) {
	l := c.L
	steps, err := storage.StepsOf(ctx, c.Tx, b.ID)
	if err != nil {
		return nil, err
	}
	today := civil.Today(c.Now, e.set.Location)
	if len(steps) == 0 {
		return []string{"", l.T("card.plan_empty")}, nil
	}
	done, overdue := 0, 0
	for _, s := range steps {
		if s.Status == storage.StepDone {
			done++
		} else if tutorOverdue(s, today) {
			overdue++
		}
	}
	out := []string{"", l.T("card.plan", "Done", done, "Total", len(steps)) + tutorOverdueNote(l, overdue)}
	for _, s := range steps {
		out = append(out, e.tutorStepLine(l, s, today))
	}
	return out, nil
}

func tutorYesNo(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

func tutorOverdueNote(l *locales.Localizer, n int) string {
	if n == 0 {
		return ""
	}
	return " · " + l.N("mine.overdue", n)
}

// tutorOverdue tells whether an open step is past its due date on today.
func tutorOverdue(s storage.PlanStep, today string) bool {
	return s.Status != storage.StepDone && s.DueDate.Valid && s.DueDate.String != "" && s.DueDate.String < today
}

// tutorStepLine is one numbered line of a plan as staff see it.
func (e *Engine) tutorStepLine(l *locales.Localizer, s storage.PlanStep, today string) string {
	parts := []string{l.T("step.area." + s.Area), notify.StepTitle(l, s), l.T("step.status." + s.Status)}
	if s.DueDate.Valid && s.DueDate.String != "" {
		parts = append(parts, l.T("card.due", "Date", notify.CivilDate(l, s.DueDate.String)))
	}
	if tutorOverdue(s, today) {
		parts = append(parts, l.T("card.overdue"))
	}
	return strconv.Itoa(s.Position) + ". " + strings.Join(parts, " · ")
}

func tutorLabState(l *locales.Localizer, r storage.LabRecord) string {
	switch {
	case r.Status == storage.SessionCancelled:
		return l.T("card.lab_cancelled")
	case r.Attendance.Valid:
		return l.T("attendance.state." + r.Attendance.String)
	case r.RSVP.Valid:
		return l.T("card.rsvp_" + r.RSVP.String)
	}
	return l.T("card.enrolled")
}

// tutorTime renders a moment for staff.
func (e *Engine) tutorTime(l *locales.Localizer, t time.Time) string {
	return l.DateTime(t.In(e.set.Location))
}
