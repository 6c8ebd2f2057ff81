package flows

import (
	"context"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Planner keeps the reminders table in step with the changes that cause reminders, in the
// transaction of the change. The scheduler provides it (bot/scheduler).
type Planner interface {
	// SessionChanged re-plans every reminder of a session: after it was created, moved or
	// cancelled, or an enrolment or RSVP of it changed.
	SessionChanged(ctx context.Context, q storage.Queryer, sessionID int64, now time.Time) error
	// StepChanged re-plans the reminders of a plan step: after it was added, its due date or
	// its status changed.
	StepChanged(ctx context.Context, q storage.Queryer, stepID int64, now time.Time) error
}

// SessionChanged re-plans a session's reminders in the update's transaction.
func (c *Ctx) SessionChanged(ctx context.Context, sessionID int64) error {
	if c.e.planner == nil {
		return nil
	}
	return c.e.planner.SessionChanged(ctx, c.Tx, sessionID, c.Now)
}

// StepChanged re-plans a plan step's reminders in the update's transaction.
func (c *Ctx) StepChanged(ctx context.Context, stepID int64) error {
	if c.e.planner == nil {
		return nil
	}
	return c.e.planner.StepChanged(ctx, c.Tx, stepID, c.Now)
}
