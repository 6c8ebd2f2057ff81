// Package domain holds every change insidebot makes to a person's case, a lab, a lead, a
// broadcast or a consent: one function each, which checks the actor's right to do it (the one
// policy: role plus territory scope, policy.go), writes the change, its audit entry and the
// messages it owes (through notify's outbox), in the caller's transaction. The conversations
// (flows), the scheduler, the importer and the web desk call it; it imports none of them.
package domain

import (
	"context"
	"log/slog"
	"time"

	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Planner keeps the reminders table in step with the changes that cause reminders, in the
// transaction of the change: domain/reminders.Planner (tests use a recorder).
type Planner interface {
	// SessionChanged re-plans every reminder of a session: after it was created, moved or
	// cancelled, or an enrolment or RSVP of it changed.
	SessionChanged(ctx context.Context, q storage.Queryer, sessionID int64, now time.Time) error
	// StepChanged re-plans the reminders of a plan step: after it was added, its due date or
	// its status changed.
	StepChanged(ctx context.Context, q storage.Queryer, stepID int64, now time.Time) error
}

// Deps are what the domain's actions need.
type Deps struct {
	Notifier *notify.Notifier
	// Planner plans reminders; nil: nothing is planned (tests of journeys without reminders).
	Planner  Planner
	Redis    *storage.Redis
	Log      *slog.Logger
	Location *time.Location // BOT_TIMEZONE: dates in messages are shown in it
}

// Service runs the domain's actions.
type Service struct {
	notify  *notify.Notifier
	planner Planner
	redis   *storage.Redis
	log     *slog.Logger
	loc     *time.Location
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	return &Service{notify: d.Notifier, planner: d.Planner, redis: d.Redis, log: d.Log, loc: d.Location}
}

// Location is BOT_TIMEZONE.
func (s *Service) Location() *time.Location { return s.loc }

// Notifier is the notifier the actions send through.
func (s *Service) Notifier() *notify.Notifier { return s.notify }

// SessionChanged re-plans a session's reminders in q (nothing without a planner).
func (s *Service) SessionChanged(ctx context.Context, q storage.Queryer, sessionID int64, now time.Time) error {
	if s.planner == nil {
		return nil
	}
	return s.planner.SessionChanged(ctx, q, sessionID, now)
}

// StepChanged re-plans a plan step's reminders in q (nothing without a planner).
func (s *Service) StepChanged(ctx context.Context, q storage.Queryer, stepID int64, now time.Time) error {
	if s.planner == nil {
		return nil
	}
	return s.planner.StepChanged(ctx, q, stepID, now)
}
