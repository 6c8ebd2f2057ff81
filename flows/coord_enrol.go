package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// buttonEnrolOverConfirm enrols people beyond a session's capacity once the coordinator
// confirmed it: Data(buttonEnrolOverConfirm, token).
const buttonEnrolOverConfirm = "keoy"

// maxEnrolCodes is the most codes one /enrol takes.
const maxEnrolCodes = 50

func (e *Engine) handleEnrol(ctx context.Context, c *Ctx) error {
	return e.runForm(ctx, c, e.enrolForm(), c.In.Text)
}

func (e *Engine) enrolForm() *form {
	const action = "/enrol"
	return &form{name: "en", action: action, usage: "enrol.usage",
		fields: []field{
			sessionField(action, "enrol.ask_session"),
			{key: "codes", prompt: "enrol.ask_codes", rest: true, choices: operatorChoices,
				check: func(ctx context.Context, c *Ctx, v map[string]string, in string) (string, error) {
					id, _ := parseID(v["session"])
					s, err := storage.SessionByID(ctx, c.Tx, id)
					if err != nil {
						return "", err
					}
					if s.ForOperators() {
						ids, err := c.checkOperatorIDs(ctx, action, s, in)
						return strings.Join(ids, " "), err
					}
					codes, err := c.checkEnrolCodes(ctx, action, s, in)
					return strings.Join(codes, " "), err
				}},
		},
		run: e.enrol}
}

// splitCodes reads beneficiary codes separated by spaces, commas or semicolons, once each.
func splitCodes(in string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(in, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\n' || r == '\t' }) {
		code := strings.ToUpper(strings.TrimSpace(f))
		if code != "" && !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}

// checkEnrolCodes checks every code before anyone is enrolled: each must name a beneficiary the
// actor may act on, of the session's territory, whose path is not closed. Codes the actor may
// not see are audited as refusals.
func (c *Ctx) checkEnrolCodes(ctx context.Context, action string, s storage.Session, in string) ([]string, error) {
	codes := splitCodes(in)
	if len(codes) == 0 {
		return nil, badInput("enrol.no_codes")
	}
	if len(codes) > maxEnrolCodes {
		return nil, badInput("enrol.too_many", "Max", maxEnrolCodes)
	}
	for _, code := range codes {
		if id, ok := parseOperatorID(code); ok {
			// An operator in a beneficiaries' lab: the domain refuses it, audited.
			if err := c.e.domain.CheckAudience(ctx, c.Tx, c.Now, c.Actor, action, s, storage.AudienceOperators); err != nil {
				return nil, wrongAudience(err, "oplabs.problem_beneficiaries_lab", operatorTag(id))
			}
		}
	}
	var problems []string
	for _, code := range codes {
		b, err := storage.BeneficiaryByCode(ctx, c.Tx, code)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		problem, err := c.enrolProblem(ctx, action, s, b, err, code)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			problems = append(problems, problem)
		}
	}
	if len(problems) > 0 {
		return nil, badInput("enrol.bad_codes", "Problems", "• "+strings.Join(problems, "\n• "))
	}
	return codes, nil
}

// enrolProblem says why beneficiary b (looked up by code, with lookupErr) cannot be enrolled in
// s by the actor, or "" when they can. A code the actor may not see is audited as refused, by
// the beneficiary's internal id when there is one (the audit log never holds codes).
func (c *Ctx) enrolProblem(ctx context.Context, action string, s storage.Session, b storage.Beneficiary, lookupErr error, code string) (string, error) {
	switch {
	case lookupErr != nil || b.Status == storage.BeneficiaryErased || !c.Actor.CanSeeBeneficiary(b):
		target := ""
		if lookupErr == nil {
			target = strconv.FormatInt(b.ID, 10)
		}
		if err := c.Refuse(ctx, action, "beneficiary", target); err != nil {
			return "", err
		}
		return c.T("enrol.problem_unknown", "Code", code), nil
	case b.Territory != s.Territory:
		return c.T("enrol.problem_territory", "Code", code, "Territory", b.Territory, "SessionTerritory", s.Territory), nil
	case b.Status == storage.BeneficiaryClosed:
		return c.T("enrol.problem_closed", "Code", code), nil
	}
	return "", nil
}

