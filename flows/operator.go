package flows

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Reception-centre operators (domain.RoleOperator) in the chat: /mine lists their centre's
// people, /b <code> shows one (plan with status and due dates, case status), /propose
// suggests a step to the person's tutor, /note writes to the tutor about them. Nothing an
// operator does reaches a beneficiary directly; every other staff command refuses them.

// operatorListMax is how many of a centre's people /mine lists in one message.
const operatorListMax = 50

func (e *Engine) operatorRoutes() []Route {
	return []Route{
		{Command: "mine", Roles: domain.RoleOperator, Help: "operator.help_mine", Handle: e.operatorMine},
		{Command: "b", Roles: domain.RoleOperator, Help: "operator.help_b", Handle: e.operatorCard},
		{Command: "propose", Roles: domain.RoleOperator, Help: "operator.help_propose", Handle: e.operatorPropose},
		{Command: "note", Roles: domain.RoleOperator, Help: "operator.help_note", Handle: e.operatorNote},
		{Command: "labs", Roles: domain.RoleOperator, Help: "oplabs.help_labs", Handle: e.operatorLabs},
		{Button: domain.ButtonOperatorRSVP, Roles: domain.RoleOperator, Handle: e.operatorRSVP},
		{Button: buttonOperatorAttendance, Roles: domain.Staff, Handle: e.operatorAttendanceButton},

		{Button: domain.ButtonProposalAccept, Roles: domain.Staff, Handle: e.proposalAnswer(true)},
		{Button: domain.ButtonProposalDecline, Roles: domain.Staff, Handle: e.proposalAnswer(false)},
	}
}

// operatorMine answers an operator's /mine: their centre's people with their plan figures.
func (e *Engine) operatorMine(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	rows, total, err := storage.Caseload(ctx, c.Tx, c.Actor.CaseloadFilter(), civil.Today(c.Now, e.set.Location), operatorListMax, 0)
	if err != nil {
		return err
	}
	if total == 0 {
		return c.ReplyText(ctx, "operator.empty")
	}
	var b strings.Builder
	b.WriteString(c.L.N("operator.title", total))
	for _, r := range rows {
		b.WriteString("\n" + e.tutorMineLine(c.L, r))
	}
	if total > len(rows) {
		b.WriteString("\n" + c.T("operator.more", "N", total-len(rows)))
	}
	b.WriteString("\n\n" + c.T("operator.hint"))
	return c.Reply(ctx, bot.Outgoing{Text: b.String()})
}

// operatorCard answers /b <code>: what an operator may see of one of their centre's people.
func (e *Engine) operatorCard(ctx context.Context, c *Ctx) error {
	args := tutorFields(c)
	if len(args) != 1 {
		return c.ReplyText(ctx, "operator.b_usage")
	}
	b, ok, err := c.OperatorBeneficiary(ctx, "/b", args[0])
	if err != nil || !ok {
		return err
	}
	l := c.L
	lang := b.Lang
	if lg, ok := e.cat.Lang(b.Lang); ok {
		lang = lg.Native
	}
	out := []string{l.T("card.title", "Who", tutorName(b)),
		l.T("card.about", "Territory", b.Territory, "Lang", lang, "Status", l.T("card.status."+b.Status))}
	plan, err := e.cardPlanLines(ctx, c, b)
	if err != nil {
		return err
	}
	out = append(out, plan...)
	outcomes, err := storage.OutcomesOf(ctx, c.Tx, b.ID)
	if err != nil {
		return err
	}
	out = append(out, "", l.T("outcomes.title", "Who", b.Code))
	if len(outcomes) == 0 {
		out = append(out, l.T("outcomes.none"))
	}
	for i, o := range outcomes {
		out = append(out, l.T("outcomes.line", "N", i+1, "What", outcomeWhat(l, o.Kind, o.Type, o.Detail.String), "Date", notify.CivilDate(l, o.OccurredOn)))
	}
	out = append(out, "", l.T("operator.card_hint", "Code", b.Code))
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(out, "\n")})
}

// operatorPropose answers /propose <code> <area> <title>.
func (e *Engine) operatorPropose(ctx context.Context, c *Ctx) error {
	args := tutorFields(c)
	if len(args) < 3 {
		return c.ReplyText(ctx, "operator.propose_usage")
	}
	area, ok := e.words.area(args[1])
	if !ok {
		return c.ReplyText(ctx, "operator.propose_usage")
	}
	b, ok, err := c.OperatorBeneficiary(ctx, "/propose", args[0])
	if err != nil || !ok {
		return err
	}
	title, ok, err := tutorCheckTitle(ctx, c, strings.Join(args[2:], " "))
	if err != nil || !ok {
		return err
	}
	_, tutorless, err := e.domain.ProposeStep(ctx, c.Tx, c.Now, c.Actor, b, area, title)
	if err != nil {
		return err
	}
	if tutorless {
		return c.ReplyText(ctx, "operator.no_tutor", "Code", b.Code)
	}
	return c.ReplyText(ctx, "operator.proposed", "Code", b.Code)
}

// operatorNote answers /note <code> <text>: a note to the person's tutor about them.
func (e *Engine) operatorNote(ctx context.Context, c *Ctx) error {
	code, text, _ := strings.Cut(strings.TrimSpace(c.In.Text), " ")
	text = strings.TrimSpace(text)
	if code == "" || text == "" {
		return c.ReplyText(ctx, "operator.note_usage")
	}
	if utf8.RuneCountInString(text) > maxRelayRunes {
		return c.ReplyText(ctx, "mytutor.too_long", "Max", maxRelayRunes)
	}
	b, ok, err := c.OperatorBeneficiary(ctx, "/note", code)
	if err != nil || !ok {
		return err
	}
	tutorless, err := e.domain.NoteToTutor(ctx, c.Tx, c.Now, c.Actor, b, text)
	if err != nil {
		return err
	}
	if tutorless {
		return c.ReplyText(ctx, "operator.no_tutor", "Code", b.Code)
	}
	return c.ReplyText(ctx, "operator.noted", "Code", b.Code)
}

// proposalAnswer is the tutor's Accept or Decline on a proposal's alert: pa:<id>, pd:<id>.
func (e *Engine) proposalAnswer(accept bool) func(context.Context, *Ctx) error {
	return func(ctx context.Context, c *Ctx) error {
		id, ok := c.Args().Int(0)
		if !ok {
			return e.tutorStale(ctx, c, "", "")
		}
		p, err := storage.ProposalByID(ctx, c.Tx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return e.tutorStale(ctx, c, "proposal", c.Args().Str(0))
		}
		if err != nil {
			return err
		}
		step, err := e.domain.DecideProposal(ctx, c.Tx, c.Now, c.Actor, p, accept)
		switch {
		case errors.Is(err, domain.ErrDenied):
			return c.answerDenied(ctx)
		case errors.Is(err, domain.ErrAnswered):
			return c.ReplyText(ctx, "proposal.answered")
		case err != nil:
			return err
		}
		code := ""
		if b, err := storage.BeneficiaryByID(ctx, c.Tx, p.BeneficiaryID); err == nil {
			code = b.Code
		}
		if accept {
			return c.ReplyText(ctx, "proposal.accepted", "Code", code, "N", step.Position)
		}
		return c.ReplyText(ctx, "proposal.declined", "Code", code)
	}
}
