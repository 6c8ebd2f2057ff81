package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// /enrol in a session of an operators' lab takes operators, not beneficiaries' codes: each is
// named by "op" and their staff number (op7, OP-7), as the guided form lists the active
// operators of the session's territory. A beneficiary's code there, or an operator in a
// beneficiaries' lab, is refused by the domain (audited) with a message saying whom the lab is
// for.

// parseOperatorID reads an operator's identifier, op<staff id> (any case, "op-7" and "op#7" too).
func parseOperatorID(tok string) (int64, bool) {
	t := strings.ToUpper(strings.TrimSpace(tok))
	if !strings.HasPrefix(t, "OP") {
		return 0, false
	}
	t = strings.TrimLeft(t[2:], "-#")
	id, err := strconv.ParseInt(t, 10, 64)
	return id, err == nil && id > 0
}

// operatorTag is how an operator is named in /enrol: op<staff id>.
func operatorTag(id int64) string { return "op" + strconv.FormatInt(id, 10) }

// wrongAudience turns the domain's refusal of an audience into the message saying whom the
// lab is for; other errors stay as they are.
func wrongAudience(err error, id, code string) error {
	if errors.Is(err, domain.ErrWrongAudience) {
		return badInput(id, "Code", code)
	}
	return err
}

// operatorChoices offers, for a session of an operators' lab, the active operators of its
// territory (none for a beneficiaries' session: their codes are typed).
func operatorChoices(ctx context.Context, c *Ctx, v map[string]string) ([]choice, error) {
	id, ok := parseID(v["session"])
	if !ok {
		return nil, nil
	}
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return nil, err
	}
	if !s.ForOperators() {
		return nil, nil
	}
	ops, err := storage.OperatorsOf(ctx, c.Tx, s.Territory)
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(ops))
	for i, op := range ops {
		tag := operatorTag(op.ID)
		line := c.T("oplabs.operator_line", "Tag", tag, "Name", op.DisplayName)
		if i == 0 {
			// The question asks for codes: say first that this lab takes operators.
			line = c.T("oplabs.ask_operators", "Territory", s.Territory) + "\n" + line
		}
		out = append(out, choice{label: label(tag + " " + op.DisplayName), value: tag, line: line})
	}
	return out, nil
}

// checkOperatorIDs checks every operator named before anyone is enrolled: each must be an
// active operator of the session's territory. A beneficiary's code is refused by the domain.
func (c *Ctx) checkOperatorIDs(ctx context.Context, action string, s storage.Session, in string) ([]string, error) {
	toks := splitCodes(in)
	if len(toks) == 0 {
		return nil, badInput("oplabs.no_operators_named")
	}
	if len(toks) > maxEnrolCodes {
		return nil, badInput("enrol.too_many", "Max", maxEnrolCodes)
	}
	var ids, problems []string
	for _, tok := range toks {
		id, ok := parseOperatorID(tok)
		if !ok {
			if _, err := storage.BeneficiaryByCode(ctx, c.Tx, tok); err == nil {
				// A beneficiary in an operators' lab: the domain refuses it, audited.
				if err := c.e.domain.CheckAudience(ctx, c.Tx, c.Now, c.Actor, action, s, storage.AudienceBeneficiaries); err != nil {
					return nil, wrongAudience(err, "oplabs.problem_operators_lab", tok)
				}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return nil, err
			}
			problems = append(problems, c.T("oplabs.problem_unknown", "Input", tok))
			continue
		}
		op, err := storage.StaffByID(ctx, c.Tx, id)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		if err != nil || op.Role != storage.RoleOperator || op.Status != "active" || !op.Territory.Valid || op.Territory.String != s.Territory {
			problems = append(problems, c.T("oplabs.problem_not_operator", "Input", operatorTag(id), "Territory", s.Territory))
			continue
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if len(problems) > 0 {
		return nil, badInput("enrol.bad_codes", "Problems", "• "+strings.Join(problems, "\n• "))
	}
	return ids, nil
}

// enrolOperators enrols the operators a form checked (their staff ids) in a session of an
// operators' lab, within its capacity, and reports to the coordinator by name.
func (e *Engine) enrolOperators(ctx context.Context, c *Ctx, s storage.Session, ids []string) error {
	var ops []storage.Staff
	for _, f := range ids {
		id, _ := strconv.ParseInt(f, 10, 64)
		op, err := storage.StaffByID(ctx, c.Tx, id)
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	if err := storage.LockSession(ctx, c.Tx, s.ID); err != nil {
		return err
	}
	room, err := storage.OperatorRoomOf(ctx, c.Tx, s.ID)
	if err != nil {
		return err
	}
	adding := 0
	for _, op := range ops {
		if _, err := storage.OperatorEnrolmentOf(ctx, c.Tx, s.ID, op.ID); errors.Is(err, storage.ErrNotFound) {
			adding++
		} else if err != nil {
			return err
		}
	}
	if free := room.Free(); free >= 0 && int64(adding) > free {
		return c.ReplyText(ctx, "oplabs.over_capacity", "ID", s.ID, "Capacity", room.Capacity.Int64, "Enrolled", room.Enrolled, "Adding", adding)
	}
	res, err := e.domain.EnrolOperators(ctx, c.Tx, c.Now, c.Actor, s, ops)
	if errors.Is(err, domain.ErrNotOperator) {
		return c.ReplyText(ctx, "oplabs.changed_meanwhile")
	}
	if err != nil {
		return err
	}
	lines := []string{c.T("enrol.done", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "When", domain.SessionSpan(c.L, s, e.set.Location))}
	if len(res.Added) > 0 {
		lines = append(lines, c.T("oplabs.added", "Names", codesList(res.Added)))
	}
	if len(res.Already) > 0 {
		lines = append(lines, c.T("oplabs.already", "Names", codesList(res.Already)))
	}
	if len(res.Unreached) > 0 {
		lines = append(lines, c.T("oplabs.unreached", "Names", codesList(res.Unreached)))
	}
	if len(res.Added) == 0 {
		lines = append(lines, c.T("coordform.nothing_changed"))
	}
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
}
