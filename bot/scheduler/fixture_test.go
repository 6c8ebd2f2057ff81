package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// fixture is a bot (flowtest's harness, on PostgreSQL and Redis unless told otherwise) with a
// scheduler of its own whose metrics the test reads.
type fixture struct {
	t      testing.TB
	h      *flowtest.Harness
	s      *scheduler.Scheduler
	reg    *prometheus.Registry
	cfg    scheduler.Config
	module storage.Module
	tutor  storage.Staff
}

func newFixture(t testing.TB, opts ...flowtest.Option) *fixture {
	t.Helper()
	h := flowtest.New(t, opts...)
	f := &fixture{t: t, h: h, cfg: h.SchedulerConfig}
	f.s, f.reg = f.newScheduler(nil)
	ctx, now := context.Background(), h.Clock.Now()
	lab, err := storage.CreateLab(ctx, h.DB, "LabIn Lavoro", "", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if f.module, err = storage.CreateModule(ctx, h.DB, lab.ID, "Il curriculum", now); err != nil {
		t.Fatal(err)
	}
	f.tutor = h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	return f
}

// newScheduler is another replica of the scheduler on the same database.
func (f *fixture) newScheduler(starter scheduler.BroadcastStarter) (*scheduler.Scheduler, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	return scheduler.New(scheduler.Deps{DB: f.h.DB, Domain: f.h.Domain, Broadcasts: starter, Clock: f.h.Clock,
		Metrics: reg, Config: f.cfg}), reg
}

// at is a moment on the wall clock in Rome.
func (f *fixture) at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, f.h.Rome)
}

func (f *fixture) setClock(t time.Time) { f.h.Clock.Set(t) }

// person is a beneficiary of the fixture's tutor, onboarded on a Telegram chat.
func (f *fixture) person(lang string) (storage.Beneficiary, *flowtest.Chat) {
	f.t.Helper()
	chat := f.h.Telegram()
	b := f.h.LinkBeneficiary(chat, f.h.NewBeneficiary("MI", lang, f.tutor.ID))
	return b, chat
}

// session schedules a session starting at start (two hours long).
func (f *fixture) session(start time.Time, mapURL string) storage.Session {
	f.t.Helper()
	s, err := storage.CreateSession(context.Background(), f.h.DB, storage.NewSession{ModuleID: f.module.ID, Territory: "MI",
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Via Padova 36, Milano", MapURL: mapURL}, f.h.Clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// change runs f in a transaction, then re-plans the session as the journeys do in theirs.
func (f *fixture) change(sessionID int64, do func(ctx context.Context, tx *storage.Tx) error) {
	f.t.Helper()
	ctx := context.Background()
	err := f.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		if do != nil {
			if err := do(ctx, tx); err != nil {
				return err
			}
		}
		return f.h.Planner.SessionChanged(ctx, tx, sessionID, f.h.Clock.Now())
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) enrol(s storage.Session, bs ...storage.Beneficiary) {
	f.t.Helper()
	f.change(s.ID, func(ctx context.Context, tx *storage.Tx) error {
		for _, b := range bs {
			if _, err := storage.Enrol(ctx, tx, s.ID, b.ID, f.tutor.ID, f.h.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fixture) rsvp(s storage.Session, b storage.Beneficiary, answer string) {
	f.t.Helper()
	f.change(s.ID, func(ctx context.Context, tx *storage.Tx) error {
		_, err := storage.SetRSVP(ctx, tx, s.ID, b.ID, answer, f.h.Clock.Now())
		return err
	})
}

// step adds a plan step and plans it as the journeys do.
func (f *fixture) step(b storage.Beneficiary, ns storage.NewStep) storage.PlanStep {
	f.t.Helper()
	ctx := context.Background()
	ns.BeneficiaryID = b.ID
	var st storage.PlanStep
	err := f.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if st, err = storage.AddStep(ctx, tx, ns, f.h.Clock.Now()); err != nil {
			return err
		}
		return f.h.Planner.StepChanged(ctx, tx, st.ID, f.h.Clock.Now())
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

func (f *fixture) stepChange(stepID int64, do func(ctx context.Context, tx *storage.Tx) error) {
	f.t.Helper()
	ctx := context.Background()
	if err := f.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		if err := do(ctx, tx); err != nil {
			return err
		}
		return f.h.Planner.StepChanged(ctx, tx, stepID, f.h.Clock.Now())
	}); err != nil {
		f.t.Fatal(err)
	}
}

// tick runs the fixture's scheduler once and returns how many reminders it finished.
func (f *fixture) tick() int {
	f.t.Helper()
	n, err := f.s.Tick(context.Background())
	if err != nil {
		f.t.Fatalf("tick: %v", err)
	}
	return n
}

// reminders lists the reminders of a kind, by due time.
func (f *fixture) reminders(kind string) []storage.Reminder {
	f.t.Helper()
	var out []storage.Reminder
	if err := f.h.DB.Select(context.Background(), &out, `SELECT id, kind, target_key, offset_key, beneficiary_id, staff_id,
session_id, step_id, broadcast_id, due_at, event_at, status, reason, created_at, processed_at, deferred
FROM reminders WHERE kind = ? ORDER BY due_at, id`, kind); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// pending lists the pending reminders of a kind as "beneficiary@local time" for messages and
// comparisons.
func (f *fixture) pending(kind string) []string {
	var out []string
	for _, r := range f.reminders(kind) {
		if r.Status == storage.ReminderPending {
			out = append(out, fmt.Sprintf("%d@%s", r.BeneficiaryID.Int64, r.DueAt.In(f.h.Rome).Format("Mon 02 Jan 15:04")))
		}
	}
	return out
}

// statuses counts reminders of a kind by "status/reason".
func (f *fixture) statuses(kind string) map[string]int {
	out := map[string]int{}
	for _, r := range f.reminders(kind) {
		key := r.Status
		if r.Reason.Valid {
			key += "/" + r.Reason.String
		}
		out[key]++
	}
	return out
}

func (f *fixture) outboxCount(kind string) int {
	f.t.Helper()
	var n int
	if err := f.h.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM outbox WHERE kind = ?`, kind); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// counter reads a scheduler metric from a registry.
func counter(t testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			match := true
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				match = match && found
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// expectOne fails unless msgs is exactly one message containing every want.
func expectOne(t *testing.T, msgs []bot.Outgoing, wants ...string) bot.Outgoing {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1:\n%s", len(msgs), flowtest.Describe(msgs))
	}
	for _, w := range wants {
		if !strings.Contains(msgs[0].Text, w) {
			t.Fatalf("message lacks %q:\n%s", w, flowtest.Describe(msgs))
		}
	}
	return msgs[0]
}
