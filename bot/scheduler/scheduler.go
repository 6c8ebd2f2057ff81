// Package scheduler runs insidebot's scheduled work once across replicas: reminders of lab
// sessions and plan steps, overdue-step alerts, check-ins of silent beneficiaries, tutors'
// morning digests, scheduled broadcasts and daily housekeeping.
//
// Every piece of work is a row of the reminders table, planned in the transaction of the
// change that causes it (Planner) or by the scheduler's own sweeps (digests, check-ins). The
// Scheduler claims due rows and finishes each in one transaction with the message it owes, so
// it goes out exactly once whatever the number of replicas and restarts.
package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/reminders"
	"github.com/insideaut/insidebot/storage"
)

// BroadcastStarter starts a scheduled broadcast in the scheduler's transaction: the domain
// layer does (domain.Service.StartBroadcast).
type BroadcastStarter interface {
	StartBroadcast(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error
}

// Deps are what the scheduler needs.
type Deps struct {
	DB *storage.DB
	// Domain raises alerts, finishes erasures and sends through its notifier.
	Domain *domain.Service
	// Broadcasts starts scheduled broadcasts; without it broadcast reminders stay pending for
	// a replica that has one.
	Broadcasts BroadcastStarter
	Clock      clock.Clock
	Log        *slog.Logger
	Metrics    prometheus.Registerer
	// Wake tells the outbox senders there is new work; may be nil.
	Wake   func()
	Config Config
	// Media purges the files in transit past their time (media.Store); nil: none.
	Media MediaPurger
}

// Scheduler claims due reminders and does them.
type Scheduler struct {
	db         *storage.DB
	dom        *domain.Service
	broadcasts BroadcastStarter
	clock      clock.Clock
	log        *slog.Logger
	wake       func()
	cfg        Config
	planner    *reminders.Planner
	m          metrics
	media      MediaPurger

	mu        sync.Mutex // one pass at a time per scheduler
	lastSweep time.Time
}

// New builds a scheduler; Run starts it.
func New(d Deps) *Scheduler {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Config.Location == nil && d.Domain != nil {
		d.Config.Location = d.Domain.Location()
	}
	cfg := d.Config.withDefaults()
	s := &Scheduler{db: d.DB, dom: d.Domain, broadcasts: d.Broadcasts, clock: d.Clock, log: d.Log, wake: d.Wake,
		cfg: cfg, planner: NewPlanner(cfg), m: newMetrics(), media: d.Media}
	if d.Metrics != nil {
		s.m.register(d.Metrics)
	}
	return s
}

// Planner is the planner the scheduler's sweeps use (same configuration).
func (s *Scheduler) Planner() *reminders.Planner { return s.planner }

// Run does due work every Interval until ctx ends. It never holds up anything else: the HTTP
// server and /readyz do not wait on it.
func (s *Scheduler) Run(ctx context.Context) error {
	s.log.Info("scheduler running", "interval", s.cfg.Interval, "offsets", formatOffsets(s.cfg.Offsets),
		"quiet_hours", s.cfg.Quiet.String(), "digest_time", s.cfg.DigestAt.String(), "timezone", s.cfg.Location.String())
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := s.pass(ctx, false); err != nil && ctx.Err() == nil {
			s.log.Warn("scheduler pass incomplete, will try again", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Tick does one full pass now: the sweeps, then every due reminder. It returns how many
// reminders it finished (sent or dropped). Tests drive the scheduler with it and a fake clock.
func (s *Scheduler) Tick(ctx context.Context) (int, error) { return s.pass(ctx, true) }

// batch is how many due reminders a pass reads at a time.
const batch = 50

func (s *Scheduler) pass(ctx context.Context, force bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var errs []error
	// The sweeps plan work; every ten intervals, at most a minute apart, is enough (the
	// planner runs in the journeys' transactions too).
	if force || s.lastSweep.IsZero() || now.Sub(s.lastSweep) >= s.sweepEvery() || now.Before(s.lastSweep) {
		if err := s.sweep(ctx, now); err != nil {
			errs = append(errs, err)
		} else {
			s.lastSweep = now
		}
	}
	if err := s.finishErasures(ctx, now); err != nil {
		errs = append(errs, err)
	}
	done := 0
	for ctx.Err() == nil {
		due, err := storage.DueRemindersOf(ctx, s.db, now, s.kinds(), batch)
		if err != nil {
			errs = append(errs, err)
			break
		}
		finished := 0
		for _, r := range due {
			if ctx.Err() != nil {
				break
			}
			ok, err := s.process(ctx, r.ID, now)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ok {
				finished++
			}
		}
		done += finished
		// A short batch was the last; a batch with nothing finished is held by another replica
		// or failing: the next pass takes it up again.
		if len(due) < batch || finished == 0 {
			break
		}
	}
	return done, errors.Join(errs...)
}

// sweepEvery is how often Run sweeps: ten intervals, at least one, at most a minute.
func (s *Scheduler) sweepEvery() time.Duration {
	return max(s.cfg.Interval, min(10*s.cfg.Interval, time.Minute))
}

// kinds are the reminder kinds this scheduler does.
func (s *Scheduler) kinds() []string {
	k := []string{storage.ReminderSession, storage.ReminderStepDue, storage.ReminderStepOverdue, storage.ReminderCheckin,
		storage.ReminderDigest, storage.ReminderHousekeeping, storage.ReminderAssessment}
	if s.broadcasts != nil {
		k = append(k, storage.ReminderBroadcast)
	}
	return k
}

func formatOffsets(offs []time.Duration) []string {
	out := make([]string, len(offs))
	for i, o := range offs {
		out[i] = reminders.FormatOffset(o)
	}
	return out
}
