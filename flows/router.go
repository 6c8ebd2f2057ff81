package flows

import (
	"context"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
)

// HandlerFunc handles one update in a conversation. It replies and changes things through the
// Ctx; it returns an error only for failures it cannot answer itself (the database broke).
type HandlerFunc func(ctx context.Context, c *Ctx) error

// Route says which updates a handler takes and who may use it. Exactly one of Command, Button,
// Step, Match, Text, Media, Event or Fallback is set. Routes are tried in order; for a command or a
// button, the first route of that name whose Roles include the actor's role runs.
type Route struct {
	Command  string            // "/plan" arrives as Command "plan"
	Button   string            // payload name: Data("pl", 3) arrives as Button "pl"
	Step     string            // free text while the conversation waits at this step
	Match    func(c *Ctx) bool // free text this route recognises anywhere (STOP, START)
	Text     bool              // any other free text
	Media    bool              // stickers, voice notes, photos...
	Event    bot.Kind          // blocked / unblocked
	Fallback bool              // anything this role sent that nothing else takes
	Roles    domain.Role       // who may use it
	Action   string            // the name the audit log uses; defaults to the command or button
	Help     string            // for a command: locale id of its one-line description (menus and /help)
	Handle   HandlerFunc
}

func (r Route) action() string {
	switch {
	case r.Action != "":
		return r.Action
	case r.Command != "":
		return "/" + r.Command
	case r.Button != "":
		return "button:" + r.Button
	}
	return "text"
}

// router picks the route for an update. It is the single place that decides whether the
// actor's role may use a command or a button.
type router struct {
	routes []Route
}

// outcome of routing.
type routing struct {
	route   *Route
	denied  *Route // a route exists for this command or button, but not for this role
	unknown bool   // nothing matches
}

func (r *router) pick(c *Ctx) routing {
	role := c.Actor.Role()
	in := c.In
	switch in.Kind {
	case bot.KindCommand:
		return r.byName(role, func(rt *Route) bool { return rt.Command != "" && rt.Command == in.Command })
	case bot.KindButton:
		name, _ := notify.ParseData(in.Data)
		return r.byName(role, func(rt *Route) bool { return rt.Button != "" && rt.Button == name })
	case bot.KindUnsupported:
		return r.first(role, func(rt *Route) bool { return rt.Media })
	case bot.KindBlocked, bot.KindUnblocked:
		return r.first(role, func(rt *Route) bool { return rt.Event == in.Kind })
	}
	// Free text: words that mean the same anywhere (STOP), then the step the conversation
	// waits at, then whatever the role does with text.
	for i := range r.routes {
		rt := &r.routes[i]
		if rt.Match != nil && rt.Roles.Has(role) && rt.Match(c) {
			return routing{route: rt}
		}
	}
	if c.State.Step != "" {
		if res := r.first(role, func(rt *Route) bool { return rt.Step == c.State.Step }); res.route != nil {
			return res
		}
	}
	return r.first(role, func(rt *Route) bool { return rt.Text })
}

func (r *router) byName(role domain.Role, match func(*Route) bool) routing {
	var denied *Route
	for i := range r.routes {
		rt := &r.routes[i]
		if !match(rt) {
			continue
		}
		if rt.Roles.Has(role) {
			return routing{route: rt}
		}
		if denied == nil {
			denied = rt
		}
	}
	if denied != nil {
		return routing{denied: denied}
	}
	return routing{unknown: true}
}

func (r *router) first(role domain.Role, match func(*Route) bool) routing {
	for i := range r.routes {
		rt := &r.routes[i]
		if match(rt) && rt.Roles.Has(role) {
			return routing{route: rt}
		}
	}
	return routing{unknown: true}
}

// normalizeWord folds typed text for keyword matching: trimmed, lowercased, no final
// punctuation.
func normalizeWord(s string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(s)), ".!?¡¿،۔")
}
