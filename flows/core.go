package flows

import (
	"context"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
)

// coreRoutes answer what no journey takes: an unknown person's first message explains the
// service and how to get a code.
func (e *Engine) coreRoutes() []Route {
	return []Route{
		{Fallback: true, Roles: domain.RoleAnonymous, Action: "fallback", Handle: e.aboutService},
		{Media: true, Roles: domain.RoleAnonymous, Action: "media", Handle: e.aboutService},
	}
}

// aboutService tells someone not yet linked what insidebot is and how to join. It stores nothing.
func (e *Engine) aboutService(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, bot.Outgoing{Text: c.T("start.about") + "\n\n" + c.T("start.how_to_join")})
}
