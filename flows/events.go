package flows

import (
	"context"
	"errors"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// Blocked and unblocked: a person who blocks the bot is marked unreachable (nothing more is
// queued for that account), and a beneficiary's tutor learns it when no other account of theirs
// is reachable. Unblocking makes the account reachable again.

func (e *Engine) eventRoutes() []Route {
	return []Route{
		{Event: bot.KindBlocked, Roles: domain.Anyone, Action: "blocked", Handle: e.blocked},
		{Event: bot.KindUnblocked, Roles: domain.Anyone, Action: "unblocked", Handle: e.unblocked},
	}
}

func (e *Engine) blocked(ctx context.Context, c *Ctx) error {
	if c.Actor.Identity == nil {
		return nil // not linked to anyone: nothing to record, no one to answer
	}
	return e.IdentityUnreachable(ctx, c.Tx, c.Actor.Identity.ID, c.Now)
}

func (e *Engine) unblocked(ctx context.Context, c *Ctx) error {
	if c.Actor.Identity == nil {
		return nil
	}
	if err := storage.SetUnreachable(ctx, c.Tx, c.Actor.Identity.ID, nil); err != nil {
		return err
	}
	if c.Actor.Beneficiary != nil && c.Actor.Beneficiary.ConsentServiceAt.Valid {
		return c.Reply(ctx, e.menuMessage(c, "menu.welcome_back"))
	}
	return nil
}

// IdentityUnreachable marks an identity unreachable (the person blocked the bot; the outbox
// calls it when Telegram answers 403), once. When it belongs to a beneficiary who now has no
// reachable account left, their tutor gets a "blocked" alert. An identity that no longer exists
// (erased meanwhile) is not an error.
func (e *Engine) IdentityUnreachable(ctx context.Context, q storage.Queryer, identityID int64, now time.Time) error {
	ident, err := storage.IdentityByID(ctx, q, identityID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if ident.UnreachableAt.Valid {
		return nil
	}
	if err := storage.SetUnreachable(ctx, q, ident.ID, &now); err != nil {
		return err
	}
	if !ident.BeneficiaryID.Valid {
		return nil
	}
	b, err := storage.BeneficiaryByID(ctx, q, ident.BeneficiaryID.Int64)
	if err != nil {
		return err
	}
	if b.Status == storage.BeneficiaryErased {
		return nil
	}
	_, err = storage.PreferredIdentity(ctx, q, b.ID, 0)
	switch {
	case err == nil:
		return nil // still reachable on another account
	case !errors.Is(err, storage.ErrNotFound):
		return err
	}
	return e.domain.AlertTutor(ctx, q, now, b, storage.AlertBlocked, 0, "")
}
