package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

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
			{key: "codes", prompt: "enrol.ask_codes", rest: true,
				check: func(ctx context.Context, c *Ctx, v map[string]string, in string) (string, error) {
					id, _ := parseID(v["session"])
					s, err := storage.SessionByID(ctx, c.Tx, id)
					if err != nil {
						return "", err
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
	var problems []string
	for _, code := range codes {
		b, err := storage.BeneficiaryByCode(ctx, c.Tx, code)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
		switch {
		case err != nil || b.Status == storage.BeneficiaryErased || !c.Actor.CanSeeBeneficiary(b):
			if err := c.auditDenied(ctx, action, "beneficiary", code); err != nil {
				return nil, err
			}
			problems = append(problems, c.T("enrol.problem_unknown", "Code", code))
		case b.Territory != s.Territory:
			problems = append(problems, c.T("enrol.problem_territory", "Code", code, "Territory", b.Territory, "SessionTerritory", s.Territory))
		case b.Status == storage.BeneficiaryClosed:
			problems = append(problems, c.T("enrol.problem_closed", "Code", code))
		}
	}
	if len(problems) > 0 {
		return nil, badInput("enrol.bad_codes", "Problems", "• "+strings.Join(problems, "\n• "))
	}
	return codes, nil
}

func (e *Engine) enrol(ctx context.Context, c *Ctx, v map[string]string) error {
	id, _ := parseID(v["session"])
	s, err := storage.SessionByID(ctx, c.Tx, id)
	if err != nil {
		return err
	}
	var added, already, unreached []string
	for _, code := range strings.Fields(v["codes"]) {
		b, err := storage.BeneficiaryByCode(ctx, c.Tx, code)
		if err != nil {
			return err
		}
		isNew, err := storage.Enrol(ctx, c.Tx, s.ID, b.ID, c.staffID(), c.Now)
		if err != nil {
			return err
		}
		if !isNew {
			already = append(already, b.Code)
			continue
		}
		added = append(added, b.Code)
		if err := c.Audit(ctx, "/enrol", "beneficiary", b.Code, "session="+strconv.FormatInt(s.ID, 10)); err != nil {
			return err
		}
		sent, err := c.SendTo(ctx, Person{BeneficiaryID: b.ID}, "notice", func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: l.T("enrol.notice", "Lab", s.LabName, "Module", s.ModuleName, "When", e.sessionWhen(l, s.StartsAt),
				"Place", s.Place, "Map", mapLink(s))}
		})
		if err != nil {
			return err
		}
		if !sent {
			unreached = append(unreached, b.Code)
		}
	}
	if len(added) > 0 {
		if err := c.SessionChanged(ctx, s.ID); err != nil {
			return err
		}
	}
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
