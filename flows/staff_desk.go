package flows

import (
	"context"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// DeskAccess is the way into the web desk that the chat's /desk gives: desk/access.Links, set
// by cmd/insidebot with PUBLIC_URL. Links and sessions are its business (hashed tokens, audit).
type DeskAccess interface {
	// IssueLoginLink makes a one-time sign-in link, valid 10 minutes, for an active staff
	// member asking for it themselves.
	IssueLoginLink(ctx context.Context, q storage.Queryer, staffID int64, now time.Time) (string, error)
	// EndSessionsOf ends every desk session of a staff member, at their own request, and says
	// how many it ended.
	EndSessionsOf(ctx context.Context, q storage.Queryer, staffID int64, now time.Time) (int64, error)
}

// deskLinkMinutes is how long a sign-in link works, as the answer says (desk/access.LinkTTL).
const deskLinkMinutes = 10

func (e *Engine) deskRoutes() []Route {
	return []Route{
		{Command: "desk", Roles: domain.Staff | domain.RoleOperator, Help: "staffhelp.desk", Handle: e.deskCommand},
	}
}

// deskCommand answers /desk with a one-time sign-in link to the desk, and /desk logout by
// ending every desk session of the staff member.
func (e *Engine) deskCommand(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	if e.desk == nil {
		return c.ReplyText(ctx, "deskcmd.unavailable")
	}
	me := c.Actor.Staff.ID
	switch args := tutorFields(c); {
	case len(args) == 0:
		link, err := e.desk.IssueLoginLink(ctx, c.Tx, me, c.Now)
		if err != nil {
			return err
		}
		return c.ReplyText(ctx, "deskcmd.link", "Link", link, "Minutes", deskLinkMinutes)
	case len(args) == 1 && strings.EqualFold(args[0], "logout"):
		n, err := e.desk.EndSessionsOf(ctx, c.Tx, me, c.Now)
		if err != nil {
			return err
		}
		if n == 0 {
			return c.ReplyText(ctx, "deskcmd.logout_none")
		}
		return c.ReplyText(ctx, "deskcmd.logged_out", "Ended", n)
	}
	return c.ReplyText(ctx, "deskcmd.usage")
}