func (e *Engine) enrol(ctx context.Context, c *Ctx, v map[string]string) error {
	id, _ := parseID(v["session"])
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return err
	}
	if s.ForOperators() {
		return e.enrolOperators(ctx, c, s, strings.Fields(v["codes"]))
	}
	var people []storage.Beneficiary
	for _, code := range strings.Fields(v["codes"]) {
		b, err := storage.BeneficiaryByCode(ctx, c.Tx, code)
		if err != nil {
			return err
		}
		people = append(people, b)
	}
	// The session's places are counted and taken in one step: its row stays locked until the
	// update commits, so self-enrolments cannot slip in between.
	if err := storage.LockSession(ctx, c.Tx, s.ID); err != nil {
		return err
	}
	room, err := storage.RoomOf(ctx, c.Tx, s.ID)
	if err != nil {
		return err
	}
	var newIDs []string
	for _, b := range people {
		if _, err := storage.EnrolmentOf(ctx, c.Tx, s.ID, b.ID); errors.Is(err, storage.ErrNotFound) {
			newIDs = append(newIDs, strconv.FormatInt(b.ID, 10))
		} else if err != nil {
			return err
		}
	}
	if free := room.Free(); free >= 0 && int64(len(newIDs)) > free {
		return e.askEnrolOverCapacity(ctx, c, s, room, people, len(newIDs))
	}
	return e.enrolPeople(ctx, c, s, people)
}

// askEnrolOverCapacity says the session would be over its capacity and asks whether to enrol
// everyone anyway: the button carries a one-time token naming the session and the people.
func (e *Engine) askEnrolOverCapacity(ctx context.Context, c *Ctx, s storage.Session, room storage.SessionRoom, people []storage.Beneficiary, adding int) error {
	ids := make([]string, 0, len(people))
	for _, b := range people {
		ids = append(ids, strconv.FormatInt(b.ID, 10))
	}
	text := c.T("enrol.over_capacity", "ID", s.ID, "Capacity", room.Capacity.Int64, "Enrolled", room.Enrolled, "Adding", adding,
		"Total", room.Enrolled+int64(adding))
	return c.askToConfirm(ctx, text, "enrol.over_yes", buttonEnrolOverConfirm, confirmEnrolOver,
		strconv.FormatInt(s.ID, 10)+":"+strings.Join(ids, ","))
}

// handleEnrolOverConfirm enrols the people a confirmation names beyond the session's capacity,
// once, after checking again that the coordinator may still do it.
func (e *Engine) handleEnrolOverConfirm(ctx context.Context, c *Ctx) error {
	const action = "/enrol"
	s, list, ok, err := c.confirmedSession(ctx, confirmEnrolOver, action)
	if err != nil || !ok {
		return err
	}
	var people []storage.Beneficiary
	var problems []string
	for _, f := range strings.Split(list, ",") {
		id, _ := strconv.ParseInt(f, 10, 64)
		b, err := storage.BeneficiaryByID(ctx, c.Tx, id)
		if err != nil {
			return err
		}
		problem, err := c.enrolProblem(ctx, action, s, b, nil, b.Code)
		if err != nil {
			return err
		}
		if problem != "" {
			problems = append(problems, problem)
		}
		people = append(people, b)
	}
	if len(problems) > 0 {
		return c.ReplyText(ctx, "enrol.bad_codes", "Problems", "• "+strings.Join(problems, "\n• "))
	}
	if err := storage.LockSession(ctx, c.Tx, s.ID); err != nil {
		return err
	}
	return e.enrolPeople(ctx, c, s, people)
}

// enrolPeople enrols beneficiaries in a session (already checked, the session locked), tells
// each of them, and reports to the coordinator.
func (e *Engine) enrolPeople(ctx context.Context, c *Ctx, s storage.Session, people []storage.Beneficiary) error {
	res, err := e.domain.Enrol(ctx, c.Tx, c.Now, c.Actor, s, people)
	if err != nil {
		return err
	}
	added, already, unreached := res.Added, res.Already, res.Unreached
	lines := []string{c.T("enrol.done", "ID", s.ID, "Lab", s.LabName, "Module", s.ModuleName, "When", e.sessionWhen(c.L, s.StartsAt))}
	if len(added) > 0 {
		lines = append(lines, c.L.N("enrol.added", len(added), "Codes", codesList(added)))
	}
	if len(already) > 0 {
		lines = append(lines, c.L.N("enrol.already", len(already), "Codes", codesList(already)))
	}
	if len(unreached) > 0 {
		lines = append(lines, c.L.N("enrol.unreached", len(unreached), "Codes", codesList(unreached)))
	}
	if len(added) == 0 {
		lines = append(lines, c.T("coordform.nothing_changed"))
	}
	return c.Reply(ctx, bot.Outgoing{Text: strings.Join(lines, "\n")})
}
