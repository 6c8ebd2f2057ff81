package flows

import (
	"context"
	"errors"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// inviteOperator answers /invite operator <territory> <centre>: a coordinator or admin invites
// a reception-centre operator of a territory they may use; the centre is found by name in the
// territory, or created.
func (e *Engine) inviteOperator(ctx context.Context, c *Ctx, args []string) error {
	const action = "/invite operator"
	if !c.Actor.IsCoordinator() {
		return c.Deny(ctx, action, "territory", strings.Join(args, " "))
	}
	if len(args) < 2 {
		return c.ReplyText(ctx, "operator.invite_usage")
	}
	t, err := ParseTerritory(ctx, c.Tx, args[0])
	if errors.Is(err, storage.ErrNotFound) {
		return c.ReplyText(ctx, "ui.bad_territory", "Input", args[0])
	}
	if err != nil {
		return err
	}
	if !c.Actor.CanUseTerritory(t.Code) {
		return tutorRefuse(ctx, c, action, "territory", t.Code, "invite.foreign_territory", "Territory", t.Code)
	}
	centre := storage.CentreName(strings.Join(args[1:], " "))
	inv, err := domain.InvitePerson(ctx, c.Tx, c.Now, c.Actor, domain.InviteRequest{Role: storage.RoleOperator, Territory: t.Code,
		Centre: centre, CreatedBy: c.Actor.Staff.ID}, e.links())
	var ie *domain.InviteError
	if errors.As(err, &ie) {
		return c.ReplyText(ctx, "operator.invite_usage")
	}
	if err != nil {
		return err
	}
	return e.replyInvite(ctx, c, c.T("operator.invite_done", "Territory", t.Code, "Centre", centre), inv)
}
