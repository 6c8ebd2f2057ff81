package flows

import (
	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
)

// Menu lists the commands a role may use that have a description, in route order and in the
// given language: the source of /help and of Telegram's command menus, so both always match
// what the policy allows.
func (e *Engine) Menu(role domain.Role, l *locales.Localizer) []bot.Command {
	var out []bot.Command
	seen := map[string]bool{}
	for _, rt := range e.router.routes {
		if rt.Command == "" || rt.Help == "" || !rt.Roles.Has(role) || seen[rt.Command] {
			continue
		}
		seen[rt.Command] = true
		out = append(out, bot.Command{Command: rt.Command, Description: l.T(rt.Help)})
	}
	return out
}
