package flows

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
)

// My tutor: ButtonMyTutor opens a conversation with the assigned tutor. While it is open each
// text the beneficiary writes reaches the tutor as an alert with the beneficiary's code (never
// a phone number or a platform), and the bot answers only "sent"; "Back to menu" (or any other
// screen) closes it. The tutor's answers arrive through Engine.MessageFromTutor.

// StepTutorChat is the conversation step of an open conversation with the tutor.
const StepTutorChat = "tutor_chat"

func (e *Engine) tutorChatRoutes() []Route {
	return []Route{
		{Command: "tutor", Roles: domain.RoleBeneficiary, Help: "menu.cmd_tutor", Handle: e.member(e.openTutorChat)},
		{Button: notify.ButtonMyTutor, Roles: domain.RoleBeneficiary, Handle: e.member(e.openTutorChat)},
		{Step: StepTutorChat, Roles: domain.RoleBeneficiary, Action: "tutor-message", Handle: e.relayToTutor},
	}
}

func (e *Engine) openTutorChat(ctx context.Context, c *Ctx) error {
	if !c.Actor.Beneficiary.TutorID.Valid {
		return c.screen(ctx, c.T("mytutor.none"), []bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), c.menuRow()[0]})
	}
	c.SetStep(StepTutorChat, nil)
	return c.screen(ctx, c.T("mytutor.open"), c.menuRow())
}

// relayToTutor passes a text on to the tutor and acknowledges it.
func (e *Engine) relayToTutor(ctx context.Context, c *Ctx) error {
	b := c.Actor.Beneficiary
	if !b.ConsentServiceAt.Valid {
		c.ClearStep()
		return e.resumeOnboarding(ctx, c)
	}
	if !b.TutorID.Valid {
		c.ClearStep()
		return c.screen(ctx, c.T("mytutor.none"), []bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), c.menuRow()[0]})
	}
	text := strings.TrimSpace(c.In.Text)
	if text == "" {
		return nil
	}
	if utf8.RuneCountInString(text) > maxRelayRunes {
		return c.screen(ctx, c.T("mytutor.too_long", "Max", maxRelayRunes), c.menuRow())
	}
	if _, err := e.domain.MessageToTutor(ctx, c.Tx, c.Now, *b, text, ""); err != nil {
		return err
	}
	c.SetStep(StepTutorChat, nil) // the conversation stays open another StateTTL
	return c.screen(ctx, c.T("mytutor.sent"), c.menuRow())
}
