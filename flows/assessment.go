package flows

import (
	"context"
	"errors"

	"github.com/insideaut/insidebot/domain"
)

// The self-assessment's buttons (domain/assessment.go asks the questions): each answer
// records one question and asks the next, one per message; "skip" ends the round.

func (e *Engine) assessmentRoutes() []Route {
	return []Route{
		{Button: domain.ButtonAssessmentAnswer, Roles: domain.RoleBeneficiary, Action: "self-assessment", Handle: e.member(e.assessmentAnswer)},
		{Button: domain.ButtonAssessmentSkip, Roles: domain.RoleBeneficiary, Action: "self-assessment", Handle: e.member(e.assessmentSkip)},
	}
}

// assessmentAnswer takes sa:<round>:<question>:<score>.
func (e *Engine) assessmentAnswer(ctx context.Context, c *Ctx) error {
	round, ok1 := c.Args().Int(0)
	n, ok2 := c.Args().Int(1)
	score, ok3 := c.Args().Int(2)
	if !ok1 || !ok2 || !ok3 {
		return e.assessmentClosed(ctx, c)
	}
	next, err := e.domain.AnswerAssessment(ctx, c.Tx, c.Now, c.Actor, round, int(n), int(score))
	if errors.Is(err, domain.ErrAssessmentClosed) {
		return e.assessmentClosed(ctx, c)
	}
	if err != nil {
		return err
	}
	if next == 0 {
		return c.screen(ctx, c.T("assessment.thanks"), c.menuRow())
	}
	return c.Reply(ctx, domain.AssessmentQuestion(c.L, round, next))
}

// assessmentSkip takes sx:<round>.
func (e *Engine) assessmentSkip(ctx context.Context, c *Ctx) error {
	round, ok := c.Args().Int(0)
	if !ok {
		return e.assessmentClosed(ctx, c)
	}
	err := e.domain.SkipAssessment(ctx, c.Tx, c.Now, c.Actor, round)
	if errors.Is(err, domain.ErrAssessmentClosed) {
		return e.assessmentClosed(ctx, c)
	}
	if err != nil {
		return err
	}
	return c.screen(ctx, c.T("assessment.skipped"), c.menuRow())
}

// assessmentClosed answers a tap on a round that no longer takes answers: nothing recorded.
func (e *Engine) assessmentClosed(ctx context.Context, c *Ctx) error {
	return c.screen(ctx, c.T("assessment.closed"), c.menuRow())
}
